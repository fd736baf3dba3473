package io.chard.config;

import io.chard.client.TaskClient;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings no deployment means are refused when the configuration is read, naming the setting. */
class ChardConfigTest {
    @Test
    void aSettingOutOfItsRangeIsRefusedNamingIt() {
        Map<String, Object> refused = Map.of("chard.lease-duration", "0s", "chard.result-ttl", "500ms",
                "chard.idempotency-window", "0s", "chard.default-priority", 12, "chard.max-payload-bytes", 0,
                "chard.namespace", "a{b}", "chard.default-queue", "my queue");
        refused.forEach((setting, value) -> {
            Map<String, Object> properties = new HashMap<>(TestRedis.properties());
            properties.put(setting, value);
            RuntimeException error = assertThrows(RuntimeException.class, () -> {
                try (ApplicationContext context = ApplicationContext.run(properties)) {
                    context.getBean(TaskClient.class); // what every dispatching process makes, at its start
                }
            });
            assertTrue(messages(error).contains(setting + " must be"), setting + ": " + messages(error));
        });
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
