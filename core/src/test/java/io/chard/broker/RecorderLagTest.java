package io.chard.broker;

import io.chard.client.TaskClient;
import io.chard.testing.TestRedis;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void whereRedisCannotCountTheUnreadEventsNothingUnreadIsStillNoLag() {
        try (ApplicationContext context = ApplicationContext.run(TestRedis.properties())) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            BrokerMonitor monitor = context.getBean(BrokerMonitor.class);
            TaskClient client = context.getBean(TaskClient.class);
            for (int i = 0; i < 3; i++) {
                client.dispatch("test.add", i, 1);
            }
            String events = broker.partitions().keys(0).events();
            try (EventStream stream = broker.eventStream("test")) {
                stream.acknowledge(stream.read(2, Duration.ZERO));
                // Deleting an entry past the group's position leaves Redis 7 without a lag to answer, as Redis 6.2
                // always is.
                broker.sync().xdel(events, broker.sync().xrevrange(events, Range.create("-", "+"), Limit.from(1))
                        .getFirst().getId());
                assertNull(RedisEventStream.group(broker.commands(), events).get("lag"));
                assertEquals(new BrokerMonitor.RecorderLag(0, null), monitor.recorderLag(),
                        "everything left was acknowledged, though two entries wait for the trim");

                client.dispatch("test.add", 3, 1);
                BrokerMonitor.RecorderLag unread = monitor.recorderLag();
                List<BrokerEvent> next = stream.read(10, Duration.ZERO);
                assertEquals(next.getFirst().at(), unread.oldest());
                assertTrue(unread.events() >= next.size(), "at least what is unread: " + unread.events());
            }
        }
    }
}
