package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.history.HistoryStore;
import io.chard.testing.Await;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input is refused whole, with a 400 or 422 naming the field, and never half-accepted (enqueued, then lost by
 * the history) or answered 500. Over real HTTP against a real Redis and PostgreSQL, with the recorder running.
 */
class BadInputTest {
    static final String TASKS = "/api/background_tasks/tasks";
    static final String EXECUTIONS = "/api/background_tasks/admin/executions";
    static final String SCHEDULES = "/api/background_tasks/admin/schedules";
    static AdminApiServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of("chard.test.failing-route", true));
        api = server.operator;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * A username with a NUL character is refused by PostgreSQL as data (SQLSTATE 22021), and every Jdbc failure is
     * answered as an outage: an anonymous caller gets 503 database_unavailable with Retry-After, for a login that
     * can only ever be refused.
     */
    @Test
    void aLoginWithANulInTheUsernameIsRefusedNotAnsweredAsADatabaseOutage() {
        Answer login = server.anonymous.post("/login", "{\"username\":\"admin\\u0000\",\"password\":\""
                + AdminApiServer.PASSWORD + "\"}");
        assertEquals(400, login.status(), "a login PostgreSQL cannot even look up: " + login.body());
    }

    /**
     * The NUL filter sees raw NULs in query parameters, not the JSON escape in a containment search
     * ({@code args=["\u0000"]}), which jsonb refuses as data (SQLSTATE 22P05): answered 503 database_unavailable,
     * where docs/admin-api.md promises 400 invalid_value for a value PostgreSQL refuses as data.
     */
    @Test
    void aSearchForAnEscapedNulInTheArgumentsIs400NotADatabaseOutage() {
        Answer search = server.viewer.get(EXECUTIONS + "?args=%5B%22%5Cu0000%22%5D");
        assertEquals(400, search.status(), search.body());
        Answer bulk = server.operator.post(EXECUTIONS + "/bulk-retry",
                "{\"kwargs\":\"{\\\"a\\\":\\\"\\\\u0000\\\"}\"}");
        assertEquals(400, bulk.status(), bulk.body());
    }

    /** {@code ids} with a null element: List.copyOf throws a NullPointerException, answered 500. */
    @Test
    void aBulkSelectionWithANullIdIsRefusedNot500() {
        Answer answer = server.operator.post(EXECUTIONS + "/bulk-retry", "{\"ids\":[null]}");
        assertEquals(422, answer.status(), answer.body());
    }

    /**
     * docs/admin-api.md: 422 invalid_option for eta, expires or countdown given as "a negative or non-finite
     * number". A negative countdown is refused; a negative {@code expires} is accepted, and the execution is born
     * expired (the caller's 202 stands for work that will never run).
     */
    @Test
    void aNegativeExpiresIsRefusedAsANegativeCountdownIs() {
        Answer countdown = server.operator.post(TASKS,
                "{\"task\":\"test.add\",\"args\":[1,2],\"countdown\":-1}");
        assertEquals(422, countdown.status(), countdown.body());
        Answer expires = server.operator.post(TASKS,
                "{\"task\":\"test.add\",\"args\":[1,2],\"expires\":-1}");
        assertEquals(422, expires.status(), "a negative expires: " + expires.body());
    }

    /**
     * An execution that expires before it may first start is revoked unrun, as one with a negative expires would
     * be: an instant already past, and an expiry before the countdown's end or the eta, were answered 202.
     */
    @Test
    void aDispatchThatExpiresBeforeItsFirstRunIsRefusedAsANegativeExpiresIs() {
        assertRefused(dispatch("\"expires\":\"2001-01-01T00:00:00Z\""), 422, "expires");
        assertRefused(dispatch("\"countdown\":600,\"expires\":60"), 422, "expires");
        assertRefused(dispatch("\"eta\":\"2999-01-01T00:00:00Z\",\"expires\":\"2998-01-01T00:00:00Z\""), 422,
                "expires");
        assertRefused(dispatch("\"expires\":0"), 422, "expires");
        assertEquals(202, dispatch("\"countdown\":60,\"expires\":600").status());
    }

    /**
     * The first run is the latest of now, the eta and the countdown's end: an eta in ten seconds with a countdown of
     * 600 runs in 600 s, so an expires of 60 is revoked unrun; an eta in the past runs now, so an expiry between
     * that eta and now has passed. Both were answered 202 by a check that took the eta alone.
     */
    @Test
    void anExpiryBeforeTheLatestOfNowEtaAndCountdownIsRefused() {
        String soon = Instant.now().plusSeconds(10).toString();
        assertRefused(dispatch("\"eta\":\"" + soon + "\",\"countdown\":600,\"expires\":60"), 422, "expires");
        assertRefused(dispatch("\"eta\":\"2000-01-01T00:00:00Z\",\"expires\":\"2001-01-01T00:00:00Z\""), 422,
                "expires");
    }

    @Test
    void timesTheHistoryCannotStoreAreRefusedNamingTheField() {
        assertRefused(dispatch("\"eta\":\"+10000-01-01T00:00:00Z\""), 422, "eta");
        assertRefused(dispatch("\"eta\":\"-0001-01-01T00:00:00Z\""), 422, "eta");
        assertRefused(dispatch("\"expires\":\"+10000-01-01T00:00:00Z\""), 422, "expires");
        assertRefused(dispatch("\"expires\":1e16"), 422, "expires");
        assertRefused(dispatch("\"countdown\":1e16"), 422, "countdown");
        assertEquals(202, dispatch("\"eta\":\"9999-12-31T00:00:00Z\"").status());
    }

    @Test
    void numbersNoOptionCanTakeAreRefusedNotCoerced() {
        for (String field : List.of("countdown", "priority", "expires")) {
            Answer answer = dispatch("\"" + field + "\":1e400");
            assertRefused(answer, 422, field);
            assertFalse(answer.body().contains("Infinite"), answer.body());
        }
        assertRefused(dispatch("\"priority\":4294967301"), 422, "priority");
        assertRefused(dispatch("\"priority\":5.5"), 400, "priority");
        assertRefused(dispatch("\"countdown\":-1e308"), 422, "countdown");
        assertRefused(dispatch("\"countdown\":-1"), 422, "countdown");
    }

    /**
     * A JSON number is read as a double, as Python's json reads it for Celery: 1e-400 is 0.0 before any check sees
     * it, so a priority of 1e-400 is priority 0, in a dispatch as in a workflow's options; a priority of 0.5 is
     * refused (400, naming it) in both; a countdown or expiry of 0.5 is half a second, and of 1e-400 none (a countdown
     * of 0 runs now; an expiry of 0 would never run, so it is refused).
     */
    @Test
    void aPriorityThatUnderflowsToZeroIsPriorityZeroAndAFractionalOneIsRefusedInADispatchAsInAWorkflow() {
        Answer underflow = dispatch("\"priority\":1e-400");
        assertEquals(202, underflow.status(), underflow.body());
        assertEquals(0, underflow.json().get("priority").getIntValue(), underflow.body());
        assertRefused(dispatch("\"priority\":0.5"), 400, "priority");
        Answer workflow = api.post("/api/background_tasks/workflows",
                "{\"task\": \"test.add\", \"args\": [1, 1], \"options\": {\"priority\": 1e-400}}");
        assertEquals(202, workflow.status(), workflow.body());
        Answer half = api.post("/api/background_tasks/workflows",
                "{\"task\": \"test.add\", \"args\": [1, 1], \"options\": {\"priority\": 0.5}}");
        assertTrue(half.status() == 400 || half.status() == 422, half.body());
        assertEquals(202, dispatch("\"countdown\":0.5").status());
        assertEquals(202, dispatch("\"countdown\":1e-400").status());
        assertEquals(202, dispatch("\"expires\":0.5").status());
        assertRefused(dispatch("\"expires\":1e-400"), 422, "expires");
    }

    @Test
    void argumentsAreNeverCoercedIntoAnotherValue() {
        for (String args : List.of("[1.5, 2]", "[true, 1]", "[\"1\", 2]", "[1e400, 2]", "[9223372036854775808, 2]")) {
            Answer answer = api.post(TASKS, "{\"task\":\"test.add\",\"args\":" + args + "}");
            assertEquals(422, answer.status(), args + ": " + answer.body());
            assertEquals("invalid_arguments", answer.text("error"));
            assertEquals("a", answer.text("parameter"), answer.body());
        }
        assertEquals(202, api.post(TASKS, "{\"task\":\"test.add\",\"args\":[2.0, -3]}").status());
        assertEquals(422, api.post(TASKS, "{\"task\":\"test.collect\",\"args\":[[\"x\"],{\"x\":1.5}]}").status());
    }

    @Test
    void aBodyNestedAThousandLevelsDeepOrWithDataAfterItsValueIs400() {
        String deep = "[".repeat(1_000) + "]".repeat(1_000);
        Answer nested = api.post(TASKS, "{\"task\":\"test.echo\",\"args\":[\"x\"," + deep + "]}");
        assertEquals(400, nested.status(), nested.body());
        assertEquals("malformed_json", nested.text("error"));
        Answer trailing = api.post(TASKS, "{\"task\":\"test.add\",\"args\":[1,2]} {\"task\":\"x\"}");
        assertEquals(400, trailing.status(), trailing.body());
        assertEquals(400, api.post(TASKS, "{\"task\":\"test.add\",\"args\":[1,2]}]").status());
        assertEquals(202, api.post(TASKS, "{\"task\":\"test.add\",\"args\":[1,2]}\n ").status());
    }

    @Test
    void nulCharactersAreRefusedWith400() {
        assertRefused(server.viewer.get(EXECUTIONS + "?q=%00"), 400, "q");
        assertRefused(server.viewer.get(EXECUTIONS + "?task_name=a%00b"), 400, "task_name");
        assertRefused(api.post(EXECUTIONS + "/bulk-retry", "{\"q\":\"\\u0000\"}"), 400, "q");
        assertRefused(server.admin.post("/api/background_tasks/admin/tokens",
                "{\"name\":\"a\\u0000b\",\"roles\":[\"viewer\"]}"), 400, "name");
        Answer schedule = api.post(SCHEDULES, "{\"name\":\"nul-queue\",\"task_name\":\"test.add\",\"args\":[1,2],"
                + "\"cron\":\"* * * * *\",\"queue\":\"q\\u0000\"}");
        assertEquals(422, schedule.status(), schedule.body());
    }

    @Test
    void passwordsOverBcryptsSeventyTwoBytesAreRefusedAtLoginAndUserCreationNamingTheField() {
        String long73 = "é".repeat(36) + "x";
        assertRefused(server.anonymous.post("/login", "{\"username\":\"admin\",\"password\":\"" + long73 + "\"}"),
                400, "password");
        assertRefused(server.admin.post("/api/background_tasks/admin/users", "{\"username\":\"long-pw\","
                + "\"password\":\"" + long73 + "\",\"roles\":[\"viewer\"]}"), 422, "password");
        assertEquals(201, server.admin.post("/api/background_tasks/admin/users", "{\"username\":\"ok-pw\","
                + "\"password\":\"" + "é".repeat(36) + "\",\"roles\":[\"viewer\"]}").status());
    }

    @Test
    void datesThatOverflowAreRefused() {
        assertRefused(server.viewer.get(EXECUTIONS + "?until=-999999999-01-01T00:00:00Z"), 422, "until");
        assertRefused(server.viewer.get(EXECUTIONS + "?since=%2B10000-01-01T00:00:00Z"), 422, "since");
        assertRefused(api.post(EXECUTIONS + "/bulk-retry", "{\"until\":\"+999999999-12-31T23:59:59Z\","
                + "\"dry_run\":false}"), 422, "until");
        for (String interval : List.of("1e18", "1.5", "1e400")) {
            Answer answer = api.post(SCHEDULES, "{\"name\":\"every-" + interval + "\",\"task_name\":\"test.add\","
                    + "\"args\":[1,2],\"kind\":\"interval\",\"interval_seconds\":" + interval + "}");
            assertEquals(422, answer.status(), interval + ": " + answer.body());
        }
        Answer oneOff = api.post(SCHEDULES, "{\"name\":\"far\",\"task_name\":\"test.add\",\"args\":[1,2],"
                + "\"kind\":\"one_off\",\"run_at\":\"+10000-01-01T00:00:00Z\"}");
        assertEquals(422, oneOff.status(), oneOff.body());
    }

    @Test
    void aFailureNobodyForesawAnswersAnErrorIdWithoutItsText() {
        Answer answer = server.viewer.get("/test/fail");
        assertEquals(500, answer.status());
        assertEquals("internal_error", answer.text("error"));
        assertFalse(answer.body().contains("secret detail"), answer.body());
        assertFalse(answer.body().contains("IllegalState"), answer.body());
    }

    /**
     * A few hundred requests built from a fixed seed, mixing well-formed and malformed values in every field: none
     * is answered 500, and every execution answered 202 reaches the history.
     */
    @Test
    void aSeededStreamOfMalformedRequestsGetsNo500AndEveryAcceptedExecutionIsRecorded() {
        Random random = new Random(20260308L);
        List<UUID> accepted = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Answer answer;
            String sent;
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    sent = dispatchBody(random);
                    answer = api.post(TASKS, sent);
                    if (answer.status() == 202) {
                        accepted.add(UUID.fromString(answer.text("id")));
                    }
                }
                case 2 -> {
                    sent = EXECUTIONS + "?" + pick(random, "q", "task_name", "queue", "status", "since", "until")
                            + "=" + pick(random, "%00", "-999999999-01-01T00:00:00Z", "%2B10000-01-01T00:00:00Z",
                            "2026-01-01T00:00:00Z", "x%27%3B--", "%E2%82", "1e400", "");
                    answer = server.viewer.get(sent);
                }
                default -> {
                    sent = "{\"name\":\"fuzz-" + i + "\",\"task_name\":\"test.add\",\"args\":" + args(random)
                            + ",\"kind\":\"interval\",\"interval_seconds\":" + number(random) + ",\"queue\":"
                            + pick(random, "\"q\\u0000\"", "\"default\"", "1", "null") + ",\"priority\":"
                            + number(random) + "}";
                    answer = api.post(SCHEDULES, sent);
                }
            }
            if (answer.status() >= 500) {
                failures.add(answer.status() + " for " + sent + ": " + answer.body());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " answers of 500:\n" + String.join("\n", failures));
        assertFalse(accepted.isEmpty(), "the seed accepted nothing; the test would prove nothing");
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("all " + accepted.size() + " accepted executions are in the history", Duration.ofSeconds(30),
                () -> accepted.stream().allMatch(id -> history.find(id).isPresent()));
    }

    private static String dispatchBody(Random random) {
        StringBuilder body = new StringBuilder("{\"task\":\"").append(pick(random, "test.add", "test.add",
                "test.echo", "no.such")).append("\",\"args\":").append(args(random));
        for (String field : List.of("countdown", "priority", "eta", "expires", "queue")) {
            if (random.nextInt(3) == 0) {
                body.append(",\"").append(field).append("\":").append(random.nextBoolean() ? number(random)
                        : pick(random, "\"+10000-01-01T00:00:00Z\"", "\"-0001-01-01T00:00:00Z\"", "\"2026-01-01T00:00:00Z\"",
                        "\"\\u0000\"", "\"a b\"", "null", "true", "[]", "\"9999-12-31T23:59:59Z\""));
            }
        }
        body.append("}");
        if (random.nextInt(10) == 0) {
            body.append(pick(random, " x", "]", "{}", "\u0000"));
        }
        return body.toString();
    }

    private static String args(Random random) {
        return pick(random, "[1,2]", "[1.5,2]", "[true,1]", "[" + number(random) + "," + number(random) + "]",
                "[\"x\"," + "[".repeat(random.nextInt(1_200)) + "]", "[1,[[[[2]]]]]", "{}", "[\"\\u0000\",1]");
    }

    private static String number(Random random) {
        return pick(random, "1", "0", "-1", "1.5", "1e400", "-1e308", "1e16", "1e18", "4294967301",
                "9223372036854775808", "3", "60", "-0", "1E-400", String.valueOf(random.nextInt()));
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static Answer dispatch(String options) {
        return api.post(TASKS, "{\"task\":\"test.add\",\"args\":[1,2]," + options + "}");
    }

    private static void assertRefused(Answer answer, int status, String field) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals(field, answer.text("field"), answer.body());
        assertFalse(answer.text("message").isBlank());
    }

    /** A route that fails the way nothing foresaw, with text that must stay in the log. */
    @Controller("/test/fail")
    @Requires(property = "chard.test.failing-route", value = "true")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    static class FailingRoute {
        @Get
        String fail() {
            throw new IllegalStateException("secret detail of the failure");
        }
    }
}
