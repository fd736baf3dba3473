package io.chard.broker;

import io.chard.client.TaskClient;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The recorder's lag as the monitor reads it for the metrics: unread and pending events count, acknowledged ones not. */
class RecorderLagTest {

    @Test
    void eventsCountUntilAcknowledgedAndTheOldestDatesFromTheFirstNotAcknowledged() {
        try (ApplicationContext context = ApplicationContext.run(TestRedis.properties())) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            BrokerMonitor monitor = context.getBean(BrokerMonitor.class);
            assertEquals(new BrokerMonitor.RecorderLag(0, null), monitor.recorderLag());
            TaskClient client = context.getBean(TaskClient.class);
            for (int i = 0; i < 3; i++) {
                client.dispatch("test.add", i, 1);
            }
            BrokerMonitor.RecorderLag unread = monitor.recorderLag();
            assertEquals(3, unread.events(), "no recorder has read the stream yet");
            try (EventStream stream = broker.eventStream("test")) {
                List<BrokerEvent> first = stream.read(2, Duration.ZERO);
                assertEquals(unread.oldest(), first.getFirst().at());
                assertEquals(unread, monitor.recorderLag(), "two handed over but pending, one unread");

                stream.acknowledge(first);
                BrokerMonitor.RecorderLag rest = monitor.recorderLag();
                List<BrokerEvent> last = stream.read(10, Duration.ZERO);
                assertEquals(new BrokerMonitor.RecorderLag(1, last.getFirst().at()), rest);

                stream.acknowledge(last);
                assertEquals(new BrokerMonitor.RecorderLag(0, null), monitor.recorderLag());
            }
        }
    }
}
