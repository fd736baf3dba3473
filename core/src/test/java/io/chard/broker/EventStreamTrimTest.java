package io.chard.broker;

import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The event stream's trim against a real Redis: it removes only what every recorder acknowledged. */
class EventStreamTrimTest {

    /**
     * One recorder trims while another is handed new entries between the trim's two reads. Those entries are
     * pending to the other recorder, whose write then fails: it reads them again, and they must still be there.
     */
    @Test
    void entriesHandedToAnotherRecorderWhileATrimLooksAreNotTrimmed() {
        try (ApplicationContext context = ApplicationContext.run(TestRedis.properties())) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            RedisKeys keys = RedisKeys.of(context.getBean(ChardConfig.class).namespace());
            client.dispatch("test.add", 1, 2);
            try (RedisEventStream trimming = new RedisEventStream(broker, keys, "trimming");
                 RedisEventStream other = new RedisEventStream(broker, keys, "other")) {
                trimming.acknowledge(trimming.read(100, Duration.ZERO));
                UUID later = client.dispatch("test.add", 3, 4).id();
                List<BrokerEvent> handed = new ArrayList<>();
                trimming.betweenTrimReads = () -> handed.addAll(other.read(100, Duration.ZERO));
                trimming.trim();
                assertEquals(List.of(later), handed.stream().map(BrokerEvent::id).toList());

                other.rewind(); // its write failed: it reads its own pending entries again
                List<BrokerEvent> again = other.read(100, Duration.ZERO);
                assertFalse(again.isEmpty(), "the entries pending to the other recorder were trimmed: lost");
                assertEquals(List.of(later), again.stream().map(BrokerEvent::id).toList());
            }
        }
    }

    /**
     * A recorder's consumer is named after its host, and a container's host changes at each restart: each restart
     * left a consumer in the group for ever. Idle ones with nothing pending are removed at a trim; one with entries
     * pending stays until another claims them, and the trimming one stays.
     */
    @Test
    void consumersIdleWithNothingPendingAreForgottenAtATrimAndTheOthersKept() throws Exception {
        try (ApplicationContext context = ApplicationContext.run(TestRedis.properties())) {
            RedisBroker broker = context.getBean(RedisBroker.class);
            TaskClient client = context.getBean(TaskClient.class);
            RedisKeys keys = RedisKeys.of(context.getBean(ChardConfig.class).namespace());
            Duration forgottenAfter = Duration.ofMillis(200);
            try (RedisEventStream trimming = new RedisEventStream(broker, keys, "trimming", Duration.ofMinutes(1),
                    forgottenAfter);
                 RedisEventStream restarted = new RedisEventStream(broker, keys, "host-before-restart");
                 RedisEventStream holding = new RedisEventStream(broker, keys, "host-holding")) {
                trimming.read(100, Duration.ZERO);
                restarted.read(100, Duration.ZERO);
                client.dispatch("test.add", 1, 2);
                assertFalse(holding.read(100, Duration.ZERO).isEmpty(), "pending to host-holding, not acknowledged");
                Thread.sleep(2 * forgottenAfter.toMillis());

                trimming.trim();

                Set<String> consumers = new HashSet<>();
                for (Object info : broker.commands().xinfoConsumers(keys.events(), RedisEventStream.GROUP)) {
                    consumers.add(String.valueOf(((List<?>) info).get(1)));
                }
                assertEquals(Set.of("trimming", "host-holding"), consumers);
            }
        }
    }
}
