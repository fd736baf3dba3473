package io.chard.broker;

import io.chard.client.TaskClient;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events one recorder read and never acknowledged (it died) are taken over by another once they were left long
 * enough; the taking over is looked for now and then, not on every read, and never steals what a live recorder holds.
 */
class AbandonedEventsTest {
    private static final Duration ABANDONED_AFTER = Duration.ofMillis(400);
    private ApplicationContext context;
    private RedisBroker broker;
    private RedisKeys keys;

    @BeforeEach
    void start() {
        context = ApplicationContext.run(TestRedis.properties());
        broker = context.getBean(RedisBroker.class);
        keys = broker.partitions().keys(0);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    private void dispatch(int count) {
        TaskClient client = context.getBean(TaskClient.class);
        for (int i = 0; i < count; i++) {
            client.dispatch("test.add", i, 1);
        }
    }

    @Test
    void eventsADeadRecorderHeldAreReadByAnotherOnceAbandonedAndNotBefore() throws Exception {
        dispatch(3);
        try (EventStream dead = new RedisEventStream(broker, keys, "dead", ABANDONED_AFTER);
             EventStream alive = new RedisEventStream(broker, keys, "alive", ABANDONED_AFTER)) {
            List<BrokerEvent> held = dead.read(10, Duration.ZERO);
            assertEquals(3, held.size());

            assertTrue(alive.read(10, Duration.ZERO).isEmpty(), "held for less than the abandon time: not taken");
            dispatch(1);
            List<BrokerEvent> fresh = alive.read(10, Duration.ZERO);
            assertEquals(1, fresh.size(), "only the new event");
            alive.acknowledge(fresh);

            Thread.sleep(ABANDONED_AFTER.plusMillis(100).toMillis());
            List<BrokerEvent> taken = alive.read(10, Duration.ZERO);
            assertEquals(held.stream().map(BrokerEvent::streamId).toList(),
                    taken.stream().map(BrokerEvent::streamId).toList(), "the dead recorder's events, in order");
        }
    }

    @Test
    void abandonedEventsBehindALongRunOfFreshlyHeldOnesAreTakenByTheFollowingReads() throws Exception {
        // One claim looks at ten times its count of pending entries: with a count of 2, twenty.
        Duration abandonedAfter = Duration.ofSeconds(1);
        dispatch(33);
        try (EventStream holder = new RedisEventStream(broker, keys, "holder", abandonedAfter);
             EventStream dead = new RedisEventStream(broker, keys, "dead", abandonedAfter);
             EventStream alive = new RedisEventStream(broker, keys, "alive", abandonedAfter)) {
            assertEquals(30, holder.read(30, Duration.ZERO).size());
            List<BrokerEvent> abandoned = dead.read(3, Duration.ZERO);
            assertEquals(3, abandoned.size());
            Thread.sleep(abandonedAfter.plusMillis(100).toMillis());
            // A recorder that starts again under the holder's name reads its own backlog first: the thirty
            // entries ahead of the dead one's are fresh again.
            try (EventStream holderAgain = new RedisEventStream(broker, keys, "holder", abandonedAfter)) {
                assertEquals(30, holderAgain.read(100, Duration.ZERO).size());
            }

            List<BrokerEvent> taken = new ArrayList<>();
            for (int read = 0; read < 10 && taken.size() < abandoned.size(); read++) {
                taken.addAll(alive.read(2, Duration.ZERO));
                Thread.sleep(10);
            }
            assertEquals(abandoned.stream().map(BrokerEvent::streamId).toList(),
                    taken.stream().map(BrokerEvent::streamId).toList(),
                    "the dead recorder's events, found past the holder's within the same claim pass");
        }
    }
}
