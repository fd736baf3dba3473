package io.chard.admin;

import io.chard.admin.testing.ApiClient.Answer;
import io.chard.admin.testing.SharedAdminApi;
import io.chard.broker.Outcome;
import io.chard.history.HistoryStore;
import io.chard.testing.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A field of the wrong type, or a field the route does not know, is refused with a 4xx and changes nothing: it is
 * never coerced into another value (a string read as the boolean false) or dropped (a misspelt filter read as "no
 * filter"), each of which turns a request into another action than the one asked for.
 */
class WrongTypesChangeNothingTest extends SharedAdminApi {
    static final String ADMIN = "/api/background_tasks/admin";
    static final String EXECUTIONS = ADMIN + "/executions";

    /**
     * {@code "dry_run": "yes"} is not a boolean: it was read as false (Boolean.parseBoolean), so a request that asked
     * for a count retried every selected failure, answered 200.
     */
    @Test
    void aBulkRetryWhoseDryRunIsAStringIsRefusedAndRetriesNothing() {
        UUID failed = failedExecution();
        Answer answer = server.operator.post(EXECUTIONS + "/bulk-retry",
                "{\"ids\":[\"" + failed + "\"],\"dry_run\":\"yes\"}");
        List<UUID> retriedBy = server.context.getBean(HistoryStore.class).retriedBy(failed);
        assertTrue(answer.status() == 400 || answer.status() == 422,
                "dry_run \"yes\" answered " + answer.status() + " " + answer.body() + "; retries made: " + retriedBy);
        assertEquals(List.of(), retriedBy, "a refused request retried " + failed);
    }

    /**
     * The dispatch body refuses a field it does not know (400 unknown_field); the bulk body drops it, so a misspelt
     * selection ({@code "id"} for {@code "ids"}) is read as no selection at all, and a confirmed bulk retry acts on
     * every failure in the history, not on the one named.
     */
    @Test
    void aBulkRetryWithAMisspeltSelectionIsRefusedAndDoesNotRetryEveryFailure() {
        UUID chosen = failedExecution();
        UUID other = failedExecution();
        Answer answer = server.operator.post(EXECUTIONS + "/bulk-retry",
                "{\"id\":[\"" + chosen + "\"],\"dry_run\":false}");
        List<UUID> otherRetriedBy = server.context.getBean(HistoryStore.class).retriedBy(other);
        assertTrue(answer.status() == 400 || answer.status() == 422,
                "a body with the unknown field 'id' answered " + answer.status() + " " + answer.body()
                        + "; the failure it did not name was retried as " + otherRetriedBy);
        assertEquals(List.of(), otherRetriedBy);
    }

    /**
     * {@code "disabled": "yes"} is read as false: PATCHing a disabled user to disable them (again) with a string
     * enables the account, the opposite of what was asked, answered 200.
     */
    @Test
    void aUserChangeWhoseDisabledIsAStringIsRefusedAndDoesNotEnableTheAccount() {
        Answer created = server.admin.post(ADMIN + "/users", "{\"username\":\"wrong-type\",\"password\":\""
                + "password-1\",\"roles\":[\"operator\"]}");
        assertEquals(201, created.status(), created.body());
        String id = created.text("id");
        assertEquals(200, server.admin.patch(ADMIN + "/users/" + id, "{\"disabled\":true}").status());

        Answer answer = server.admin.patch(ADMIN + "/users/" + id, "{\"disabled\":\"yes\"}");
        String disabledNow = java.util.stream.StreamSupport.stream(server.admin.get(ADMIN + "/users").json().get("items").values().spliterator(), false).filter(user -> user.get("id").getStringValue().equals(id)).findFirst().orElseThrow()
                .get("disabled").coerceStringValue();
        assertTrue(answer.status() == 400 || answer.status() == 422,
                "disabled \"yes\" answered " + answer.status() + " " + answer.body() + "; disabled now: " + disabledNow);
        assertEquals("true", disabledNow, "the account was enabled by a request to disable it");
    }

    /** A setting's value is text (docs/admin-api.md: {"value": "30"}); an array was read as its one element. */
    @Test
    void aSettingWhoseValueIsAnArrayIsRefusedAndChangesNothing() {
        String before = maxRetries();
        Answer answer = server.admin.put(ADMIN + "/settings/max_retries", "{\"value\":[7]}");
        String after = maxRetries();
        try {
            assertTrue(answer.status() == 400 || answer.status() == 422,
                    "value [7] answered " + answer.status() + " " + answer.body() + "; max_retries " + before + " -> "
                            + after);
            assertEquals(before, after);
        } finally {
            server.admin.put(ADMIN + "/settings/max_retries", "{\"value\":\"" + before + "\"}");
        }
    }

    private static String maxRetries() {
        return java.util.stream.StreamSupport.stream(server.admin.get(ADMIN + "/settings").json().get("items").values().spliterator(), false).filter(item -> item.get("key").getStringValue().equals("max_retries")).findFirst().orElseThrow()
                .get("value").getStringValue();
    }

    private static UUID failedExecution() {
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[2,3]}").text("id"));
        server.settle(id, new Outcome.Failure("java.lang.IllegalStateException", "boom", "trace"));
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the failure is recorded", Duration.ofSeconds(10),
                () -> history.find(id).map(r -> r.status().equals("failed")).orElse(false));
        return id;
    }
}
