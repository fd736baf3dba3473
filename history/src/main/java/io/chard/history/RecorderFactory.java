package io.chard.history;

import io.chard.config.ChardSettings;
import io.chard.broker.RedisBroker;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/** Runs the recorder inside any process that sets {@code chard.recorder.enabled} (admin-api does). */
@Factory
@Requires(property = ChardSettings.RECORDER_ENABLED, value = "true")
class RecorderFactory {

    @Singleton
    @Bean(preDestroy = "stop")
    HistoryRecorder recorder(RedisBroker broker, HistoryWriter history, JsonMapper json,
                             ApplicationEventPublisher<TaskFailed> failures,
                             @Value("${" + ChardSettings.RECORDER_CONSUMER + ":}") String consumer,
                             @Value("${" + ChardSettings.RECORDER_LINGER + ":200ms}") Duration linger) {
        if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException(ChardSettings.RECORDER_LINGER + " must be between 0 and 5s, not "
                    + linger);
        }
        return new HistoryRecorder(broker.eventStream(consumer.isBlank() ? host() : consumer), history, json,
                failures, linger);
    }

    @EventListener
    void onStartup(StartupEvent event) {
        event.getSource().getBean(HistoryRecorder.class).start();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "recorder";
        }
    }
}
