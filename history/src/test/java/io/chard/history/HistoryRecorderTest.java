package io.chard.history;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerEvent;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Delivery;
import io.chard.broker.EventStream;
import io.chard.broker.Outcome;
import io.chard.broker.RedisBroker;
import io.chard.broker.RedisKeys;
import io.chard.broker.Settlement;
import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.chard.testing.Await;
import io.chard.testing.TcpProxy;
import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recorder moves broker events into PostgreSQL: idempotent, order-safe, and lossless through outages. */
class HistoryRecorderTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    ApplicationContext context;
    TaskClient client;
    RedisBroker broker;
    HistoryStore store;
    HistoryWriter writer;
    HistoryRecorder recorder;
    TcpProxy proxy;

    private void start(boolean throughProxy) throws Exception {
        start(throughProxy, Map.of());
    }

    private void start(boolean throughProxy, Map<String, Object> extra) throws Exception {
        Map<String, Object> properties = new HashMap<>(TestRedis.properties());
        properties.putAll(extra);
        TestPostgres.Server server = TestPostgres.server();
        String database = TestPostgres.freshDatabase();
        if (throughProxy) {
            proxy = new TcpProxy(server.host(), server.port());
            properties.putAll(TestPostgres.properties(database, "127.0.0.1", proxy.port()));
            properties.put("datasources.default.connection-timeout", 1_000);
        } else {
            properties.putAll(TestPostgres.properties(database, server.host(), server.port()));
        }
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        broker = context.getBean(RedisBroker.class);
        store = context.getBean(HistoryStore.class);
        writer = context.getBean(HistoryWriter.class);
        recorder = new HistoryRecorder(broker.eventStream("test"), writer, context.getBean(JsonMapper.class),
                context.getBean(ApplicationEventPublisher.class), HistoryRecorder.LINGER);
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void eachExecutionBecomesOneRowHoldingItsLatestState() throws Exception {
        start(false);
        UUID id = client.dispatch("test.add", 2, 3).id();
        runOnWorkerA(new Outcome.Success("5"), (worker, delivery) -> { });
        recorder.recordOnce(Duration.ofMillis(100));
        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals("test.add", row.taskName());
        assertEquals("success", row.status());
        assertEquals("5", row.result());
        assertEquals("[2,3]", row.args());
        assertEquals("worker-a", row.worker());
        assertEquals(1, row.deliveries());
        assertEquals(id.toString(), row.taskId());
        assertNotNull(row.queuedAt());
        assertNotNull(row.startedAt());
        assertNotNull(row.finishedAt());
    }

    @Test
    void argumentsReadBackWithTheirKeysInTheOrderTheyWereDispatched() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        String kwargs = "{\"zebra\":1,\"apple\":{\"y\":true,\"x\":[{\"b\":1,\"a\":2}]},\"mango\":null}";
        UUID id = client.dispatch(io.chard.client.DispatchRequest.of("test.echo",
                        json.readValue("[\"first\",{\"b\":1,\"a\":2}]", io.micronaut.json.tree.JsonNode.class))
                .withKwargs(json.readValue(kwargs, io.micronaut.json.tree.JsonNode.class))).id();
        recorder.recordOnce(Duration.ofMillis(100));

        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals(kwargs, row.kwargs());
        assertEquals("[\"first\",{\"b\":1,\"a\":2}]", row.args());
        assertEquals(List.of(id), store.search(new ExecutionFilter(null, null, null, null, null, null, null,
                "{\"apple\":{\"y\":true}}", null, null, null, null, null, null, null, null, List.of()), 1, 10).items().stream()
                .map(ExecutionRecord::id).toList(), "the jsonb copy still serves the search");
    }

    @Test
    void aWorkflowsMembersCarryTheirRootParentAndGroupAndACancelledStepItsReason() throws Exception {
        start(false);
        io.chard.canvas.WorkflowDispatched run = client.dispatch(io.chard.canvas.Workflow.chain(
                io.chard.canvas.Workflow.task("test.add", 1, 1), io.chard.canvas.Workflow.task("test.add", 10),
                io.chard.canvas.Workflow.task("test.fail"), io.chard.canvas.Workflow.task("test.add", 5)));
        try (BrokerConsumer worker = broker.consumer("worker-a")) {
            for (Outcome outcome : List.of(new Outcome.Success("2"), new Outcome.Success("12"),
                    new Outcome.Failure("IllegalStateException", "x", ""))) {
                Delivery delivery = worker.lease(List.of("default"), 1, LEASE).deliveries().getFirst();
                worker.settle(List.of(new Settlement(delivery.lease(), outcome)));
            }
        }
        recorderCatchesUp();
        List<HistoryStore.WorkflowMember> members = store.workflowMembers(run.id());
        assertEquals(List.of("success", "success", "failed", "cancelled"),
                members.stream().map(HistoryStore.WorkflowMember::status).toList());
        assertEquals(run.members().stream().map(io.chard.canvas.WorkflowDispatched.Member::id).toList(),
                members.stream().map(HistoryStore.WorkflowMember::id).toList());
        assertEquals(members.get(0).id(), members.get(1).parentId());
        assertEquals("[2, 10]", members.get(1).args(), "the joined arguments replace the placeholder");
        assertTrue(members.get(3).reason().contains("previous step " + members.get(2).id()), members.get(3).reason());
        String tree = store.workflow(run.id()).tree();
        assertTrue(tree != null && tree.contains("\"path\": \"$.chain[3]\"") && tree.contains(
                members.get(3).id().toString()), "the tree is recorded with the workflow's first member: " + tree);
    }

    @Test
    void aReleasedStepsExpiryAndCountdownAreRecordedFromItsReleaseNotFromTheWorkflowsDispatch() throws Exception {
        start(false);
        io.chard.canvas.WorkflowDispatched run = client.dispatch(io.chard.canvas.Workflow.chain(
                io.chard.canvas.Workflow.task("test.add", 1, 1),
                io.chard.canvas.Workflow.task("test.short_lived").asImmutable().withCountdown(Duration.ofMillis(100))));
        runOnWorkerA(new Outcome.Success("2"), (worker, delivery) -> pause(Duration.ofMillis(300)));
        recorderCatchesUp();
        ExecutionRecord first = store.find(run.members().getFirst().id()).orElseThrow();
        ExecutionRecord second = store.find(run.members().getLast().id()).orElseThrow();
        assertTrue(second.expiresAt() != null && !second.expiresAt().isBefore(first.finishedAt()),
                "0.2 s from its release, after the first step's 0.3 s: " + second.expiresAt() + " vs "
                        + first.finishedAt());
        assertTrue(second.eta() != null && !second.eta().isBefore(first.finishedAt()),
                "due 0.1 s after its release: " + second.eta());
    }

    @Test
    void aFailureIsPublishedAsTaskFailedAndTheTimelineListsTheAttempt() throws Exception {
        start(false);
        UUID id = client.dispatch("test.add", 2, 3).id();
        runOnWorkerA(new Outcome.Failure("x.Boom", "m", "t"), (worker, delivery) -> { });
        recorder.recordOnce(Duration.ofMillis(100));
        assertEquals(List.of(new TaskFailed(id, "test.add", "x.Boom")), context.getBean(FailureListener.class).seen);
        String timeline = store.find(id).orElseThrow().timeline();
        assertTrue(timeline.contains("\"event\": \"enqueued\"") && timeline.contains("delivery 1 to worker-a")
                && timeline.contains("x.Boom: m"), timeline);
        recorder.recordOnce(Duration.ofMillis(10));
        assertEquals(timeline, store.find(id).orElseThrow().timeline(), "nothing new, nothing appended");
    }

    @Test
    void valuesPostgresWouldRefuseAreMadeStorableInsteadOfHoldingUpTheHistory() throws Exception {
        start(false);
        UUID id = client.dispatch("test.add", 2, 3).id();
        runOnWorkerA(new Outcome.Failure("x.Boom", "nul \u0000 inside", "trace \u0000"),
                (worker, delivery) -> worker.progress(delivery.lease(), 10, "x".repeat(500)));
        UUID next = client.dispatch("test.add", 1, 1).id();
        recorder.recordOnce(Duration.ofMillis(100));
        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals("failed", row.status());
        assertEquals("nul  inside", row.exceptionMessage());
        assertEquals(200, row.progressStep().length());
        assertEquals("pending", store.find(next).orElseThrow().status(), "the rest of the batch is recorded too");
    }

    /**
     * A failure's message is the task's own text, uncut: a large one of many distinct words (a response body, a
     * dump) is more than the error search's GIN index can take ({@code to_tsvector} holds at most 1 MB), and
     * PostgreSQL refuses the row with 54000, not a class 22/23 value error. The batch must still be written.
     */
    @Test
    void aFailureWithAHugeMessageOfManyWordsDoesNotHoldUpTheHistory() throws Exception {
        start(false);
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            message.append(String.format("%032x ", (long) i * 2_654_435_761L));
        }
        UUID id = client.dispatch("test.add", 2, 3).id();
        runOnWorkerA(new Outcome.Failure("x.Boom", message.toString(), "t"), (worker, delivery) -> { });
        UUID next = client.dispatch("test.add", 1, 1).id();
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                recorder.recordOnce(Duration.ofMillis(100));
                break;
            } catch (HistoryUnavailableException e) {
                if (attempt == 1) {
                    throw new AssertionError("the batch fails every time: the history is stuck behind it", e);
                }
            }
        }
        assertEquals("failed", store.find(id).orElseThrow().status());
        assertEquals("pending", store.find(next).orElseThrow().status(), "the rest of the batch is recorded too");
        assertEquals(0L, pendingEvents());
    }

    /**
     * A string cut in the middle of a character (half of an emoji's surrogate pair) is written by the JSON serializer
     * as an escaped lone surrogate, {@code \uD800}, which jsonb refuses (invalid input syntax for type json): the
     * dispatch is accepted and runs, but the change that carried it was left out whole, so the execution had no row
     * at all (its enqueued event), or stayed running for ever (a result's).
     */
    @Test
    void anArgumentOrResultHoldingHalfACharacterIsStillRecorded() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        String cut = "\"smile \\ud83d and more\"";
        UUID id = client.dispatch(io.chard.client.DispatchRequest.of("test.echo",
                json.readValue("[" + cut + "]", io.micronaut.json.tree.JsonNode.class))).id();
        recorder.recordOnce(Duration.ofMillis(100));
        ExecutionRecord dispatched = store.find(id).orElseThrow(() -> new AssertionError("no row for " + id));
        assertEquals("test.echo", dispatched.taskName());
        assertTrue(dispatched.args().startsWith("[\"smile ") && dispatched.args().endsWith(" and more\"]"),
                dispatched.args());

        runOnWorkerA(new Outcome.Success(json.writeValueAsString("smile \ud83d and more")), (worker, delivery) -> { });
        recorder.recordOnce(Duration.ofMillis(100));
        assertEquals("success", store.find(id).orElseThrow().status(),
                "the result's half character does not lose the end");
    }

    @Test
    void quotesBackslashesAndTheWordNullArriveAsTheyWereSent() throws Exception {
        start(false);
        String kwargs = "{\"path\":\"C:\\\\temp\\\\\\\"x\\\"\",\"word\":\"NULL\",\"empty\":\"\"}";
        JsonMapper json = context.getBean(JsonMapper.class);
        UUID id = client.dispatch(io.chard.client.DispatchRequest.of("test.echo",
                        json.readValue("[\"NULL\", \"\\\\\"]", io.micronaut.json.tree.JsonNode.class))
                .withKwargs(json.readValue(kwargs, io.micronaut.json.tree.JsonNode.class))).id();
        runOnWorkerA(new Outcome.Failure("x.Boom", "a \"quoted\" \\ path", "NULL"), (worker, delivery) -> { });
        recorder.recordOnce(Duration.ofMillis(100));

        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals(kwargs, row.kwargs());
        assertEquals("[\"NULL\",\"\\\\\"]", row.args());
        assertEquals("a \"quoted\" \\ path", row.exceptionMessage());
        assertEquals("NULL", row.traceback(), "a text that reads NULL is not the SQL null");
    }

    @Singleton
    static class FailureListener {
        final List<TaskFailed> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        @EventListener
        void on(TaskFailed failed) {
            seen.add(failed);
        }
    }

    @Test
    void replayedAndLateChangesNeverOverwriteNewerState() throws Exception {
        start(false);
        UUID id = UUID.randomUUID();
        JsonMapper json = context.getBean(JsonMapper.class);
        BrokerEvent enqueued = event(id, 1, "enqueued", Map.of("env", "{\"task\":\"test.add\",\"args\":[1],"
                + "\"queue\":\"default\",\"priority\":5,\"queuedAt\":\"2026-01-01T00:00:00Z\"}", "eta", ""));
        BrokerEvent started = event(id, 2, "started", Map.of("worker", "w", "deliveries", "1", "retries", "0"));
        BrokerEvent failed = event(id, 3, "failed", Map.of("exc", "E", "message", "m", "traceback", "t",
                "finished", "1767225600000"));

        writer.apply(HistoryRecorder.fold(List.of(started, failed), json).values());
        writer.apply(HistoryRecorder.fold(List.of(enqueued), json).values());
        writer.apply(HistoryRecorder.fold(List.of(started), json).values());
        writer.apply(HistoryRecorder.fold(List.of(started, failed), json).values());

        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals("failed", row.status(), "a late 'enqueued' or a replayed 'started' does not win");
        assertEquals("test.add", row.taskName(), "the late event still fills what was missing");
        assertEquals("[1]", row.args());
        assertEquals("E", row.exceptionType());
        assertEquals(1, row.deliveries());
    }

    /**
     * A second recorder (or one restarted under a new name that claimed a dead one's batch) writes a newer change
     * first; the older one, applied later, still sets what only it carries, once, and its timeline entries.
     */
    @Test
    void anOlderChangeAppliedAfterANewerOneStillSetsTheFieldsOnlyItCarries() throws Exception {
        start(false);
        UUID id = UUID.randomUUID();
        JsonMapper json = context.getBean(JsonMapper.class);
        BrokerEvent enqueued = event(id, 1, "enqueued", Map.of("env", "{\"task\":\"test.add\",\"args\":[1],"
                + "\"queue\":\"mail\",\"priority\":7,\"queuedAt\":\"2026-01-01T00:00:00Z\"}", "eta", ""));
        BrokerEvent started = event(id, 2, "started", Map.of("worker", "w", "deliveries", "2", "retries", "1"));
        BrokerEvent progress = event(id, 3, "progress", Map.of("progress", "40", "step", "half"));
        BrokerEvent failed = event(id, 4, "failed", Map.of("exc", "E", "message", "m", "traceback", "t",
                "finished", "1767225600000"));

        writer.apply(HistoryRecorder.fold(List.of(failed), json).values());
        writer.apply(HistoryRecorder.fold(List.of(started, progress), json).values());
        writer.apply(HistoryRecorder.fold(List.of(enqueued), json).values());
        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals("failed", row.status());
        assertEquals("mail", row.queue(), "the late 'enqueued' sets the queue the newer change lacked");
        assertEquals(7, row.priority());
        assertEquals(2, row.deliveries());
        assertEquals(1, row.retries());
        assertEquals(40, row.progress());
        assertEquals(List.of("enqueued", "started", "failed"), timelineEvents(row, json));

        BrokerEvent laterStart = event(id, 5, "started", Map.of("worker", "w2", "deliveries", "3", "retries", "1"));
        writer.apply(HistoryRecorder.fold(List.of(laterStart), json).values());
        writer.apply(HistoryRecorder.fold(List.of(enqueued, started), json).values());
        row = store.find(id).orElseThrow();
        assertEquals(3, row.deliveries(), "once set, an older change no longer overrides a newer one");
        assertEquals("w2", row.worker());
        assertEquals(List.of("enqueued", "started", "failed", "started"), timelineEvents(row, json),
                "a replay adds no entry twice");
    }

    /**
     * Two recorders share the group: A's lingering batch holds an execution's enqueued and started events (and
     * progress), then B reads and writes its lapsed lease, its redelivery to worker-b and its success, then A's
     * top-up reads the first worker's late report, refused as stale. A's change for it holds events older than the
     * row (started) and one newer (stale), and the merge takes the whole change as newer than the row: the status
     * went back from success to running, and the worker and deliveries to the first attempt's.
     */
    @Test
    void aChangeHoldingEventsOlderAndNewerThanTheRowDoesNotMoveItsStatusBack() throws Exception {
        start(false);
        UUID id = client.dispatch("test.add", 2, 3).id();
        HistoryRecorder second = new HistoryRecorder(broker.eventStream("second"), writer,
                context.getBean(JsonMapper.class), context.getBean(ApplicationEventPublisher.class),
                HistoryRecorder.LINGER);
        try (BrokerConsumer workerA = broker.consumer("worker-a");
             BrokerConsumer workerB = broker.consumer("worker-b")) {
            Delivery first = workerA.lease(List.of("default"), 1, Duration.ofMillis(300)).deliveries().getFirst();
            assertEquals(id, first.id());
            for (int i = 1; i <= 8; i++) {
                assertTrue(workerA.progress(first.lease(), i, "step " + i));
            }
            AtomicInteger reads = new AtomicInteger();
            HistoryRecorder lingering = new HistoryRecorder(beforeEachRead(broker.eventStream("test"), () -> {
                if (reads.incrementAndGet() != 2) {
                    return;
                }
                // Between the lingering batch's first read and its top-up: the lease lapses, worker-b runs it, the
                // other recorder writes that, and then worker-a's late report comes.
                pause(Duration.ofMillis(400));
                Delivery again = workerB.lease(List.of("default"), 1, LEASE).deliveries().getFirst();
                assertEquals(id, again.id());
                assertEquals(List.of(true), workerB.settle(List.of(new Settlement(again.lease(),
                        new Outcome.Success("5")))));
                try {
                    assertEquals(3, second.recordOnce(Duration.ofMillis(100)));
                } catch (HistoryUnavailableException e) {
                    throw new AssertionError(e);
                }
                assertEquals("success", store.find(id).orElseThrow().status());
                assertEquals(List.of(false), workerA.settle(List.of(new Settlement(first.lease(),
                        new Outcome.Success("5")))));
            }), writer, context.getBean(JsonMapper.class), context.getBean(ApplicationEventPublisher.class),
                    Duration.ofSeconds(1));
            assertEquals(11, lingering.recordOnce(Duration.ofMillis(100)),
                    "enqueued, started, 8 progress, then the stale report");
        }
        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals("success", row.status(), "the first attempt's start does not outlive the success");
        assertEquals("worker-b", row.worker());
        assertEquals(2, row.deliveries());
        assertEquals(1, row.staleReports());
    }

    /**
     * From a review: recorder A read an execution's enqueued event and died; recorder B read its start and its
     * success, wrote them (the row now holds B's last event) and died before acknowledging. A minute later a third
     * recorder claims both dead consumers' entries (XAUTOCLAIM; claimed here at once with XCLAIM) and reads them as
     * one batch: enqueued, started, succeeded. The change's newest event is the row's last one, so the merge takes
     * the whole change for a replay and writes nothing, though its enqueued event was never written: the row keeps
     * no task name, arguments or queue time, and its timeline no "enqueued", for good (the entries are acknowledged).
     */
    @Test
    void anOlderEventClaimedTogetherWithTheRowsLastEventIsStillWritten() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        UUID id = client.dispatch("test.add", 2, 3).id();
        List<String> entries = new java.util.ArrayList<>();
        try (EventStream a = broker.eventStream("a")) {
            List<BrokerEvent> read = a.read(10, Duration.ofMillis(100));
            assertEquals(List.of("enqueued"), read.stream().map(BrokerEvent::type).toList());
            read.forEach(event -> entries.add(event.streamId()));
        }
        runOnWorkerA(new Outcome.Success("5"), (worker, delivery) -> { });
        try (EventStream b = broker.eventStream("b")) {
            List<BrokerEvent> read = b.read(10, Duration.ofMillis(100));
            assertEquals(List.of("started", "succeeded"), read.stream().map(BrokerEvent::type).toList());
            read.forEach(event -> entries.add(event.streamId()));
            writer.apply(HistoryRecorder.fold(read, json).values());
        }
        assertEquals("success", store.find(id).orElseThrow().status());

        redis().xclaim(keys().events(), io.lettuce.core.Consumer.from("recorder", "c"), 0,
                entries.toArray(String[]::new));
        HistoryRecorder third = new HistoryRecorder(broker.eventStream("c"), writer, json,
                context.getBean(ApplicationEventPublisher.class), HistoryRecorder.LINGER);
        assertEquals(3, third.recordOnce(Duration.ofMillis(100)));
        assertEquals(0L, pendingEvents(), "every entry acknowledged");

        ExecutionRecord row = store.find(id).orElseThrow();
        assertEquals("success", row.status());
        assertEquals(List.of("enqueued", "started", "succeeded"), timelineEvents(row, json),
                "the claimed enqueued event is in the timeline");
        assertEquals("test.add", row.taskName(), "the claimed enqueued event fills what the row lacked");
        assertEquals("[2,3]", row.args());
        assertNotNull(row.queuedAt());
    }

    private static List<String> timelineEvents(ExecutionRecord row, JsonMapper json) throws Exception {
        List<String> events = new java.util.ArrayList<>();
        json.readValue(row.timeline(), io.micronaut.json.tree.JsonNode.class).values()
                .forEach(entry -> events.add(entry.get("event").getStringValue()));
        return events;
    }

    @Test
    void whilePostgresIsDownEventsWaitInRedisAndTheHistoryCatchesUpAfterwards() throws Exception {
        start(true);
        proxy.cut();
        List<UUID> ids = client.dispatchAll(java.util.Collections.nCopies(50,
                io.chard.client.DispatchRequest.of("test.add", client.toJson(List.of(1, 2))))).stream()
                .map(io.chard.client.Dispatched::id).toList();
        assertThrows(HistoryUnavailableException.class, () -> recorder.recordOnce(Duration.ofMillis(100)));
        assertEquals(50L, pendingEvents(), "nothing acknowledged while the write failed");

        proxy.restore();
        recorderCatchesUp();
        for (UUID id : ids) {
            assertEquals("pending", store.find(id).orElseThrow().status());
        }
        assertEquals(0L, pendingEvents());
    }

    @Test
    void eachBatchIsAcknowledgedBeforeTheNextIsWrittenAndStoppingWritesTheLast() throws Exception {
        start(false);
        List<UUID> first = dispatch(HistoryRecorder.LINGER_FROM);
        assertEquals(HistoryRecorder.LINGER_FROM, recorder.recordNext(Duration.ofMillis(100)));
        List<UUID> second = dispatch(5);
        assertEquals(5, recorder.recordNext(Duration.ofMillis(100)), "read while the first batch was written");
        assertEquals(5L, pendingEvents(), "the first batch acknowledged, the second being written");
        for (UUID id : first) {
            assertEquals("pending", store.find(id).orElseThrow().status());
        }
        recorder.stop();
        assertEquals(0L, pendingEvents(), "stopping waited for the second batch and acknowledged it");
        for (UUID id : second) {
            assertEquals("pending", store.find(id).orElseThrow().status());
        }
    }

    @Test
    void aBatchReadWhileTheOneBeforeFailsIsDroppedAndBothAreRecordedOnceTheHistoryIsBack() throws Exception {
        start(true);
        List<UUID> ids = new java.util.ArrayList<>(dispatch(HistoryRecorder.LINGER_FROM));
        proxy.cut();
        assertEquals(HistoryRecorder.LINGER_FROM, recorder.recordNext(Duration.ofMillis(100)));
        ids.addAll(dispatch(5));
        assertThrows(HistoryUnavailableException.class, () -> recorder.recordNext(Duration.ofMillis(100)),
                "the first batch's write failed");
        assertEquals(HistoryRecorder.LINGER_FROM + 5L, pendingEvents(), "both batches read, neither acknowledged");

        proxy.restore();
        recorderCatchesUp();
        for (UUID id : ids) {
            assertEquals("pending", store.find(id).orElseThrow().status());
        }
    }

    @Test
    void afterARewindTheBatchBeingWrittenIsNotReadAgainIntoTheNext() throws Exception {
        start(false);
        dispatch(HistoryRecorder.LINGER_FROM);
        HistoryRecorder recorder = new HistoryRecorder(secondReadFails(broker.eventStream("test")), writer,
                context.getBean(JsonMapper.class), context.getBean(ApplicationEventPublisher.class),
                Duration.ofSeconds(1));
        assertThrows(BrokerUnavailableException.class, () -> recorder.recordOnce(Duration.ofMillis(100)));
        assertEquals(HistoryRecorder.LINGER_FROM, recorder.recordNext(Duration.ofMillis(100)),
                "the rewound backlog, being written");
        List<UUID> newer = dispatch(3);
        assertEquals(0, recorder.recordNext(Duration.ofMillis(100)),
                "the rewound stream hands the unacknowledged batch out again: copies of what is being written");
        assertEquals(0L, pendingEvents(), "the batch was written and acknowledged once");
        assertEquals(3, recorder.recordOnce(Duration.ofMillis(100)), "then the newer events");
        assertEquals("pending", store.find(newer.getFirst()).orElseThrow().status());
    }

    @Test
    void underAFlowAShortTasksEventsArrivingWithinTheLingerAreWrittenAsOneChange() throws Exception {
        start(false);
        dispatch(HistoryRecorder.LINGER_FROM);
        assertEquals(HistoryRecorder.LINGER_FROM + 2, recordWhileOneRuns(),
                "the flow's enqueued events, then one's started and succeeded, in one batch");
        assertEquals(1L, rowsWithStatus("success"));
        assertEquals(0L, pendingEvents());
    }

    @Test
    void aTrickleIsWrittenAtOnce() throws Exception {
        start(false);
        dispatch(1);
        assertEquals(1, recordWhileOneRuns(), "the enqueued event alone: nothing lingers for more");
        assertEquals(2, recorder.recordOnce(Duration.ofMillis(100)), "then its started and succeeded");
    }

    /** Dispatches {@code count} additions at once. */
    private List<UUID> dispatch(int count) {
        return client.dispatchAll(java.util.Collections.nCopies(count,
                io.chard.client.DispatchRequest.of("test.add", client.toJson(List.of(1, 2))))).stream()
                .map(io.chard.client.Dispatched::id).toList();
    }

    /**
     * One recording by a recorder that lingers 3 s, during which, once it holds what was dispatched, worker-a runs
     * one execution; answers how many events the recording held.
     */
    private int recordWhileOneRuns() throws Exception {
        HistoryRecorder lingering = new HistoryRecorder(broker.eventStream("test"), writer,
                context.getBean(JsonMapper.class), context.getBean(ApplicationEventPublisher.class),
                Duration.ofSeconds(3));
        long dispatched = streamLength();
        CompletableFuture<Integer> recorded = CompletableFuture.supplyAsync(() -> {
            try {
                return lingering.recordOnce(Duration.ofSeconds(1));
            } catch (HistoryUnavailableException e) {
                throw new CompletionException(e);
            }
        });
        Await.until("the recorder holds what was dispatched", Duration.ofSeconds(5), () -> {
            try {
                return handedToTheRecorder() >= dispatched;
            } catch (RedisCommandExecutionException noGroupYet) {
                return false; // the recorder creates its consumer group on its first read
            }
        });
        runOnWorkerA(new Outcome.Success("5"), (worker, delivery) -> { });
        return recorded.get(10, TimeUnit.SECONDS);
    }

    /** How many of the stream's entries the recorder group has been handed (XINFO GROUPS: entries-read). */
    private long handedToTheRecorder() {
        for (Object group : redis().xinfoGroups(keys().events())) {
            List<?> fields = (List<?>) group;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("entries-read".equals(String.valueOf(fields.get(i)))) {
                    return fields.get(i + 1) instanceof Long read ? read : 0;
                }
            }
        }
        return 0;
    }

    private long rowsWithStatus(String status) {
        return context.getBean(io.chard.database.Jdbc.class).list("SELECT count(*) FROM " + HistoryStore.TABLE
                + " WHERE status = ?", row -> row.getLong(1), status).getFirst();
    }

    @Test
    void aReplayHoldsEachEventOnceThoughTheLingerReadsTheUnacknowledgedBacklogAgain() throws Exception {
        start(true);
        UUID id = dispatch(HistoryRecorder.LINGER_FROM).getFirst();
        proxy.cut();
        assertThrows(HistoryUnavailableException.class, () -> recorder.recordOnce(Duration.ofMillis(100)));
        proxy.restore();
        int recorded = Await.value("the history is back", Duration.ofSeconds(20), () -> {
            try {
                return recorder.recordOnce(Duration.ofMillis(100));
            } catch (HistoryUnavailableException e) {
                return null;
            }
        });
        assertEquals(HistoryRecorder.LINGER_FROM, recorded, "the backlog's events, read twice within the linger, once");
        String timeline = store.find(id).orElseThrow().timeline();
        assertTrue(timeline.contains("\"enqueued\""), timeline);
        assertEquals(timeline.indexOf("\"enqueued\""), timeline.lastIndexOf("\"enqueued\""), timeline);
        assertEquals(0L, pendingEvents());
    }

    @Test
    void eventsALingerReadBeforeRedisFailedAreReadAgainAtOnceAndBeforeAnythingNewer() throws Exception {
        start(false);
        List<UUID> ids = dispatch(HistoryRecorder.LINGER_FROM);
        HistoryRecorder recorder = new HistoryRecorder(secondReadFails(broker.eventStream("test")), writer,
                context.getBean(JsonMapper.class), context.getBean(ApplicationEventPublisher.class),
                Duration.ofSeconds(1));
        assertThrows(BrokerUnavailableException.class, () -> recorder.recordOnce(Duration.ofMillis(100)));
        runOnWorkerA(new Outcome.Success("5"), (worker, delivery) -> { });

        assertEquals(HistoryRecorder.LINGER_FROM, recorder.recordOnce(Duration.ofMillis(100)),
                "first the events handed over before the failure");
        for (UUID id : ids) {
            assertEquals("test.add", store.find(id).orElseThrow().taskName());
        }
        assertEquals(2, recorder.recordOnce(Duration.ofMillis(100)), "then the newer ones");
        assertEquals(1L, rowsWithStatus("success"));
        assertEquals(0L, pendingEvents());
    }

    @Test
    void aLingeringBatchUnderASteadyFlowReadsAtMostOncePerPace() throws Exception {
        start(false);
        dispatch(HistoryRecorder.LINGER_FROM);
        Duration linger = Duration.ofMillis(500);
        AtomicInteger reads = new AtomicInteger();
        HistoryRecorder paced = new HistoryRecorder(beforeEachRead(broker.eventStream("test"), reads::incrementAndGet),
                writer, context.getBean(JsonMapper.class), context.getBean(ApplicationEventPublisher.class), linger);
        AtomicBoolean flowing = new AtomicBoolean(true);
        // One dispatch after another for as long as the linger lasts: unpaced, each read would bring one or two.
        CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
            while (flowing.get()) {
                client.dispatch("test.add", 1, 2);
            }
        });
        int recorded;
        try {
            recorded = paced.recordOnce(Duration.ofSeconds(1));
        } finally {
            flowing.set(false);
            flow.get(10, TimeUnit.SECONDS);
        }
        assertTrue(recorded > HistoryRecorder.LINGER_FROM, "the linger topped the batch up: " + recorded);
        long atMost = 1 + linger.toMillis() / HistoryRecorder.TOP_UP_PACE.toMillis() + 1;
        assertTrue(reads.get() <= atMost, reads.get() + " reads for " + recorded + " events; at most " + atMost
                + ": the first, one per pace, and the last look");
    }

    /** {@code stream}, except that its second read fails as a reset connection does. */
    private static EventStream secondReadFails(EventStream stream) {
        AtomicInteger reads = new AtomicInteger();
        return beforeEachRead(stream, () -> {
            if (reads.incrementAndGet() == 2) {
                throw new BrokerUnavailableException("the connection reset", null);
            }
        });
    }

    /** {@code stream}, running {@code beforeRead} before each read (which may throw, as a failing connection does). */
    private static EventStream beforeEachRead(EventStream stream, Runnable beforeRead) {
        return new EventStream() {
            @Override
            public List<BrokerEvent> read(int max, Duration block) {
                beforeRead.run();
                return stream.read(max, block);
            }

            @Override
            public void acknowledge(List<BrokerEvent> events) {
                stream.acknowledge(events);
            }

            @Override
            public void rewind() {
                stream.rewind();
            }

            @Override
            public void trim() {
                stream.trim();
            }

            @Override
            public void close() {
                stream.close();
            }
        };
    }

    @Test
    void theStreamIsTrimmedOnlyBehindWhatWasAcknowledged() throws Exception {
        start(false);
        client.dispatch("test.add", 1, 2);
        client.dispatch("test.add", 3, 4);
        try (EventStream stream = broker.eventStream("trimmer")) {
            List<BrokerEvent> first = stream.read(1, Duration.ofMillis(10));
            stream.acknowledge(first);
            stream.trim();
            assertEquals(1L, streamLength(), "the unread event stays");
            stream.acknowledge(stream.read(10, Duration.ofMillis(10)));
            stream.trim();
            assertEquals(0L, streamLength());
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Leases the next execution as worker-a, runs {@code meanwhile}, then settles it with {@code outcome}. */
    private void runOnWorkerA(Outcome outcome, java.util.function.BiConsumer<BrokerConsumer, Delivery> meanwhile) {
        try (BrokerConsumer worker = broker.consumer("worker-a")) {
            Delivery delivery = worker.lease(List.of("default"), 1, LEASE).deliveries().getFirst();
            meanwhile.accept(worker, delivery);
            worker.settle(List.of(new Settlement(delivery.lease(), outcome)));
        }
    }

    private void recorderCatchesUp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (recorder.recordOnce(Duration.ofMillis(50)) == 0 && pendingEvents() == 0) {
                    return;
                }
            } catch (HistoryUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private long pendingEvents() {
        return redis().xpending(keys().events(), "recorder").getCount();
    }

    private long streamLength() {
        return redis().xlen(keys().events());
    }

    @SuppressWarnings("unchecked")
    private io.lettuce.core.api.sync.RedisCommands<String, String> redis() {
        return ((StatefulRedisConnection<String, String>) context.getBean(StatefulRedisConnection.class)).sync();
    }

    private RedisKeys keys() {
        return RedisKeys.of(context.getBean(ChardConfig.class).namespace());
    }

    @Test
    void aReplayedBatchCountsItsEndedExecutionsOnceInTheMinuteAggregate() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        List<BrokerEvent> batch = run(UUID.randomUUID(), "agg.replayed", 0, 250, "succeeded");
        writer.apply(HistoryRecorder.fold(batch, json).values());
        writer.apply(HistoryRecorder.fold(batch, json).values());
        writer.apply(HistoryRecorder.fold(batch.subList(2, 3), json).values());

        TaskMinutes.TaskTotals totals = totals("agg.replayed");
        assertEquals(1, totals.outcomes().get("success"), "the replays found the row already ended");
        assertEquals(1, totals.runCount());
        assertEquals(250, totals.runMillisSum());
    }

    /**
     * A batch's new executions (their enqueued events) are a plain insert, its other changes a merge. Here one of
     * the "new" executions already has a row (the batch is a replay, or another recorder wrote a later event first):
     * the insert skips that row, and the second statement merges it. The new executions are written, the one written
     * before keeps its newer state and is counted once, and the start and end of an execution enqueued earlier, in
     * the same batch, are merged into its row.
     */
    @Test
    void theNewExecutionsOfABatchAreWrittenWholeThoughOneOfThemAlreadyHasARow() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        UUID done = UUID.randomUUID();
        List<BrokerEvent> doneRun = run(done, "insert.met", 0, 40, "succeeded");
        UUID waiting = UUID.randomUUID();
        List<BrokerEvent> waitingRun = run(waiting, "insert.waiting", 5, 40, "succeeded");
        writer.apply(HistoryRecorder.fold(doneRun, json).values());
        writer.apply(HistoryRecorder.fold(waitingRun.subList(0, 1), json).values());
        // Enough new executions that they are inserted apart from the other changes.
        List<UUID> fresh = java.util.stream.Stream.generate(UUID::randomUUID)
                .limit(HistoryWriter.INSERTED_APART_FROM).toList();
        List<BrokerEvent> batch = new java.util.ArrayList<>(waitingRun.subList(1, 3));
        for (int i = 0; i < fresh.size(); i++) {
            batch.add(run(fresh.get(i), "insert.fresh", 10 + i, 40, "succeeded").getFirst());
        }
        batch.add(doneRun.getFirst());
        writer.apply(HistoryRecorder.fold(batch, json).values());

        ExecutionRecord met = store.find(done).orElseThrow();
        assertEquals("success", met.status(), "its replayed enqueued event does not win");
        assertEquals(List.of("enqueued", "started", "succeeded"), timelineEvents(met, json));
        for (UUID id : fresh) {
            ExecutionRecord written = store.find(id).orElseThrow();
            assertEquals("pending", written.status());
            assertEquals("insert.fresh", written.taskName());
        }
        assertEquals("success", store.find(waiting).orElseThrow().status());
        assertEquals(1, totals("insert.met").outcomes().get("success"));
        assertEquals(1, totals("insert.waiting").outcomes().get("success"));
    }

    /**
     * Two recorders merge the same two executions, one planned as an index scan (rows in id order), the other as a
     * sequential scan (rows in the order on disk, here the reverse), while a third transaction holds the first row.
     * Locking rows in its scan's order, the second took the later row and waited for the first, which the first
     * recorder held while it waited for the later one: a deadlock, one batch failed. Both lock in id order now.
     */
    @Test
    void twoRecordersWhosePlansDifferLockTheSameRowsInOneOrder() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        long now = System.currentTimeMillis();
        List<UUID> ids = java.util.stream.Stream.of(io.chard.broker.Partitions.newId(now, 0),
                io.chard.broker.Partitions.newId(now, 0)).sorted(HistoryWriter::compareIds).toList();
        UUID first = ids.get(0);
        List<BrokerEvent> firstRun = run(first, "lock.order", 0, 10, "succeeded");
        List<BrokerEvent> laterRun = run(ids.get(1), "lock.order", 1, 10, "succeeded");
        // The later id is written first, so that it lies first on disk.
        writer.apply(HistoryRecorder.fold(laterRun.subList(0, 1), json).values());
        writer.apply(HistoryRecorder.fold(firstRun.subList(0, 1), json).values());
        List<BrokerEvent> ends = new java.util.ArrayList<>(firstRun.subList(1, 3));
        ends.addAll(laterRun.subList(1, 3));
        HistoryWriter byIndex = new HistoryWriter(plannedAs("-c enable_seqscan=off -c enable_bitmapscan=off"), 1, 2);
        HistoryWriter bySequence = new HistoryWriter(plannedAs("-c enable_indexscan=off -c enable_bitmapscan=off"), 1,
                2);

        javax.sql.DataSource pool = context.getBean(javax.sql.DataSource.class);
        try (java.sql.Connection holder = pool.getConnection();
             java.util.concurrent.ExecutorService recorders = java.util.concurrent.Executors
                     .newVirtualThreadPerTaskExecutor()) {
            holder.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = holder.prepareStatement(
                    "SELECT 1 FROM " + HistoryStore.TABLE + " WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, first);
                lock.executeQuery().close();
            }
            CompletableFuture<Void> indexed = CompletableFuture.runAsync(() -> applyUnchecked(byIndex, ends, json),
                    recorders);
            awaitLockWaiters(1);
            CompletableFuture<Void> sequenced = CompletableFuture.runAsync(() -> applyUnchecked(bySequence, ends,
                    json), recorders);
            awaitLockWaiters(2);
            holder.commit();
            indexed.get(30, TimeUnit.SECONDS);
            sequenced.get(30, TimeUnit.SECONDS);
        }
        for (UUID id : ids) {
            assertEquals("success", store.find(id).orElseThrow().status());
        }
        assertEquals(2, totals("lock.order").outcomes().get("success"), "each end counted once");
    }

    /** A connection source to the test's database whose sessions plan with {@code options}. */
    private javax.sql.DataSource plannedAs(String options) {
        org.postgresql.ds.PGSimpleDataSource source = new org.postgresql.ds.PGSimpleDataSource();
        source.setURL(context.getRequiredProperty("datasources.default.url", String.class));
        source.setUser(context.getRequiredProperty("datasources.default.username", String.class));
        source.setPassword(context.getProperty("datasources.default.password", String.class).orElse(""));
        source.setOptions(options);
        return source;
    }

    private static void applyUnchecked(HistoryWriter writer, List<BrokerEvent> events, JsonMapper json) {
        try {
            writer.apply(HistoryRecorder.fold(events, json).values());
        } catch (HistoryUnavailableException e) {
            throw new CompletionException(e);
        }
    }

    /** Waits until {@code count} sessions of this database wait for a lock. */
    private void awaitLockWaiters(int count) {
        io.chard.database.Jdbc jdbc = context.getBean(io.chard.database.Jdbc.class);
        Await.until(count + " sessions waiting for a lock", Duration.ofSeconds(10), () -> jdbc.list("SELECT count(*) "
                + "FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                row -> row.getInt(1)).getFirst() >= count);
    }

    @Test
    void aLargeBatchWrittenOnSeveralConnectionsAtOnceRecordsAndCountsEachExecutionOnce() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        HistoryWriter fourWriters = new HistoryWriter(context.getBean(javax.sql.DataSource.class), 4, 8);
        // Three tasks whose ends spread over five minutes: every shard adds to the same minute rows.
        Phases runs = phases(3 * HistoryWriter.SHARDED_FROM, i -> run(UUID.randomUUID(), "agg.sharded." + i % 3,
                i * 200L, 10, i % 5 == 0 ? "failed" : "succeeded"));
        fourWriters.apply(HistoryRecorder.fold(runs.enqueued(), json).values());
        fourWriters.apply(HistoryRecorder.fold(runs.ended(), json).values());
        fourWriters.apply(HistoryRecorder.fold(runs.ended(), json).values());

        long recorded = context.getBean(io.chard.database.Jdbc.class).list("SELECT count(*) FROM "
                + HistoryStore.TABLE + " WHERE task_name LIKE 'agg.sharded.%' AND status IN ('success', 'failed')",
                row -> row.getLong(1)).getFirst();
        assertEquals(3L * HistoryWriter.SHARDED_FROM, recorded);
        for (int task = 0; task < 3; task++) {
            TaskMinutes.TaskTotals totals = totals("agg.sharded." + task);
            assertEquals(HistoryWriter.SHARDED_FROM, totals.outcomes().get("success") + totals.outcomes().get("failed"),
                    "each execution counted once, the replay not at all");
            assertEquals(HistoryWriter.SHARDED_FROM, totals.runCount());
        }
    }

    @Test
    void aBatchIsPlannedForTheRowsItHoldsSoItsJoinsNeedNoTemporaryFile() throws Exception {
        // Every session of this test refuses to write a temporary file. A join the planner sized for the whole table
        // (as it did when it found the batch's existing rows through a join with it, estimated at the batch's rows
        // times a two-hundredth of the table's) is planned as a hash split into batch files, and the statement
        // then fails here instead of only running slower. The table holds 100,000 other rows.
        start(false, Map.of("datasources.default.connection-init-sql", "SET temp_file_limit = 0"));
        io.chard.database.Jdbc jdbc = context.getBean(io.chard.database.Jdbc.class);
        jdbc.update("INSERT INTO " + HistoryStore.TABLE + " (id, task_id, task_name) SELECT id, id::text, 'plan.other' "
                + "FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, 200) a, generate_series(1, 500) b) g");
        JsonMapper json = context.getBean(JsonMapper.class);
        long now = System.currentTimeMillis();
        Phases runs = phases(1_000, i -> run(io.chard.broker.Partitions.newId(now, 0), "plan.sized", i, 10,
                "succeeded"));
        writer.apply(HistoryRecorder.fold(runs.enqueued(), json).values());
        writer.apply(HistoryRecorder.fold(runs.ended(), json).values());

        long recorded = jdbc.list("SELECT count(*) FROM " + HistoryStore.TABLE
                + " WHERE task_name = 'plan.sized' AND status = 'success'", row -> row.getLong(1)).getFirst();
        assertEquals(1_000L, recorded);
    }

    @Test
    void moreWritersThanHalfTheConnectionPoolAreRefusedAtStart() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new HistoryWriter(null, 5, 8));
        assertTrue(refused.getMessage().contains("chard.history.writers"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HistoryWriter(null, -1, 8));
        new HistoryWriter(null, 0, 2); // the default fits a small pool: one writer
    }

    @Test
    void aRetriedThenSucceededExecutionCountsOneSuccessAndNoFailure() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        UUID id = UUID.randomUUID();
        Instant queued = Instant.parse("2026-01-01T00:00:00Z");
        BrokerEvent enqueued = at(id, 1, "enqueued", queued, Map.of("env", envelope("agg.flaky", queued), "eta", ""));
        BrokerEvent started = at(id, 2, "started", queued.plusMillis(10), Map.of("worker", "w", "deliveries", "1",
                "retries", "0"));
        BrokerEvent retrying = at(id, 3, "retrying", queued.plusMillis(20), Map.of("retries", "1", "exc", "E",
                "message", "m", "traceback", "t", "eta", Long.toString(queued.plusMillis(1_000).toEpochMilli())));
        BrokerEvent restarted = at(id, 4, "started", queued.plusMillis(1_040), Map.of("worker", "w", "deliveries", "2",
                "retries", "1"));
        BrokerEvent succeeded = at(id, 5, "succeeded", queued.plusMillis(1_100), Map.of("result", "1",
                "finished", Long.toString(queued.plusMillis(1_100).toEpochMilli())));
        for (List<BrokerEvent> batch : List.of(List.of(enqueued, started), List.of(retrying), List.of(restarted),
                List.of(succeeded))) {
            writer.apply(HistoryRecorder.fold(batch, json).values());
        }

        TaskMinutes.TaskTotals totals = totals("agg.flaky");
        assertEquals(1, totals.outcomes().get("success"));
        assertEquals(0, totals.outcomes().get("failed"), "a retry is not a failure");
        assertEquals(60, totals.runMillisSum(), "the run time is the last attempt's");
        assertEquals(40, totals.waitMillisSum(), "the wait runs from the retry's due time to its start");
    }

    /**
     * From a review: an execution whose attempt asked for a retry, revoked (or expired) while it waits out the
     * backoff. revoke.lua stamps the revoke's time as its finish; the aggregate takes finished - started as the run
     * time, so the half hour of backoff counts as 30 minutes of running in the task's run sum and histogram (the
     * overview's mean and p95), where "earlier attempts and backoffs count in neither" (docs, "The overview's minute
     * aggregate"). The attempt ran 10 ms.
     */
    @Test
    void anExecutionRevokedWhileWaitingForItsRetryCountsNoBackoffAsRunTime() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        UUID id = UUID.randomUUID();
        Instant queued = Instant.parse("2026-01-01T00:00:00Z");
        BrokerEvent enqueued = at(id, 1, "enqueued", queued, Map.of("env", envelope("agg.revoked", queued), "eta", ""));
        BrokerEvent started = at(id, 2, "started", queued.plusMillis(10), Map.of("worker", "w", "deliveries", "1",
                "retries", "0"));
        BrokerEvent retrying = at(id, 3, "retrying", queued.plusMillis(20), Map.of("retries", "1", "exc", "E",
                "message", "m", "traceback", "t", "eta", Long.toString(queued.plus(Duration.ofHours(1)).toEpochMilli())));
        Instant revokedAt = queued.plus(Duration.ofMinutes(30));
        BrokerEvent revoked = at(id, 4, "revoked", revokedAt, Map.of("reason", "revoked by admin",
                "finished", Long.toString(revokedAt.toEpochMilli())));
        for (List<BrokerEvent> batch : List.of(List.of(enqueued, started), List.of(retrying), List.of(revoked))) {
            writer.apply(HistoryRecorder.fold(batch, json).values());
        }

        TaskMinutes.TaskTotals totals = totals("agg.revoked");
        assertEquals(1, totals.outcomes().get("revoked"));
        assertTrue(totals.runMillisSum() <= 10, "the run time holds no backoff: " + totals.runMillisSum() + " ms over "
                + totals.runCount() + " run(s)");
        assertEquals(0, totals.waitCount(), "nor a wait: the retry never started");
    }

    @Test
    void percentilesFromTheMergedMinutesAreWithinTheHistogramsResolution() throws Exception {
        start(false);
        JsonMapper json = context.getBean(JsonMapper.class);
        List<BrokerEvent> events = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            // Ten milliseconds apart over 2 minutes of ends, so the window merges several minutes' histograms.
            events.addAll(run(UUID.randomUUID(), "agg.timed", i * 1_500L, i * 10L, i % 10 == 0 ? "failed" : "succeeded"));
        }
        writer.apply(HistoryRecorder.fold(events, json).values());

        TaskMinutes.TaskTotals totals = totals("agg.timed");
        assertEquals(90, totals.outcomes().get("success"));
        assertEquals(10, totals.outcomes().get("failed"));
        assertWithinResolution(500, RuntimeHistogram.percentile(totals.runHistogram(), 0.5));
        assertWithinResolution(950, RuntimeHistogram.percentile(totals.runHistogram(), 0.95));
        assertEquals(50_500, totals.runMillisSum());
    }

    private static void assertWithinResolution(double expected, Double actual) {
        assertNotNull(actual);
        assertTrue(Math.abs(actual - expected) / expected <= Math.pow(2, 1.0 / 8) - 1,
                "expected about " + expected + " ms, got " + actual);
    }

    private TaskMinutes.TaskTotals totals(String task) {
        return context.getBean(TaskMinutes.class).tasks(Instant.parse("2025-12-31T00:00:00Z")).stream()
                .filter(t -> t.taskName().equals(task)).findFirst().orElseThrow();
    }

    /** The runs' events split in two batches: every enqueued event, then every start and end. */
    private record Phases(List<BrokerEvent> enqueued, List<BrokerEvent> ended) {
    }

    private static Phases phases(int count, java.util.function.IntFunction<List<BrokerEvent>> run) {
        List<BrokerEvent> enqueued = new java.util.ArrayList<>();
        List<BrokerEvent> ended = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<BrokerEvent> events = run.apply(i);
            enqueued.add(events.getFirst());
            ended.addAll(events.subList(1, events.size()));
        }
        return new Phases(enqueued, ended);
    }

    /** One execution's events: dispatched at 2026-01-01 plus {@code offsetMillis}, started 5 ms later, ended. */
    private static List<BrokerEvent> run(UUID id, String task, long offsetMillis, long runMillis, String end) {
        Instant queued = Instant.parse("2026-01-01T00:00:00Z").plusMillis(offsetMillis);
        Instant started = queued.plusMillis(5);
        String finished = Long.toString(started.plusMillis(runMillis).toEpochMilli());
        return List.of(at(id, 1, "enqueued", queued, Map.of("env", envelope(task, queued), "eta", "")),
                at(id, 2, "started", started, Map.of("worker", "w", "deliveries", "1", "retries", "0")),
                at(id, 3, end, started.plusMillis(runMillis), end.equals("failed")
                        ? Map.of("exc", "E", "message", "m", "traceback", "t", "finished", finished)
                        : Map.of("result", "1", "finished", finished)));
    }

    private static String envelope(String task, Instant queued) {
        return "{\"task\":\"" + task + "\",\"args\":[],\"queue\":\"default\",\"priority\":5,\"queuedAt\":\""
                + queued + "\"}";
    }

    private static BrokerEvent at(UUID id, long seq, String type, Instant at, Map<String, String> data) {
        return new BrokerEvent(seq + "-0", type, id, seq, at, data);
    }

    private static BrokerEvent event(UUID id, long seq, String type, Map<String, String> data) {
        return new BrokerEvent(seq + "-0", type, id, seq, Instant.parse("2026-01-01T00:00:00Z"), data);
    }
}
