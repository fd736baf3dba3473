package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient.Answer;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The settings page's API: administrators read and change the stored settings; bad values change nothing. */
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

    @Test
    void anAdministratorReadsEveryStoredSettingAndChangesOneAudited() {
        JsonNode items = server.admin.get(SETTINGS).json().get("items");
        List<String> keys = new ArrayList<>();
        items.values().forEach(item -> keys.add(item.get("key").getStringValue()));
        assertEquals(List.of("purge_interval_seconds", "retention_days", "stuck_after_seconds",
                "stuck_sweep_interval_seconds"), keys);
        assertFalse(items.get(0).get("requires_restart").getBooleanValue());

        Answer changed = server.admin.put(SETTINGS + "/retention_days", "{\"value\":\"30\"}");
        assertEquals(200, changed.status(), changed.body());
        assertEquals("30", changed.text("value"));
        assertEquals("30", value("retention_days"));
        assertEquals(1, server.admin.get(AdminApiTest.ADMIN + "/audit?action=update_setting&target=retention_days")
                .json().get("total").getIntValue());
    }

    @Test
    void aValueThatIsNotAWholeNumberFromOneToAHundredYearsIsRefusedNamingTheFieldAndChangesNothing() {
        String before = value("stuck_after_seconds");
        for (String bad : List.of("\"0\"", "\"-5\"", "\"1.5\"", "\"soon\"", "null", "\"3153600001\"")) {
            Answer refused = server.admin.put(SETTINGS + "/stuck_after_seconds", "{\"value\":" + bad + "}");
            assertError(refused, 422, "invalid_field");
            assertEquals("value", refused.text("field"));
        }
        assertEquals(before, value("stuck_after_seconds"));
        assertError(server.admin.put(SETTINGS + "/broker_url", "{\"value\":\"1\"}"), 404, "not_found");
    }

    @Test
    void onlyAdministratorsSeeOrChangeSettings() {
        assertEquals(403, server.operator.get(SETTINGS).status());
        assertEquals(403, server.viewer.put(SETTINGS + "/retention_days", "{\"value\":\"2\"}").status());
        assertEquals(401, server.anonymous.get(SETTINGS).status());
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
