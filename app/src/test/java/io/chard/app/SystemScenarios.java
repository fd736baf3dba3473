package io.chard.app;

import io.chard.config.ChardSettings;
import io.chard.admin.AdminMain;
import io.chard.admin.testing.ApiClient;
import io.chard.broker.Broker;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.Revocation;
import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.examples.probe.ProbeTasks;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryStore;
import io.chard.testing.Await;
import io.chard.testing.TcpProxy;
import io.chard.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole system as `./chard dev` runs it (admin-api, recorder, worker, example tasks) on a real PostgreSQL,
 * reached through a proxy these scenarios can cut, and the real Redis a subclass names: {@link SystemTest} one
 * Redis, {@link ClusterSystemTest} a Redis Cluster. Every scenario runs on each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SystemScenarios {
    static final Duration WAIT = Duration.ofSeconds(60);
    ApplicationContext context;
    TcpProxy database;
    TaskClient client;
    Broker broker;
    HistoryStore history;
    Map<String, Object> redisProperties;
    String base;

    /** How every process of the system reaches Redis, in a namespace of its own. */
    abstract Map<String, Object> redis();

    @BeforeAll
    void start() throws Exception {
        TestPostgres.Server server = TestPostgres.server();
        database = new TcpProxy(server.host(), server.port());
        redisProperties = redis();
        Map<String, Object> properties = new HashMap<>(redisProperties);
        properties.putAll(TestPostgres.properties(TestPostgres.freshDatabase(), "127.0.0.1", database.port()));
        properties.put("datasources.default.connection-timeout", 1_000);
        properties.put("micronaut.server.port", -1);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_CONCURRENCY, 32);
        properties.put(ChardSettings.ADMIN_PASSWORD, "system-test-password");
        context = AdminMain.start(new String[0], properties);
        client = context.getBean(TaskClient.class);
        broker = context.getBean(Broker.class);
        history = context.getBean(HistoryStore.class);
        base = "http://localhost:" + context.getBean(EmbeddedServer.class).getPort();
    }

    @AfterAll
    void stop() {
        context.close();
        database.close();
    }

    @Test
    void anAdditionDispatchedOverHttpSucceedsAndItsHistoryRowIsComplete() {
        ApiClient api = new ApiClient(base).as("admin", "system-test-password");
        ApiClient.Answer accepted = api.post("/api/background_tasks/tasks", "{\"task\":\"examples.add\",\"args\":[2,3]}");
        assertEquals(202, accepted.status());
        String id = accepted.text("id");
        Await.until("the API shows success with result 5", WAIT, () -> {
            ApiClient.Answer state = api.get("/api/background_tasks/tasks/" + id);
            return "success".equals(state.text("status")) && "5".equals(state.text("result"));
        });
        ExecutionRecord row = recorded(UUID.fromString(id), "success");
        assertEquals("5", row.result());
        assertNotNull(row.startedAt());
        assertNotNull(row.finishedAt());
        assertNotNull(row.worker());
    }

    @Test
    void aThousandMixedProbesEachEndInTheStateTheyShould() {
        List<DispatchRequest> requests = new ArrayList<>();
        Map<Integer, String> expected = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            DispatchRequest request = switch (i % 5) {
                case 0 -> DispatchRequest.of("examples.add", client.toJson(List.of(i, 1)));
                case 1 -> DispatchRequest.of("examples.noop", null);
                case 2 -> DispatchRequest.of("examples.fail", client.toJson(List.of("probe " + i)));
                case 3 -> DispatchRequest.of("examples.flaky", client.toJson(List.of("k" + i, 1)));
                default -> DispatchRequest.of("background_tasks.demo_echo", client.toJson(List.of(i)))
                        .withKwargs(client.toJson(Map.of("n", i)));
            };
            requests.add(request);
            expected.put(i, i % 5 == 2 ? "failed" : "success");
        }
        List<Dispatched> dispatched = client.dispatchAll(requests);
        for (int i = 0; i < dispatched.size(); i++) {
            ExecutionRecord row = recorded(dispatched.get(i).id(), expected.get(i));
            switch (i % 5) {
                case 0 -> assertEquals(Long.toString(i + 1), row.result());
                case 2 -> assertEquals(ProbeFailureName.NAME, row.exceptionType());
                case 3 -> assertEquals(1, row.retries());
                default -> { }
            }
        }
    }

    @Test
    void flakyWithTwoFailuresSucceedsAfterTwoRetriesAndFailKeepsItsTraceback() {
        UUID flaky = client.dispatch("examples.flaky", "two-failures", 2).id();
        UUID fail = client.dispatch("examples.fail", "card declined").id();
        ExecutionRecord succeeded = recorded(flaky, "success");
        assertEquals(2, succeeded.retries());
        assertEquals(3, succeeded.deliveries());
        assertEquals("3", succeeded.result());
        ExecutionRecord failed = recorded(fail, "failed");
        assertEquals(ProbeFailureName.NAME, failed.exceptionType());
        assertTrue(failed.traceback().contains("card declined") && failed.traceback().contains("ProbeTasks.fail"),
                failed.traceback());
    }

    @Test
    void aChainFailingUntilAFlagIsRaisedIsRedrivenOverHttpRerunningOnlyThatStepAndTheOnesAfterIt() throws Exception {
        ApiClient api = new ApiClient(base).as("admin", "system-test-password");
        String flag = "redrive-" + UUID.randomUUID();
        ApiClient.Answer accepted = api.post("/api/background_tasks/workflows", """
                {"chain": [{"task": "examples.add", "args": [1, 1]}, {"task": "examples.add", "args": [10]},
                  {"task": "examples.fail_until", "args": ["%s"]}, {"task": "examples.add", "args": [5]}]}"""
                .formatted(flag));
        assertEquals(202, accepted.status(), accepted.body());
        String id = accepted.text("id");
        List<UUID> first = new ArrayList<>();
        accepted.json().get("members").values().forEach(m -> first.add(UUID.fromString(m.get("id").getStringValue())));
        recorded(first.get(2), "failed");
        recorded(first.get(3), "cancelled");
        ProbeTasks.raiseFlag(flag);
        ApiClient.Answer redriven = api.post("/api/background_tasks/workflows/" + id + "/retry", "");
        assertEquals(202, redriven.status(), redriven.body());
        String redrive = redriven.text("id");
        ApiClient.Answer done = Await.value("the redrive succeeds", WAIT, () -> {
            ApiClient.Answer read = api.get("/api/background_tasks/workflows/" + redrive);
            return read.text("status").equals("success") ? read : null;
        });
        assertEquals(17, done.json().get("result").getIntValue(), done.body());
        List<UUID> second = new ArrayList<>();
        done.json().get("members").values().forEach(m -> second.add(UUID.fromString(m.get("id").getStringValue())));
        assertEquals(first.subList(0, 2), second.subList(0, 2), "the successful steps are reused, not run again");
        assertEquals(1, recorded(first.get(0), "success").deliveries());
        ExecutionRecord rerun = recorded(second.get(2), "success");
        assertEquals(first.get(2), rerun.retriedFromId(), "the new run links to the original");
        assertEquals("12", rerun.result());
        assertEquals(first.get(3), recorded(second.get(3), "success").retriedFromId());
        assertEquals("failed", recorded(first.get(2), "failed").status(), "the original run stays in the history");
    }

    @Test
    void starmapAndChunksOverHttpRunOnTheWorkerAndTheGroupResultKeepsItemOrder() {
        ApiClient api = new ApiClient(base).as("admin", "system-test-password");
        ApiClient.Answer accepted = api.post("/api/background_tasks/workflows", """
                {"group": [{"starmap": {"task": "examples.add", "items": [[1, 1], [2, 2]]}},
                  {"chunks": {"task": "examples.add", "items": [[1, 2], [3, 4], [5, 6]], "size": 2}}]}""");
        assertEquals(202, accepted.status(), accepted.body());
        assertEquals(4, accepted.json().get("members").size(), "two map members and two chunks");
        ApiClient.Answer done = Await.value("the group succeeds", WAIT, () -> {
            ApiClient.Answer read = api.get("/api/background_tasks/workflows/" + accepted.text("id"));
            return read.text("status").equals("success") ? read : null;
        });
        var result = done.json().get("result");
        assertEquals(List.of(2, 4, 3, 7, 11), List.of(result.get(0).getIntValue(), result.get(1).getIntValue(),
                result.get(2).get(0).getIntValue(), result.get(2).get(1).getIntValue(),
                result.get(3).get(0).getIntValue()), done.body());
        assertEquals(2, result.get(2).size(), "a chunk returns the list of its items' results");
    }

    @Test
    void aCountdownDelaysTheStartByAtLeastThatLong() {
        UUID id = client.dispatch(DispatchRequest.of("examples.noop", null).withCountdown(Duration.ofSeconds(5))).id();
        ExecutionRecord row = recorded(id, "success");
        assertFalse(row.startedAt().isBefore(row.queuedAt().plusSeconds(5)),
                "started " + Duration.between(row.queuedAt(), row.startedAt()) + " after dispatch");
    }

    @Test
    void aTaskRevokedWhileNoWorkerConsumesItsQueueNeverRuns() throws Exception {
        UUID id = client.dispatch(DispatchRequest.of("examples.noop", null).withQueue("unattended")).id();
        assertEquals(Revocation.REVOKED, client.revoke(id));
        Map<String, Object> properties = new HashMap<>(redisProperties);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_QUEUES, "unattended");
        try (ApplicationContext lateWorker = ApplicationContext.run(properties)) {
            UUID marker = lateWorker.getBean(TaskClient.class)
                    .dispatch(DispatchRequest.of("examples.noop", null).withQueue("unattended")).id();
            recorded(marker, "success");
        }
        ExecutionRecord row = recorded(id, "revoked");
        assertEquals(0, row.deliveries());
        assertEquals(null, row.startedAt());
    }

    @Test
    void aWorkerKilledMidTaskHasItsTaskFinishedOnceByTheNextWorker() throws Exception {
        String queue = "kill-test";
        Process doomed = workerProcess(queue);
        try {
            UUID id = client.dispatch(DispatchRequest.of("examples.sleep", client.toJson(List.of(4)))
                    .withQueue(queue)).id();
            String doomedWorker = Await.value("the worker process starts the task", WAIT, () -> broker.snapshot(id)
                    .filter(s -> s.startedAt() != null).map(ExecutionSnapshot::worker).orElse(null));
            assertTrue(doomedWorker.contains("-" + doomed.pid() + "-"), doomedWorker);
            doomed.destroyForcibly().waitFor();

            Map<String, Object> properties = new HashMap<>(redisProperties);
            properties.put(ChardSettings.WORKER_ENABLED, true);
            properties.put(ChardSettings.WORKER_QUEUES, queue);
            properties.put(ChardSettings.LEASE_DURATION, "3s");
            try (ApplicationContext survivor = ApplicationContext.run(properties)) {
                ExecutionRecord row = recorded(id, "success");
                assertEquals(2, row.deliveries(), "delivered to the killed worker, then once more");
                assertFalse(doomedWorker.equals(row.worker()));
            }
        } finally {
            doomed.destroyForcibly();
        }
    }

    @Test
    void whilePostgresIsDownNoTaskFailsAndTheHistoryCatchesUpWhenItReturns() throws Exception {
        List<UUID> ids = new ArrayList<>();
        database.cut();
        try {
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until) {
                client.dispatchAll(java.util.Collections.nCopies(50, DispatchRequest.of("examples.add",
                        client.toJson(List.of(1, 2))))).forEach(d -> ids.add(d.id()));
                Thread.sleep(100);
            }
            for (UUID id : ids) {
                Await.until("it succeeds without the database", WAIT, () -> broker.snapshot(id)
                        .map(s -> s.status().value().equals("success")).orElse(false));
            }
        } finally {
            database.restore();
        }
        for (UUID id : ids) {
            assertEquals("3", recorded(id, "success").result());
        }
    }

    ExecutionRecord recorded(UUID id, String status) {
        return Await.value("execution " + id + " is recorded as " + status, WAIT, () -> {
            try {
                return history.find(id).filter(r -> r.status().equals(status)).orElse(null);
            } catch (RuntimeException databaseDown) {
                return null;
            }
        });
    }

    private Process workerProcess(String queue) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.chard.worker.WorkerMain", "--queues", queue);
        // Each property as the environment variable Micronaut maps to it: chard.redis-cluster is CHARD_REDIS_CLUSTER.
        redisProperties.forEach((key, value) -> builder.environment()
                .put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value.toString()));
        builder.environment().put("CHARD_LEASE_DURATION", "3s");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private static final class ProbeFailureName {
        static final String NAME = io.chard.examples.probe.ProbeTasks.ProbeFailure.class.getName();
    }
}
