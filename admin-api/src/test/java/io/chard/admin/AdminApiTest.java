package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.Outcome;
import io.chard.broker.RedisBroker;
import io.chard.config.ChardSettings;
import io.chard.database.Jdbc;
import io.chard.history.HistoryStore;
import io.chard.history.TaskRetried;
import io.chard.testing.Await;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;

import static io.chard.admin.TaskApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every admin route: what it answers, and whom it refuses (401 anonymous, 403 without the permission). */
class AdminApiTest {
    static final String ADMIN = "/api/background_tasks/admin";
    static final String EXECUTIONS = ADMIN + "/executions";
    static AdminApiServer server;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Singleton
    static class RetriedListener {
        final List<TaskRetried> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void on(TaskRetried retried) {
            seen.add(retried);
        }
    }

    @Test
    void everyAdminRouteRefusesAnAnonymousRequest() {
        String id = UUID.randomUUID().toString();
        for (String path : List.of(EXECUTIONS, EXECUTIONS + "/" + id, ADMIN + "/workers", ADMIN + "/queues",
                ADMIN + "/stats", ADMIN + "/users", ADMIN + "/tokens", ADMIN + "/audit", ADMIN + "/roles", ADMIN + "/me")) {
            assertEquals(401, server.anonymous.get(path).status(), path);
        }
        for (String path : List.of(EXECUTIONS + "/" + id + "/retry", EXECUTIONS + "/" + id + "/revoke",
                EXECUTIONS + "/bulk-retry", ADMIN + "/users", ADMIN + "/tokens")) {
            assertEquals(401, server.anonymous.post(path, "{}").status(), path);
        }
    }

    @Test
    void aViewerReadsButCannotRetryRevokeOrAdminister() {
        UUID failed = failedExecution();
        assertEquals(200, server.viewer.get(EXECUTIONS + "/" + failed).status());
        assertEquals(403, server.viewer.post(EXECUTIONS + "/" + failed + "/retry", "").status());
        assertEquals(403, server.viewer.post(EXECUTIONS + "/" + failed + "/revoke", "").status());
        assertEquals(403, server.viewer.post(EXECUTIONS + "/bulk-retry", "{\"dry_run\":true}").status());
        assertEquals(403, server.viewer.get(ADMIN + "/users").status());
        assertEquals(403, server.operator.get(ADMIN + "/audit").status());
        assertEquals(List.of("background_tasks.view"), strings(server.viewer.get(ADMIN + "/me").json().get("permissions")));
    }

    @Test
    void theListFiltersAndPagesNewestFirstAndRefusesPagesOverTwoHundred() {
        UUID failed = failedExecution();
        Answer page = server.viewer.get(EXECUTIONS + "?status=failed&task_name=test.add&per_page=200");
        assertEquals(200, page.status());
        assertTrue(page.json().get("total").getLongValue() >= 1);
        assertEquals(200, page.json().get("per_page").getIntValue());
        assertTrue(page.body().contains(failed.toString()));
        Answer byText = server.viewer.get(EXECUTIONS + "?q=" + failed.toString().substring(0, 8));
        assertEquals(failed.toString(), byText.json().get("items").get(0).get("id").getStringValue());
        assertError(server.viewer.get(EXECUTIONS + "?per_page=201"), 422, "invalid_parameter");
        assertError(server.viewer.get(EXECUTIONS + "?since=yesterday"), 422, "invalid_parameter");
    }

    @Test
    void theListHandsOutACursorThatContinuesWhereThePageEndedAndSaysWhetherTheTotalIsExact() {
        UUID older = failedExecution();
        UUID newer = failedExecution();
        Answer first = server.viewer.get(EXECUTIONS + "?status=failed&task_name=test.add&per_page=1");
        assertEquals(newer.toString(), first.json().get("items").get(0).get("id").getStringValue());
        assertFalse(first.json().get("total_estimated").getBooleanValue());
        String cursor = first.json().get("next_cursor").getStringValue();
        Answer second = server.viewer.get(EXECUTIONS + "?status=failed&task_name=test.add&per_page=1&cursor=" + cursor);
        assertEquals(older.toString(), second.json().get("items").get(0).get("id").getStringValue());
        assertTrue(second.json().get("page").isNull());
        assertError(server.viewer.get(EXECUTIONS + "?cursor=bogus"), 422, "invalid_parameter");
        assertError(server.viewer.get(EXECUTIONS + "?page=2&cursor=" + cursor), 422, "invalid_parameter");
    }

