package io.chard.config;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micronaut.configuration.lettuce.AbstractRedisConfiguration;
import io.micronaut.configuration.lettuce.ClientResourcesMutator;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How every Redis connection behaves in an outage: commands sent while disconnected fail at once (a dispatch
 * answers 503 in milliseconds instead of after {@code chard.redis-timeout}), a connect gives up after 1 s, and
 * reconnects are tried every 20-500 ms, so work resumes within about a second of Redis' return. Lettuce's
 * defaults buffer commands while disconnected and back off up to 30 s between reconnects (13.7 s measured).
 */
@Singleton
public final class RedisOutageOptions implements ClientResourcesMutator, BeanCreatedEventListener<RedisClient> {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);

    /** The reconnect schedule: 20 ms doubling up to 500 ms (the cluster client's resources use it too). */
    public static Delay reconnectDelay() {
        return Delay.exponential(Duration.ofMillis(20), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS);
    }

    @Override
    public void mutate(ClientResources.Builder builder, AbstractRedisConfiguration configuration) {
        builder.reconnectDelay(reconnectDelay());
    }

    @Override
    public RedisClient onCreated(BeanCreatedEvent<RedisClient> event) {
        RedisClient client = event.getBean();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .build());
        return client;
    }
}
