package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.RedisBroker;
import io.chard.client.TaskClient;
import io.chard.client.TaskDefaults;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.chard.task.TaskRegistry;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings page's API: everyone signed in reads the stored settings, administrators change them; bad values
 * change nothing; the default queue and the retries reach processes that have no database, through Redis.
 */
class SettingsApiTest {
    static final String SETTINGS = AdminApiTest.ADMIN + "/settings";
    static AdminApiServer server;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void restoreDefaults() {
        server.admin.put(SETTINGS + "/task_default_queue", "{\"value\":\"default\"}");
        server.admin.put(SETTINGS + "/max_retries", "{\"value\":\"3\"}");
    }

    @Test
    void anAdministratorReadsEveryStoredSettingAndChangesOneAudited() {
        JsonNode items = server.admin.get(SETTINGS).json().get("items");
        List<String> keys = new ArrayList<>();
        items.values().forEach(item -> keys.add(item.get("key").getStringValue()
                + " " + item.get("kind").getStringValue() + " " + item.get("applies").getStringValue()
                + (item.get("requires_restart").getBooleanValue() ? " (restart)" : "")));
        assertEquals(List.of("audit_retention_days days next_use", "max_retries retries within_seconds",
                "purge_interval_seconds seconds next_use",
                "retention_days days next_use", "stuck_after_seconds seconds next_use",
                "stuck_sweep_interval_seconds seconds next_use", "task_always_eager boolean restart (restart)",
                "task_default_queue queue within_seconds", "task_eager_propagates boolean restart (restart)"), keys);
        assertEquals("default", value("task_default_queue"));
        assertEquals("3", value("max_retries"));
        assertEquals("false", value("task_always_eager"));

        Answer changed = server.admin.put(SETTINGS + "/retention_days", "{\"value\":\"30\"}");
        assertEquals(200, changed.status(), changed.body());
        assertEquals("30", changed.text("value"));
        assertEquals("30", value("retention_days"));
        assertEquals(1, server.admin.get(AdminApiTest.ADMIN + "/audit?action=update_setting&target=retention_days")
                .json().get("total").getIntValue());
        assertEquals("true", server.admin.put(SETTINGS + "/task_eager_propagates", "{\"value\":\" TRUE \"}")
                .text("value"));
    }

    @Test
    void aValueOutsideItsSettingsKindIsRefusedNamingTheFieldAndChangesNothing() {
        Map<String, List<String>> refused = Map.of(
                "stuck_after_seconds", List.of("\"0\"", "\"-5\"", "\"1.5\"", "\"soon\"", "null", "\"3153600001\""),
                "retention_days", List.of("\"36501\""),
                "max_retries", List.of("\"-1\"", "\"101\"", "\"three\""),
                "task_default_queue", List.of("\"\"", "\"two words\"", "\"" + "q".repeat(101) + "\""),
                "task_always_eager", List.of("\"yes\"", "\"1\""));
        refused.forEach((key, values) -> {
            String before = value(key);
            for (String bad : values) {
                Answer answer = server.admin.put(SETTINGS + "/" + key, "{\"value\":" + bad + "}");
                assertError(answer, 422, "invalid_field");
                assertEquals("value", answer.text("field"));
                assertTrue(answer.text("message").startsWith(key + " must be"), answer.body());
            }
            assertEquals(before, value(key));
        });
        assertError(server.admin.put(SETTINGS + "/broker_url", "{\"value\":\"1\"}"), 404, "not_found");
    }

    @Test
    void everyoneSignedInReadsTheSettingsAndOnlyAdministratorsChangeThem() {
        assertEquals(200, server.viewer.get(SETTINGS).status());
        assertEquals(200, server.operator.get(SETTINGS).status());
        assertEquals(403, server.viewer.put(SETTINGS + "/retention_days", "{\"value\":\"2\"}").status());
        assertEquals(403, server.operator.put(SETTINGS + "/task_default_queue", "{\"value\":\"x\"}").status());
        assertEquals(401, server.anonymous.get(SETTINGS).status());
    }

    @Test
    void aChangedDefaultQueueAndRetriesReachADispatcherWithoutADatabaseWhileItRuns() {
        try (ApplicationContext dispatcher = ApplicationContext.run(Map.of(
                ChardSettings.REDIS_URI, TestRedis.uri(),
                ChardSettings.NAMESPACE, server.context.getBean(ChardConfig.class).namespace()))) {
            assertTrue(dispatcher.getBeansOfType(DataSource.class).isEmpty(), "the dispatcher has no database");
            TaskClient client = dispatcher.getBean(TaskClient.class);
            TaskDefaults defaults = dispatcher.getBean(TaskDefaults.class);
            assertEquals("default", client.dispatch("test.add", 1, 2).envelope().queue());

            assertEquals(200, server.admin.put(SETTINGS + "/task_default_queue", "{\"value\":\"relocated\"}")
                    .status());
            assertEquals(200, server.admin.put(SETTINGS + "/max_retries", "{\"value\":\"0\"}").status());
            assertEquals("relocated", server.context.getBean(TaskDefaults.class).defaultQueue(),
                    "admin-api's own dispatches use the change at once");

            String queue = Await.value("the dispatcher sends to the new default queue", Duration.ofSeconds(10),
                    () -> {
                        String used = client.dispatch("test.add", 1, 2).envelope().queue();
                        return used.equals("relocated") ? used : null;
                    });
            assertEquals("relocated", queue);
            assertEquals(0, defaults.maxRetries(dispatcher.getBean(TaskRegistry.class).require("test.add")
                    .options()));
            assertEquals("mail", client.dispatch("test.greet", "ada").envelope().queue(), "a declared queue wins");
            try (BrokerConsumer worker = server.context.getBean(RedisBroker.class).consumer("settings-test")) {
                assertTrue(worker.lease(List.of("relocated"), 10, Duration.ofSeconds(30)).deliveries().stream()
                        .anyMatch(delivery -> delivery.envelope().contains("\"test.add\"")), "it waits there");
            }
        }
    }

    private static String value(String key) {
        for (JsonNode item : server.admin.get(SETTINGS).json().get("items").values()) {
            if (item.get("key").getStringValue().equals(key)) {
                return item.get("value").getStringValue();
            }
        }
        throw new AssertionError("no setting " + key);
    }
}