    @Test
    void theListFindsExecutionsByArgumentsKeywordsErrorWorkerAndExceptionType() {
        String marker = "needle-" + UUID.randomUUID();
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks", "{\"task\":\"test.echo\","
                + "\"args\":[\"" + marker + "\", 7],\"kwargs\":{\"tenant\":\"" + marker + "\"}}").text("id"));
        server.settle(id, new Outcome.Failure("x.y.GearSlipped", "the " + marker + " gear slipped", "trace"));
        awaitRecordedFailure(id);
        for (String query : List.of("args=" + marker, "args=%5B%22" + marker + "%22,7%5D", "kwargs=tenant=" + marker,
                "kwargs=%7B%22tenant%22:%22" + marker + "%22%7D", "error=" + marker + "+slipped",
                "exception_type=GearSlipped&args=" + marker, "worker=test-worker&args=" + marker)) {
            Answer found = server.viewer.get(EXECUTIONS + "?" + query);
            assertEquals(200, found.status(), query + ": " + found.body());
            assertEquals(1, found.json().get("total").getIntValue(), query + ": " + found.body());
            assertEquals(id.toString(), found.json().get("items").get(0).get("id").getStringValue());
        }
        for (String query : List.of("args=" + marker + "-no", "args=8&q=" + id, "kwargs=tenant=other&q=" + id,
                "error=unrelated+" + marker, "exception_type=Gear&q=" + id, "worker=someone&q=" + id)) {
            assertEquals(0, server.viewer.get(EXECUTIONS + "?" + query).json().get("total").getIntValue(), query);
        }
        assertTrue(server.viewer.get(EXECUTIONS + "?q=" + id).json().get("items").get(0).get("args_preview")
                .getStringValue().contains(marker));
        assertError(server.viewer.get(EXECUTIONS + "?kwargs=justaword"), 422, "invalid_parameter");
    }

    @Test
    void theListSortsByAColumnEitherWayAndRefusesAnUnknownOne() {
        failedExecution();
        failedExecution();
        List<String> ascending = taskNames(server.viewer.get(EXECUTIONS + "?sort=task_name&per_page=200"));
        List<String> descending = taskNames(server.viewer.get(EXECUTIONS + "?sort=-task_name&per_page=200"));
        assertEquals(ascending.stream().sorted().toList(), ascending);
        assertEquals(descending.stream().sorted(java.util.Comparator.reverseOrder()).toList(), descending);
        assertEquals(200, server.viewer.get(EXECUTIONS + "?sort=-duration").status());
        assertError(server.viewer.get(EXECUTIONS + "?sort=password"), 422, "invalid_parameter");
    }

    /**
     * Micronaut's management endpoints were on, and "sensitive" means any signed-in user: a viewer could read the
     * environment, change log levels and refresh beans; /beans, /routes and /threaddump answered 500. From a review.
     */
    @Test
    void noManagementEndpointButHealthIsServedEvenToAnAdministrator() {
        for (String path : List.of("/beans", "/info", "/loggers", "/routes", "/threaddump", "/env", "/caches")) {
            int status = server.admin.get(path).status();
            assertEquals(404, status, "GET " + path);
        }
        assertEquals(404, server.admin.post("/loggers/io.chard", "{\"configuredLevel\":\"TRACE\"}").status());
        assertEquals(404, server.admin.post("/refresh", "{}").status());
        assertEquals(200, server.anonymous.get("/health").status());
    }

    @Test
    void theDetailAndTheListShowArgumentsWithTheirKeysInTheOrderTheyWereDispatched() {
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks", "{\"task\":\"test.echo\","
                + "\"args\":[\"first\",{\"zulu\":1,\"alpha\":2}],\"kwargs\":{\"zebra\":true,\"apple\":null}}")
                .text("id"));
        server.settle(id, new Outcome.Success("null"));
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the success is recorded", Duration.ofSeconds(10),
                () -> history.find(id).map(r -> r.status().equals("success")).orElse(false));

        String detail = server.viewer.get(EXECUTIONS + "/" + id).body();
        assertTrue(detail.indexOf("\"zebra\"") < detail.indexOf("\"apple\""), detail);
        assertTrue(detail.indexOf("\"zulu\"") < detail.indexOf("\"alpha\""), detail);
        assertEquals("[\"first\",{\"zulu\":1,\"alpha\":2}]", server.viewer.get(EXECUTIONS + "?q=" + id).json()
                .get("items").get(0).get("args_preview").getStringValue());
    }

    @Test
    void theAuditLogIsFilteredByUserActionAndTargetExactly() {
        UUID failed = failedExecution();
        assertEquals(200, server.operator.post(EXECUTIONS + "/" + failed + "/retry", "").status());
        JsonNode byTarget = server.admin.get(ADMIN + "/audit?action=retry&target=" + failed).json();
        assertEquals(1, byTarget.get("total").getIntValue(), byTarget.toString());
        assertEquals("operator", byTarget.get("items").get(0).get("username").getStringValue());
        assertEquals(0, server.admin.get(ADMIN + "/audit?username=viewer&action=retry&target=" + failed).json()
                .get("total").getIntValue());
        assertEquals(0, server.admin.get(ADMIN + "/audit?target=" + failed.toString().substring(0, 8)).json()
                .get("total").getIntValue(), "exact, not a prefix");
        JsonNode retries = server.admin.get(ADMIN + "/audit?action=retry&per_page=200").json();
        retries.get("items").values().forEach(entry -> assertEquals("retry", entry.get("action").getStringValue()));
        assertEquals(403, server.operator.get(ADMIN + "/audit?action=retry").status());
    }

    @Test
    void theDetailListsEveryAttemptOfAnExecutionThatSucceededAfterARetry() {
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[1,1]}").text("id"));
        server.settle(id, new Outcome.Retry(Duration.ZERO, "x.Flaky", "first try", "trace 1"));
        server.settle(id, new Outcome.Success("2"));
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the success is recorded", Duration.ofSeconds(10),
                () -> history.find(id).map(r -> r.status().equals("success")).orElse(false));
        JsonNode attempts = server.viewer.get(EXECUTIONS + "/" + id).json().get("attempts");
        assertEquals(2, attempts.size(), attempts.toString());
        assertEquals("retrying", attempts.get(0).get("outcome").getStringValue());
        assertEquals("x.Flaky", attempts.get(0).get("exception_type").getStringValue());
        assertEquals("first try", attempts.get(0).get("exception_message").getStringValue());
        assertEquals("test-worker", attempts.get(0).get("worker").getStringValue());
        assertEquals("succeeded", attempts.get(1).get("outcome").getStringValue());
        assertTrue(attempts.get(1).get("exception_type").isNull());
        assertFalse(attempts.get(1).get("finished_at").isNull());
    }

    @Test
    void theDetailShowsArgumentsTracebackAndTimelineAnd404ForAnUnknownId() {
        UUID failed = failedExecution();
        Answer detail = server.viewer.get(EXECUTIONS + "/" + failed);
        assertEquals("failed", detail.text("status"));
        assertTrue(detail.body().contains("\"args\":[2,3]"), detail.body());
        assertEquals("trace of the failure", detail.text("traceback"));
        assertTrue(detail.json().get("timeline").size() >= 3, detail.body());
        assertError(server.viewer.get(EXECUTIONS + "/" + UUID.randomUUID()), 404, "not_found");
    }

    @Test
    void aRetryCreatesANewExecutionPointingBackAndIs409UnlessFailedOrStuck() {
        UUID failed = failedExecution();
        Answer retried = server.operator.post(EXECUTIONS + "/" + failed + "/retry", "");
        assertEquals(200, retried.status(), retried.body());
        UUID newId = UUID.fromString(retried.text("id"));
        assertEquals(failed.toString(), retried.text("retried_from_id"));
        assertEquals("pending", retried.text("status"));
        assertTrue(server.context.getBean(RetriedListener.class).seen
                .contains(new TaskRetried(failed, newId, "test.add")));
        Await.until("the original lists its retry", Duration.ofSeconds(10), () ->
                server.viewer.get(EXECUTIONS + "/" + failed).body().contains(newId.toString()));
        assertError(server.operator.post(EXECUTIONS + "/" + newId + "/retry", ""), 409, "not_retryable");
        assertError(server.operator.post(EXECUTIONS + "/" + UUID.randomUUID() + "/retry", ""), 404, "not_found");
    }

    @Test
    void aDoubleClickedRetryOrABulkRetryRunTwiceRetriesEachExecutionOnce() {
        UUID failed = failedExecution();
        Answer first = server.operator.post(EXECUTIONS + "/" + failed + "/retry", "");
        Answer second = server.operator.post(EXECUTIONS + "/" + failed + "/retry", "");
        assertEquals(200, second.status(), second.body());
        assertEquals(first.text("id"), second.text("id"), "the second click answers the first retry");
        long published = server.context.getBean(RetriedListener.class).seen.stream()
                .filter(retried -> retried.originalId().equals(failed)).count();
        assertEquals(1, published, "one retry audited and published");

        UUID other = failedExecution();
        String filter = "{\"q\":\"" + other + "\",\"dry_run\":false}";
        assertEquals(1, server.operator.post(EXECUTIONS + "/bulk-retry", filter).json().get("retried").size());
        assertEquals(0, server.operator.post(EXECUTIONS + "/bulk-retry", filter).json().get("retried").size(),
                "run again before the history shows the retry");
        Await.until("the original lists its retry", Duration.ofSeconds(10), () ->
                !server.context.getBean(HistoryStore.class).retriedBy(other).isEmpty());
        assertEquals(0, server.operator.post(EXECUTIONS + "/bulk-retry", filter).json().get("retried").size(),
                "run again after");
        assertEquals(1, server.context.getBean(HistoryStore.class).retriedBy(other).size());
    }

    @Test
    void aStuckExecutionTheBrokerStillRunsIsNotRetriedButCanBeRevoked() {
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[4,5]}").text("id"));
        RedisBroker broker = server.context.getBean(RedisBroker.class);
        try (BrokerConsumer worker = broker.consumer("silent-worker")) {
            Await.until("it is leased", Duration.ofSeconds(10), () -> worker
                    .lease(List.of("default"), 100, Duration.ofSeconds(30)).deliveries().stream()
                    .anyMatch(d -> d.id().equals(id)));
            HistoryStore history = server.context.getBean(HistoryStore.class);
            Await.until("the start is recorded", Duration.ofSeconds(10),
                    () -> history.find(id).map(r -> r.status().equals("running")).orElse(false));
            // What the sweep does once the heartbeat is older than the stuck threshold.
            server.context.getBean(Jdbc.class)
                    .update("UPDATE background_tasks_task_execution SET status = 'stuck' WHERE id = ?", id);

            assertError(server.operator.post(EXECUTIONS + "/" + id + "/retry", ""), 409, "not_retryable");
            String onlyThis = "\"q\":\"" + id + "\",\"dry_run\":false";
            assertEquals(0, server.operator.post(EXECUTIONS + "/bulk-retry", "{" + onlyThis + "}").json()
                    .get("retried").size(), "a bulk retry leaves it out too");
            assertEquals("stop_requested",
                    server.operator.post(EXECUTIONS + "/" + id + "/revoke", "").text("revocation"));
        }
    }

    @Test
    void revokeAnswers200ThenConflictOnceEnded() {
        String id = server.operator.post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[1,2]}")
                .text("id");
        assertEquals("revoked", server.operator.post(EXECUTIONS + "/" + id + "/revoke", "").text("revocation"));
        assertError(server.operator.post(EXECUTIONS + "/" + id + "/revoke", ""), 409, "already_finished");
    }

    @Test
    void bulkRetryCountsFirstThenRetriesWhatMatches() {
        UUID failed = failedExecution();
        String filter = "\"task_name\":\"test.add\",\"q\":\"" + failed.toString().substring(0, 13) + "\"";
        Answer dryRun = server.operator.post(EXECUTIONS + "/bulk-retry", "{" + filter + ",\"dry_run\":true}");
        assertEquals(1, dryRun.json().get("matched").getIntValue(), dryRun.body());
        Answer done = server.operator.post(EXECUTIONS + "/bulk-retry", "{" + filter + ",\"dry_run\":false}");
        assertEquals(1, done.json().get("retried").size());
        assertError(server.operator.post(EXECUTIONS + "/bulk-retry", "{\"status\":\"success\"}"), 422,
                "invalid_parameter");
    }

    @Test
    void liveRoutesAnswerWorkersQueuesAndPerMinuteCounts() {
        failedExecution();
        UUID succeeded = UUID.fromString(server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[4,5]}").text("id"));
        server.settle(succeeded, new Outcome.Success("9"));
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the success is recorded", Duration.ofSeconds(10),
                () -> history.find(succeeded).map(r -> r.status().equals("success")).orElse(false));
        Answer workers = server.viewer.get(ADMIN + "/workers");
        assertEquals(200, workers.status());
        assertTrue(workers.json().get("broker_reachable").getBooleanValue());
        Answer queues = server.viewer.get(ADMIN + "/queues");
        assertTrue(queues.body().contains("\"name\":\"default\""), queues.body());
        long successes = 0;
        for (JsonNode queue : queues.json().get("queues").values()) {
            if (queue.get("name").getStringValue().equals("default")) {
                for (JsonNode minute : queue.get("throughput").values()) {
                    successes += minute.get("count").getLongValue();
                }
            }
        }
        assertTrue(successes >= 1, "the default queue's successes of the last hour: " + queues.body());
        Answer stats = server.viewer.get(ADMIN + "/stats?minutes=5");
        JsonNode minutes = stats.json().get("minutes");
        assertTrue(minutes.size() >= 5);
        long failures = 0;
        for (JsonNode minute : minutes.values()) {
            failures += minute.get("failed").getLongValue();
        }
        assertTrue(failures >= 1, stats.body());
    }

    @Test
    void theWorkerSnapshotSaysTheBrokerIsUnreachableInsteadOfFailing() throws Exception {
        URI redis = URI.create(io.chard.testing.TestRedis.uri());
        try (var proxy = new io.chard.testing.TcpProxy(redis.getHost(), redis.getPort());
             var cutOff = new AdminApiServer(Map.of(ChardSettings.REDIS_URI, "redis://127.0.0.1:" + proxy.port()))) {
            proxy.cut();
            Answer workers = cutOff.viewer.get(ADMIN + "/workers");
            assertEquals(200, workers.status());
            assertFalse(workers.json().get("broker_reachable").getBooleanValue());
            assertFalse(workers.text("error").isBlank());
        }
    }

    @Test
    void theEventStreamSendsWorkerSnapshots() throws Exception {
        String token = server.viewer.get(ADMIN + "/me").status() == 200 ? tokenFor("viewer") : null;
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + ADMIN + "/stream")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (var in = response.body()) {
            byte[] first = new byte[200];
            int read = in.read(first);
            String text = new String(first, 0, read);
            assertTrue(text.contains("workers") && text.contains("broker_reachable"), text);
        }
    }

    /**
     * One recorder statement writes every row of its batch with the same updated_at (its transaction's now()): a
     * batch dispatch of 1,000 executions is one insert. The stream reads 500 changes a second and then continues
     * after the latest updated_at it sent, so the rest of such a batch was never sent.
     */
    @Test
    void theEventStreamSendsEveryChangeOfABatchLargerThanOneRead() throws Exception {
        try (AdminApiServer oneWriter = new AdminApiServer(Map.of(ChardSettings.HISTORY_WRITERS, 1));
             EventStream stream = EventStream.open(oneWriter, "viewer")) {
            String task = "{\"task\":\"test.add\",\"args\":[1,2],\"queue\":\"stream-batch\"}";
            String items = String.join(",", Collections.nCopies(1_000, task));
            Answer accepted = oneWriter.operator.post("/api/background_tasks/tasks/batch",
                    "{\"tasks\":[" + items + "]}");
            assertEquals(202, accepted.status(), accepted.body());
            Set<String> dispatched = new HashSet<>();
            accepted.json().get("tasks").values().forEach(t -> dispatched.add(t.get("id").getStringValue()));
            Jdbc jdbc = oneWriter.context.getBean(Jdbc.class);
            Await.until("the batch is recorded", Duration.ofSeconds(30), () -> jdbc.count(
                    "SELECT count(*) FROM background_tasks_task_execution WHERE queue = 'stream-batch'") == 1_000);
            try {
                Await.until("the stream sent every recorded execution", Duration.ofSeconds(10),
                        () -> stream.executionIds().containsAll(dispatched));
            } catch (AssertionError timedOut) {
                // the count below says how many
            }
            Set<String> missing = new HashSet<>(dispatched);
            missing.removeAll(stream.executionIds());
            assertEquals(0, missing.size(), missing.size() + " of the 1,000 recorded executions never streamed");
        }
    }

    /**
     * A recorder's updated_at is its transaction's start: a write that began before another one committed, and
     * commits after the stream read the other's rows, is older than what the stream has seen. Two recorders (or the
     * two writers of one) do this whenever one waits on a row lock: here the test holds the lock for a moment.
     */
    @Test
    void theEventStreamSendsAChangeWhoseWriteCommittedAfterALaterOne() throws Exception {
        try (AdminApiServer twoRecorders = new AdminApiServer(Map.of(ChardSettings.RECORDER_ENABLED, false))) {
            UUID first = UUID.fromString(twoRecorders.operator.post("/api/background_tasks/tasks",
                    "{\"task\":\"test.add\",\"args\":[6,7]}").text("id"));
            twoRecorders.recordHistory("recorder-1");
            HistoryStore history = twoRecorders.context.getBean(HistoryStore.class);
            assertTrue(history.find(first).isPresent());
            try (EventStream stream = EventStream.open(twoRecorders, "viewer");
                 Connection holder = lockRow(twoRecorders, first)) {
                twoRecorders.settle(first, new Outcome.Success("13"));
                Thread firstRecorder = recordWaitingOnTheLock(twoRecorders, "recorder-1");
                UUID second = UUID.fromString(twoRecorders.operator.post("/api/background_tasks/tasks",
                        "{\"task\":\"test.add\",\"args\":[8,9]}").text("id"));
                twoRecorders.recordHistory("recorder-2");
                assertTrue(history.find(second).isPresent(), "recorder-2 wrote the later change");
                Thread.sleep(2_500); // the stream reads twice while recorder-1's write waits
                holder.commit();
                firstRecorder.join(Duration.ofSeconds(10));
                assertEquals("success", history.find(first).orElseThrow().status());
                Thread.sleep(3_000); // three reads of the stream
                assertTrue(stream.executionIds().contains(second.toString()), "the later change was sent too");
                assertTrue(stream.data().stream().anyMatch(d -> d.contains(first.toString())
                                && d.contains("\"status\":\"success\"")),
                        "the stream never sent " + first + "'s success; of it, it sent: " + stream.data().stream()
                                .filter(d -> d.contains(first.toString())).toList());
            }
        }
    }

    /**
     * The SPA refetches its pages when the stream opens, so a change committed before is on them. A write that
     * began before the stream opened and commits after it is on neither the page (not committed when read) nor, if
     * the stream read only changes from its own start, in the stream: the page showed the execution running for good.
     */
    @Test
    void theEventStreamSendsAChangeWhoseWriteBeganBeforeItOpenedAndCommittedAfter() throws Exception {
        try (AdminApiServer server = new AdminApiServer(Map.of(ChardSettings.RECORDER_ENABLED, false))) {
            UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks",
                    "{\"task\":\"test.add\",\"args\":[6,7]}").text("id"));
            server.recordHistory("recorder");
            try (Connection holder = lockRow(server, id)) {
                server.settle(id, new Outcome.Success("13"));
                Thread recorder = recordWaitingOnTheLock(server, "recorder");
                Thread.sleep(50); // the stream opens strictly after the write began
                try (EventStream stream = EventStream.open(server, "viewer")) {
                    holder.commit();
                    recorder.join(Duration.ofSeconds(10));
                    HistoryStore history = server.context.getBean(HistoryStore.class);
                    assertEquals("success", history.find(id).orElseThrow().status());
                    Await.until("the stream sends the success", Duration.ofSeconds(10), () -> stream.data().stream()
                            .anyMatch(d -> d.contains(id.toString()) && d.contains("\"status\":\"success\"")));
                }
            }
        }
    }

    /**
     * A report, or a backup's pg_dump, keeps a read-only transaction open in the history's database for minutes.
     * Taken for a write that may yet commit, it held the stream's horizon at its start: nothing newer was sent.
     */
    @Test
    void aLongReadOnlyTransactionDoesNotHoldTheEventStreamBack() throws Exception {
        try (AdminApiServer server = new AdminApiServer(Map.of(ChardSettings.RECORDER_ENABLED, false));
             Connection report = server.context.getBean(DataSource.class).getConnection()) {
            report.setAutoCommit(false);
            try (var reading = report.prepareStatement("SELECT count(*) FROM background_tasks_task_execution")) {
                reading.executeQuery().close();
            }
            Thread.sleep(11_000); // past the 10 s in which a writer makes its first write
            try (EventStream stream = EventStream.open(server, "viewer")) {
                String id = server.operator.post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[1,2]}")
                        .text("id");
                server.recordHistory("recorder");
                Await.until("the stream sends the execution recorded while the report is open", Duration.ofSeconds(10),
                        () -> stream.executionIds().contains(id));
            }
            report.rollback();
        }
    }

    /** A transaction holding {@code id}'s history row locked until it commits. */
    private static Connection lockRow(AdminApiServer server, UUID id) throws Exception {
        Connection holder = server.context.getBean(DataSource.class).getConnection();
        holder.setAutoCommit(false);
        try (var lock = holder.prepareStatement(
                "SELECT 1 FROM background_tasks_task_execution WHERE id = ? FOR UPDATE")) {
            lock.setObject(1, id);
            lock.executeQuery().close();
        }
        return holder;
    }

    /** Starts {@code recorder}'s write of the events in Redis, and waits until it waits on a row lock. */
    private static Thread recordWaitingOnTheLock(AdminApiServer server, String recorder) {
        Thread writing = Thread.ofVirtual().start(() -> server.recordHistory(recorder));
        Jdbc jdbc = server.context.getBean(Jdbc.class);
        Await.until(recorder + "'s write waits on the row", Duration.ofSeconds(10), () -> jdbc.count(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock'") >= 1);
        return writing;
    }

    /** An open event stream, read on a thread of its own: every data line it sent so far. */
    record EventStream(List<String> lines, Stream<String> body)
            implements AutoCloseable {
        static EventStream open(AdminApiServer on, String username) throws Exception {
            String token = on.anonymous.post("/login", "{\"username\":\"" + username + "\",\"password\":\""
                    + AdminApiServer.PASSWORD + "\"}").text("access_token");
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(on.baseUrl() + ADMIN + "/stream"))
                            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException closed) {
                    // closed by the test
                }
            });
            EventStream stream = new EventStream(lines, response.body());
            Await.until("the stream is open", Duration.ofSeconds(10),
                    () -> stream.data().stream().anyMatch(d -> d.contains("broker_reachable")));
            return stream;
        }

        List<String> data() {
            return lines.stream().filter(line -> line.startsWith("data:")).toList();
        }

        Set<String> executionIds() {
            Set<String> ids = new HashSet<>();
            for (String line : data()) {
                Matcher id = Pattern.compile("^data: ?\\{\"id\":\"([0-9a-f-]{36})\"")
                        .matcher(line);
                if (id.find()) {
                    ids.add(id.group(1));
                }
            }
            return ids;
        }

        @Override
        public void close() {
            body.close();
        }
    }

    @Test
    void administratorsManageUsersAndTokensAndEveryActionIsAudited() {
        ApiClient admin = server.admin;
        assertError(admin.post(ADMIN + "/users", "{\"username\":\"ada\",\"password\":\"short\",\"roles\":[\"viewer\"]}"),
                422, "invalid_field");
        assertError(admin.post(ADMIN + "/users", "{\"username\":\"ada\",\"password\":\"long-enough\",\"roles\":[\"boss\"]}"),
                422, "invalid_field");
        Answer created = admin.post(ADMIN + "/users", "{\"username\":\"ada\",\"password\":\"long-enough\",\"roles\":[\"viewer\"]}");
        assertEquals(201, created.status());
        assertError(admin.post(ADMIN + "/users", "{\"username\":\"ada\",\"password\":\"long-enough\",\"roles\":[\"viewer\"]}"),
                409, "username_taken");
        String userId = created.text("id");
        assertEquals(200, admin.patch(ADMIN + "/users/" + userId, "{\"disabled\":true}").status());
        assertEquals(401, server.anonymous.post("/login", "{\"username\":\"ada\",\"password\":\"long-enough\"}").status());
        assertEquals(204, admin.delete(ADMIN + "/users/" + userId).status());
        assertEquals(404, admin.delete(ADMIN + "/users/" + userId).status());

        Answer token = admin.post(ADMIN + "/tokens", "{\"name\":\"billing-service\",\"roles\":[\"operator\"]}");
        assertEquals(201, token.status());
        ApiClient service = server.anonymous.withToken(token.text("token"));
        assertEquals(202, service.post("/api/background_tasks/tasks", "{\"task\":\"test.add\",\"args\":[1,2]}").status());
        assertEquals(403, service.get(ADMIN + "/users").status());
        assertEquals(204, admin.delete(ADMIN + "/tokens/" + token.text("id")).status());
        assertEquals(401, service.get(EXECUTIONS).status());

        String audit = admin.get(ADMIN + "/audit?per_page=100").body();
        for (String action : List.of("create_user", "update_user", "delete_user", "create_token", "delete_token")) {
            assertTrue(audit.contains("\"action\":\"" + action + "\""), action + " missing in " + audit);
        }
        assertEquals(3, admin.get(ADMIN + "/roles").json().get("items").size());
    }

    @Test
    void aWrongPasswordIs401AndLoginSetsAnHttpOnlyCookie() throws Exception {
        assertError(server.anonymous.post("/login", "{\"username\":\"admin\",\"password\":\"nope\"}"), 401,
                "invalid_credentials");
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
                        + AdminApiServer.PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(cookie.startsWith("CHARD_SESSION=") && cookie.contains("HTTPOnly") || cookie.contains("HttpOnly"),
                cookie);
        HttpResponse<String> me = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + ADMIN + "/me")).header("Cookie", cookie.split(";")[0]).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, me.statusCode(), me.body());
        assertFalse(me.body().contains("password"));
    }

    private static String tokenFor(String username) {
        return server.anonymous.post("/login", "{\"username\":\"" + username + "\",\"password\":\""
                + AdminApiServer.PASSWORD + "\"}").text("access_token");
    }

    /** An execution of test.add that failed on a (simulated) worker, once the history has recorded it. */
    private static UUID failedExecution() {
        UUID id = UUID.fromString(server.operator.post("/api/background_tasks/tasks",
                "{\"task\":\"test.add\",\"args\":[2,3]}").text("id"));
        server.settle(id, new Outcome.Failure("java.lang.IllegalStateException", "boom", "trace of the failure"));
        awaitRecordedFailure(id);
        return id;
    }

    /** The searches read the history, which the recorder writes a moment after the broker settled. */
    private static void awaitRecordedFailure(UUID id) {
        HistoryStore history = server.context.getBean(HistoryStore.class);
        Await.until("the failure is recorded", Duration.ofSeconds(10),
                () -> history.find(id).map(r -> r.status().equals("failed")).orElse(false));
    }

    private static List<String> taskNames(Answer page) {
        List<String> names = new java.util.ArrayList<>();
        page.json().get("items").values().forEach(item -> names.add(item.get("task_name").getStringValue()));
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.values().forEach(v -> values.add(v.getStringValue()));
        return values;
    }
}
