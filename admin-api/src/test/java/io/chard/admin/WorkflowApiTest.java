package io.chard.admin;

import io.chard.admin.testing.AdminApiServer;
import io.chard.admin.testing.ApiClient.Answer;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.Delivery;
import io.chard.broker.Outcome;
import io.chard.broker.RedisBroker;
import io.chard.broker.Settlement;
import io.chard.config.ChardConfig;
import io.chard.config.ChardSettings;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Canvas workflows over real HTTP and a real Redis, run by a worker this test drives. */
class WorkflowApiTest {
    static final String WORKFLOWS = "/api/background_tasks/workflows";
    static final String EXECUTIONS = "/api/background_tasks/admin/executions";
    static AdminApiServer server;
    /** The outside condition test.fail_until waits for. */
    static volatile boolean conditionFixed;

    @BeforeAll
    static void start() {
        server = new AdminApiServer(Map.of(ChardSettings.RECORDER_ENABLED, false));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aChordOverHttpEndsSuccessAndItsCallbackReceivesTheMemberResultsInOrder() {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"chord": {"group": [{"task": "test.add", "args": [1, 1]}, {"task": "test.add", "args": [2, 2]},
                  {"task": "test.add", "args": [3, 3]}], "then": {"task": "test.echo"}}}""");
        assertEquals(202, accepted.status(), accepted.body());
        assertEquals("pending", accepted.text("status"));
        assertEquals(4, accepted.json().get("members").size());
        List<Delivery> ran = runUntilIdle();
        assertEquals("[[2,4,6]]", write(args(ran.getLast())));
        Answer read = server.viewer.get(WORKFLOWS + "/" + accepted.text("id"));
        assertEquals(200, read.status(), read.body());
        assertEquals("success", read.text("status"), read.body());
        assertEquals("$.chord.then", read.json().get("members").get(3).get("path").getStringValue());
    }

    @Test
    void aChainOverHttpEndsFailedAtItsThirdStepWithTheFourthCancelled() {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"chain": [{"task": "test.add", "args": [1, 1]}, {"task": "test.add", "args": [10]},
                  {"task": "test.fail", "args": ["x"], "immutable": true}, {"task": "test.add", "args": [5]}]}""");
        assertEquals(202, accepted.status(), accepted.body());
        runUntilIdle();
        Answer read = server.viewer.get(WORKFLOWS + "/" + accepted.text("id"));
        assertEquals("failed", read.text("status"), read.body());
        JsonNode members = read.json().get("members");
        assertEquals(members.get(2).get("id").getStringValue(), read.text("failed_member"));
        assertEquals("cancelled", members.get(3).get("status").getStringValue());
        assertTrue(members.get(3).get("reason").getStringValue().contains("test.fail"), read.body());
    }

    @Test
    void linkAndLinkErrorOverHttpRunTheCallbackOfTheOutcome() {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"task": "test.fail", "args": ["x"], "link": {"task": "test.add", "args": [1]},
                 "link_error": {"task": "test.echo", "args": ["after"]}}""");
        assertEquals(202, accepted.status(), accepted.body());
        List<Delivery> ran = runUntilIdle();
        assertEquals(2, ran.size(), "the failing call, then its error callback");
        String failing = accepted.json().get("members").get(0).get("id").getStringValue();
        JsonNode args = args(ran.getLast());
        assertEquals(failing, args.get(0).getStringValue());
        assertEquals("x", args.get(1).get("message").getStringValue());
        assertEquals("after", args.get(2).getStringValue());
        Answer read = server.viewer.get(WORKFLOWS + "/" + accepted.text("id"));
        assertEquals("failed", read.text("status"), read.body());
        JsonNode members = read.json().get("members");
        assertEquals("$.link", members.get(1).get("path").getStringValue());
        assertEquals("cancelled", members.get(1).get("status").getStringValue());
        assertEquals("success", members.get(2).get("status").getStringValue());
        Answer malformed = server.operator.post(WORKFLOWS, """
                {"task": "test.add", "args": [1, 1], "link": [{"task": "test.echo"}]}""");
        TaskApiTest.assertError(malformed, 400, "invalid_workflow");
        assertEquals("$.link", malformed.text("field"));
    }

    @Test
    void aRedriveOverHttpNeedsManageAndRerunsOnlyTheFailedStepAndTheOnesAfterIt() {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"chain": [{"task": "test.add", "args": [1, 1]}, {"task": "test.fail_until"},
                  {"task": "test.add", "args": [5]}]}""");
        String id = accepted.text("id");
        TaskApiTest.assertError(server.operator.post(WORKFLOWS + "/" + id + "/retry", ""), 409, "not_redrivable");
        assertEquals(2, runUntilIdle().size());
        conditionFixed = true;
        assertEquals(403, server.viewer.post(WORKFLOWS + "/" + id + "/retry", "").status());
        Answer redriven = server.operator.post(WORKFLOWS + "/" + id + "/retry", "");
        assertEquals(202, redriven.status(), redriven.body());
        assertEquals(id, redriven.text("redrive_of"));
        assertEquals(List.of("test.fail_until", "test.add"), runUntilIdle().stream()
                .map(d -> read(d.envelope()).get("task").getStringValue()).toList());
        Answer read = server.viewer.get(WORKFLOWS + "/" + redriven.text("id"));
        assertEquals("success", read.text("status"), read.body());
        assertEquals(7, read.json().get("result").getIntValue());
        Answer again = server.operator.post(WORKFLOWS + "/" + id + "/retry", "");
        TaskApiTest.assertError(again, 409, "not_redrivable");
        Answer notFailed = server.operator.post(WORKFLOWS + "/" + redriven.text("id") + "/retry", "");
        TaskApiTest.assertError(notFailed, 409, "not_redrivable");
        assertEquals(404, server.operator.post(WORKFLOWS + "/" + java.util.UUID.randomUUID() + "/retry", "").status());
    }

    @Test
    void onceRedisLetAWorkflowGoItsStatusAndMembersAreReadFromTheHistory() throws Exception {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"chain": [{"task": "test.add", "args": [1, 1]}, {"task": "test.fail", "args": ["x"], "immutable": true},
                  {"task": "test.add", "args": [5]}]}""");
        String id = accepted.text("id");
        runUntilIdle();
        String live = server.viewer.get(WORKFLOWS + "/" + id).body();
        server.recordHistory("workflow-api-test");
        forgetInRedis(accepted);
        Answer read = server.viewer.get(WORKFLOWS + "/" + id);
        assertEquals(200, read.status(), read.body());
        assertSameAnswer(live, read.body());
        assertEquals("failed", read.text("status"));
        assertEquals("cancelled", read.json().get("members").get(2).get("status").getStringValue());
        String member = read.json().get("members").get(1).get("id").getStringValue();
        Answer detail = server.viewer.get("/api/background_tasks/admin/executions/" + member);
        assertEquals(id, detail.text("workflow_id"), "a member's detail names its workflow");
    }

    @Test
    void aFinishedWorkflowWhoseFirstStepLeftRedisBeforeItReadsThatStepFromTheHistory() throws Exception {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"chain": [{"task": "test.add", "args": [1, 1]}, {"task": "test.add", "args": [5]}]}""");
        runUntilIdle();
        server.recordHistory("workflow-api-test-expired-step");
        UUID first = UUID.fromString(accepted.json().get("members").get(0).get("id").getStringValue());
        forgetInRedis(first); // its result TTL passed first: it ended first
        Answer read = server.viewer.get(WORKFLOWS + "/" + accepted.text("id"));
        assertEquals("success", read.text("status"), read.body());
        assertEquals(7, read.json().get("result").getIntValue());
        assertEquals("success", read.json().get("members").get(0).get("status").getStringValue());
    }

    @Test
    void theExecutionsListAndBulkActionsFilteredByAWorkflowTakeItsMembersAndOnlyThem() throws Exception {
        Answer workflow = server.operator.post(WORKFLOWS, """
                {"group": [{"task": "test.add", "args": [1, 1]}, {"task": "test.fail", "args": ["x"]}]}""");
        Answer another = server.operator.post(WORKFLOWS, """
                {"chain": [{"task": "test.add", "args": [3, 3]}, {"task": "test.add", "args": [4]}]}""");
        assertEquals(202, another.status(), another.body());
        runUntilIdle();
        server.recordHistory("workflow-api-test");
        Answer listed = server.viewer.get(EXECUTIONS + "?workflow=" + workflow.text("id"));
        assertEquals(200, listed.status(), listed.body());
        assertEquals(sortedIds(workflow.json().get("members")), sortedIds(listed.json().get("items")));
        Answer bulk = server.operator.post(EXECUTIONS + "/bulk-retry", "{\"workflow\": \"" + workflow.text("id")
                + "\", \"dry_run\": true}");
        assertEquals(1, bulk.json().get("matched").getIntValue(), "its one failed member: " + bulk.body());
        Answer malformed = server.viewer.get(EXECUTIONS + "?workflow=not-a-workflow");
        TaskApiTest.assertError(malformed, 422, "invalid_parameter");
        assertEquals("workflow", malformed.text("field"));
    }

    @Test
    void eachMemberCarriesWhenItStartedAndEndedAndACancelledOneNeverStarted() {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"chain": [{"task": "test.fail", "args": ["x"], "immutable": true}, {"task": "test.add", "args": [5]}]}""");
        runUntilIdle();
        JsonNode members = server.viewer.get(WORKFLOWS + "/" + accepted.text("id")).json().get("members");
        Instant started = Instant.parse(members.get(0).get("started_at").getStringValue());
        Instant finished = Instant.parse(members.get(0).get("finished_at").getStringValue());
        assertFalse(finished.isBefore(started), started + " to " + finished);
        assertTrue(members.get(1).get("started_at").isNull(), "a cancelled step never started");
        assertFalse(Instant.parse(members.get(1).get("finished_at").getStringValue()).isBefore(finished),
                "it ended when the step before it failed");
    }

    @Test
    void revokingAWorkflowNeedsManageAndRevokesEveryMemberNotEnded() {
        Answer accepted = server.operator.post(WORKFLOWS, """
                {"chain": [{"task": "test.add", "args": [1, 1]}, {"task": "test.add", "args": [2]}]}""");
        String id = accepted.text("id");
        assertEquals(403, server.viewer.post(WORKFLOWS + "/" + id + "/revoke", "").status());
        Answer revoked = server.operator.post(WORKFLOWS + "/" + id + "/revoke", "");
        assertEquals(200, revoked.status(), revoked.body());
        Answer read = server.viewer.get(WORKFLOWS + "/" + id);
        assertEquals("revoked", read.text("status"), read.body());
        assertEquals(404, server.viewer.get(WORKFLOWS + "/" + java.util.UUID.randomUUID()).status());
    }

    @Test
    void aRefusedWorkflowNamesTheJsonPathOfItsNodeAndEnqueuesNothing() {
        assertEnqueuesNothing(() -> {
            Answer unknown = server.operator.post(WORKFLOWS, """
                    {"chain": [{"task": "test.add", "args": [1, 1]}, {"task": "no.such_task"}]}""");
            TaskApiTest.assertError(unknown, 404, "unknown_task");
            assertEquals("$.chain[1]", unknown.text("field"));
            Answer binding = server.operator.post(WORKFLOWS, """
                    {"chord": {"group": [{"task": "test.add", "args": [1, "two"]}], "then": {"task": "test.echo"}}}""");
            TaskApiTest.assertError(binding, 422, "invalid_arguments");
            assertEquals("$.chord.group[0]", binding.text("field"));
            Answer chunkItem = server.operator.post(WORKFLOWS, """
                    {"chunks": {"task": "test.add", "items": [[1, 2], [3, "four"]], "size": 2}}""");
            TaskApiTest.assertError(chunkItem, 422, "invalid_arguments");
            assertEquals("$.chunks.items[1]", chunkItem.text("field"));
            Answer malformed = server.operator.post(WORKFLOWS, """
                    {"group": [{"task": "test.add", "args": [1, 1]}, {"chain": []}]}""");
            TaskApiTest.assertError(malformed, 400, "invalid_workflow");
            assertEquals("$.group[1].chain", malformed.text("field"));
            Answer large = server.operator.post(WORKFLOWS, "{\"group\": [{\"task\": \"test.echo\", \"args\": [\""
                    + "x".repeat(2_000_000) + "\"]}]}");
            assertEquals(413, large.status(), large.body().substring(0, Math.min(200, large.body().length())));
        });
    }

    /** A number a step's option or a chunk size cannot take is refused naming its path, as a dispatch refuses it. */
    @Test
    void anOptionOrChunkSizeThatIsNoFiniteIntIsRefusedNotAnsweredAsAServerError() {
        List<String> wrong = new ArrayList<>();
        assertEnqueuesNothing(() -> {
            for (String body : List.of(
                    "{\"task\": \"test.add\", \"args\": [1, 1], \"options\": {\"priority\": 1e400}}",
                    "{\"task\": \"test.add\", \"args\": [1, 1], \"options\": {\"countdown\": 1e400}}",
                    "{\"chunks\": {\"task\": \"test.add\", \"items\": [[1, 2]], \"size\": 1e400}}",
                    // 4294967301 is 5 once cut to an int: out of 0-9, it must be refused, not run at priority 5.
                    "{\"task\": \"test.add\", \"args\": [1, 1], \"options\": {\"priority\": 4294967301}}")) {
                Answer answer = server.operator.post(WORKFLOWS, body);
                if (answer.status() != 400 && answer.status() != 422) {
                    wrong.add(body + " -> " + answer.status() + " " + answer.body());
                }
            }
            assertEquals(List.of(), wrong);
        });
    }

    /** What the result TTL does: the workflow's hash and its members' hashes leave Redis. */
    @SuppressWarnings("unchecked")
    private static void forgetInRedis(Answer workflow) {
        var redis = ((StatefulRedisConnection<String, String>) server.context.getBean(StatefulRedisConnection.class))
                .sync();
        UUID id = UUID.fromString(workflow.text("id"));
        redis.del(server.context.getBean(RedisBroker.class).partitions().keys(id).prefix() + "wf:" + id);
        workflow.json().get("members").values()
                .forEach(m -> forgetInRedis(UUID.fromString(m.get("id").getStringValue())));
    }

    /** What the result TTL does to one execution. */
    @SuppressWarnings("unchecked")
    private static void forgetInRedis(UUID execution) {
        var redis = ((StatefulRedisConnection<String, String>) server.context.getBean(StatefulRedisConnection.class))
                .sync();
        redis.del(server.context.getBean(RedisBroker.class).partitions().keys(execution).task(execution));
    }

    private static List<String> sortedIds(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.values().forEach(item -> ids.add(item.get("id").getStringValue()));
        return ids.stream().sorted().toList();
    }

    private static List<Delivery> runUntilIdle() {
        RedisBroker broker = server.context.getBean(RedisBroker.class);
        List<Delivery> ran = new ArrayList<>();
        try (BrokerConsumer worker = broker.consumer("worker-test")) {
            for (int round = 0; round < 50; round++) {
                List<Delivery> leased = worker.lease(List.of("default"), 100, Duration.ofSeconds(30)).deliveries();
                if (leased.isEmpty()) {
                    return ran;
                }
                ran.addAll(leased);
                worker.settle(leased.stream().map(d -> new Settlement(d.lease(), run(d))).toList());
            }
        }
        throw new AssertionError("still running after 50 rounds");
    }

    private static Outcome run(Delivery delivery) {
        JsonNode envelope = read(delivery.envelope());
        JsonNode args = envelope.get("args");
        return switch (envelope.get("task").getStringValue()) {
            case "test.add" -> new Outcome.Success(Long.toString(args.get(0).getLongValue()
                    + args.get(1).getLongValue()));
            case "test.fail" -> new Outcome.Failure("IllegalStateException", "x", "");
            case "test.fail_until" -> conditionFixed ? new Outcome.Success(Long.toString(args.get(0).getLongValue()))
                    : new Outcome.Failure("IllegalStateException", "the condition does not hold yet", "");
            default -> new Outcome.Success("null");
        };
    }

    private static JsonNode args(Delivery delivery) {
        return read(delivery.envelope()).get("args");
    }

    private static String write(JsonNode node) {
        try {
            return server.context.getBean(JsonMapper.class).writeValueAsString(node);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode read(String text) {
        try {
            return server.context.getBean(JsonMapper.class).readValue(text, JsonNode.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertEnqueuesNothing(Runnable requests) {
        @SuppressWarnings("unchecked")
        var redis = ((StatefulRedisConnection<String, String>) server.context.getBean(StatefulRedisConnection.class))
                .sync();
        // This server's namespace only (every partition's tag starts with it): other tests share the Redis.
        String executions = "{" + server.context.getBean(ChardConfig.class).namespace() + "*:t:*";
        int before = redis.keys(executions).size();
        requests.run();
        assertEquals(before, redis.keys(executions).size(), "an execution was enqueued");
    }

    private static final java.util.regex.Pattern TIMES =
            java.util.regex.Pattern.compile("\"(started_at|finished_at)\":\"([^\"]+)\"");

    /**
     * The history answers what Redis answered, except that a start or finish time may be a few milliseconds later:
     * Redis' hash keeps the script's clock at its start, the history the time of the event written during the
     * script, which can fall in the next millisecond.
     */
    private static void assertSameAnswer(String live, String recorded) {
        assertEquals(TIMES.matcher(live).replaceAll("\"$1\":\"*\""),
                TIMES.matcher(recorded).replaceAll("\"$1\":\"*\""), "the history answers what Redis answered");
        List<java.time.Instant> liveTimes = TIMES.matcher(live).results()
                .map(m -> java.time.Instant.parse(m.group(2))).toList();
        List<java.time.Instant> recordedTimes = TIMES.matcher(recorded).results()
                .map(m -> java.time.Instant.parse(m.group(2))).toList();
        for (int i = 0; i < liveTimes.size(); i++) {
            long apart = Math.abs(java.time.Duration.between(liveTimes.get(i), recordedTimes.get(i)).toMillis());
            assertTrue(apart <= 50, "time " + i + " is " + apart + " ms apart: " + live + " / " + recorded);
        }
    }
}
