package io.chard.broker;

import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
}
