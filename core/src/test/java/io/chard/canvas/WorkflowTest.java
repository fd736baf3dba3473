package io.chard.canvas;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.Delivery;
import io.chard.broker.LimitDeclarations;
import io.chard.broker.Outcome;
import io.chard.broker.RedisBroker;
import io.chard.broker.Settlement;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.chard.canvas.Workflow.chain;
import static io.chard.canvas.Workflow.chord;
import static io.chard.canvas.Workflow.chordCallingOnFailure;
import static io.chard.canvas.Workflow.chunks;
import static io.chard.canvas.Workflow.group;
import static io.chard.canvas.Workflow.map;
import static io.chard.canvas.Workflow.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chains, groups and chords on a real Redis, run by a worker this test drives (lease, compute, settle). */
class WorkflowTest {
    static final List<String> DEFAULT = List.of("default");
    static final Duration LEASE = Duration.ofSeconds(30);

    ApplicationContext context;
    RedisBroker broker;
    TaskClient client;
    Workflows workflows;
    JsonMapper json;
    BrokerConsumer worker;
    String namespace;
    /** The outside condition test.fail_until waits for. */
    boolean conditionFixed;

    @BeforeEach
    void start() {
        start(4);
    }

    /**
     * One partition: a per-key limit on a task used in workflows is counted per partition when P > 1 (see
     * docs/architecture.md, "Limits of the design"), so a test comparing a step's key with a dispatch's needs P = 1.
     */
    private void onePartition() {
        stop();
        start(1);
    }

    private void start(int partitions) {
        Map<String, Object> properties = TestRedis.properties();
        properties.put(ChardSettings.PARTITIONS, partitions);
        namespace = (String) properties.get(ChardSettings.NAMESPACE);
        context = ApplicationContext.run(properties);
        broker = context.getBean(RedisBroker.class);
        client = context.getBean(TaskClient.class);
        workflows = context.getBean(Workflows.class);
        json = context.getBean(JsonMapper.class);
        worker = broker.consumer("worker-a");
    }

    @AfterEach
    void stop() {
        worker.close();
        context.close();
    }

    @Test
    void aChordRunsItsCallbackOnceWithTheMemberResultsInMemberOrder() {
        WorkflowDispatched run = client.dispatch(chord(group(task("test.add", 1, 1), task("test.add", 2, 2),
                task("test.add", 3, 3)), task("test.sum")));
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(4, ran.size());
        Delivery callback = ran.getLast();
        assertEquals(run.members().getLast().id(), callback.id());
        assertEquals(List.of(2L, 4L, 6L), longs(args(callback).get(0)), "member order, not finishing order");
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals("success", state.status());
        assertEquals("12", state.resultJson());
        assertNull(state.failed());
    }

    /** A message naming a step that still waits (stale, or sent twice) must not start it before its predecessor. */
    @Test
    void aStepStillWaitingForItsPredecessorIsNotLeasedByItsIdUntilItsJoinReleasesIt() {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1), task("test.add", 10)));
        UUID second = run.members().get(1).id();
        BrokerConsumer.IdLease early = worker.leaseIds(List.of(second), LEASE, BrokerConsumer.Fit.ANY).getFirst();
        assertEquals(BrokerConsumer.IdLeaseCode.WAITING, early.code(), "the second step started before the first "
                + "ran, with the envelope " + (early.delivery() == null ? "" : early.delivery().envelope()));

        Delivery first = worker.lease(DEFAULT, 1, LEASE).deliveries().getFirst();
        assertEquals(run.members().getFirst().id(), first.id());
        worker.settle(List.of(new Settlement(first.lease(), run(first))));
        BrokerConsumer.IdLease released = worker.leaseIds(List.of(second), LEASE, BrokerConsumer.Fit.ANY).getFirst();
        assertEquals(BrokerConsumer.IdLeaseCode.LEASED, released.code(), "released by its join");
        assertEquals(List.of(2L, 10L), longs(args(released.delivery())), "with its predecessor's result");
    }

    @Test
    void aChainPassesEachResultOnAndAFailedStepCancelsTheStepsAfterIt() {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1), task("test.add", 10),
                task("test.fail"), task("test.add", 5)));
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(3, ran.size(), "the fourth step never runs");
        assertEquals(List.of(2L, 10L), longs(args(ran.get(1))));
        assertEquals(List.of(12L), longs(args(ran.get(2))), "the failing step got 1 + 1 + 10");
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals("failed", state.status());
        assertEquals(List.of("success", "success", "failed", "cancelled"),
                state.members().stream().map(WorkflowState.Member::status).toList());
        UUID third = run.members().get(2).id();
        assertEquals(third, state.failed().id());
        assertTrue(state.members().get(3).reason().contains("previous step " + third + " (test.fail) failed"),
                state.members().get(3).reason());
    }

    @Test
    void aGroupsResultIsTheListOfMemberResultsInMemberOrder() {
        WorkflowDispatched run = client.dispatch(group(task("test.add", 5, 5), task("test.add", 1, 1)));
        assertEquals(2, runUntilIdle(worker).size());
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals("success", state.status());
        assertEquals("[10,2]", state.resultJson());
    }

    @Test
    void aChordWithAFailingMemberFailsNamingItAndNeverRunsTheCallback() {
        WorkflowDispatched run = client.dispatch(chord(group(task("test.add", 1, 1), task("test.fail", "boom"),
                task("test.add", 3, 3)), task("test.sum")));
        assertEquals(3, runUntilIdle(worker).size());
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals("failed", state.status());
        UUID failing = run.members().get(1).id();
        assertEquals(failing, state.failed().id());
        WorkflowState.Member callback = state.members().getLast();
        assertEquals("cancelled", callback.status());
        assertTrue(callback.reason().startsWith("chord member " + failing + " (test.fail) failed"), callback.reason());
    }

    @Test
    void aChordCallingOnMemberFailureGetsAnErrorEntryInTheFailedMembersSlot() throws IOException {
        client.dispatch(chordCallingOnFailure(group(task("test.add", 1, 1), task("test.fail", "boom")),
                task("test.echo")));
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(3, ran.size());
        JsonNode results = args(ran.getLast()).get(0);
        assertEquals(2L, results.get(0).getLongValue());
        assertEquals("boom", results.get(1).get("error").get("message").getStringValue());
        assertEquals("failed", results.get(1).get("error").get("status").getStringValue());
    }

    @Test
    void aRevokedMemberEndsItsJoinSoTheChordFailsInsteadOfHanging() {
        WorkflowDispatched run = client.dispatch(chord(group(task("test.add", 1, 1), task("test.add", 2, 2)),
                task("test.sum")));
        broker.revoke(run.members().get(1).id(), "revoked");
        assertEquals(1, runUntilIdle(worker).size());
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals("revoked", state.status());
        assertEquals("cancelled", state.members().getLast().status());
        assertEquals(run.members().get(1).id(), state.failed().id());
    }

    @Test
    void revokingAWaitingCallbackDropsTheValuesHandedToItAndTheRestStillEnd() {
        WorkflowDispatched run = client.dispatch(chord(group(task("test.add", 1, 1), task("test.add", 2, 2)),
                task("test.sum")));
        List<Delivery> one = worker.lease(DEFAULT, 1, LEASE).deliveries();
        worker.settle(List.of(new Settlement(one.getFirst().lease(), run(one.getFirst()))));
        UUID callback = run.members().getLast().id();
        assertEquals(1L, redis(c -> (long) c.keys("*:j:" + callback).size()), "the first value waits for the rest");
        broker.revoke(callback, "revoked");
        assertEquals(0L, redis(c -> (long) c.keys("*:j:" + callback).size()), "no value outlives its member");
        assertEquals(1, runUntilIdle(worker).size());
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals(List.of("success", "success", "revoked"),
                state.members().stream().map(WorkflowState.Member::status).toList());
        assertEquals(0L, redis(c -> c.ttl(c.keys("*:wf:" + run.id()).getFirst()) > 0 ? 0L : 1L),
                "the workflow hash expires with its last member");
    }

    /**
     * A purge revokes the queue's waiting executions; the error callback a purged member's end releases runs (as it
     * does after a revoke). A purge loop that called again until a call revoked nothing revoked the callback the
     * call before had just released into the same queue.
     */
    @Test
    void aPurgeLetsTheErrorCallbackItsPurgedStepReleasedRun() {
        WorkflowDispatched run = client.dispatch(task("test.add", 1, 1).withLinkError(task("test.echo")));
        long purged = context.getBean(io.chard.broker.QueueControl.class).purge("default");
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals(1, purged, "the purge revoked the released error callback too: "
                + state.members().stream().map(m -> m.status() + " " + m.reason()).toList());
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(List.of(run.members().getLast().id()), ran.stream().map(Delivery::id).toList(),
                "the error callback runs");
    }

    @Test
    void revokingAWorkflowRevokesEveryMemberNotEndedAndCancelsWhatWaits() {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1), task("test.add", 2),
                task("test.add", 3)));
        workflows.revoke(run.id()).orElseThrow();
        assertEquals(0, runUntilIdle(worker).size());
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals(List.of("revoked", "cancelled", "cancelled"),
                state.members().stream().map(WorkflowState.Member::status).toList());
    }

    @Test
    void aWorkerKilledRightAfterSettlingTheLastMemberCannotLoseTheCallback() {
        WorkflowDispatched run = client.dispatch(chord(group(task("test.add", 1, 1), task("test.add", 2, 2)),
                task("test.sum")));
        List<Delivery> members = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(2, members.size());
        worker.settle(List.of(new Settlement(members.get(0).lease(), new Outcome.Success("2"))));
        // The test hook: the worker settles the last member, then dies before doing anything else.
        Settlement last = new Settlement(members.get(1).lease(), new Outcome.Success("4"));
        assertEquals(List.of(true), worker.settle(List.of(last)));
        worker.close();
        UUID callback = run.members().getLast().id();
        assertEquals(1L, redis(c -> c.zscore(broker.partitions().keys(callback).queue("default", "ready"),
                callback.toString()) != null ? 1L : 0L), "the callback is ready in the same script");
        // Its report sent again after a restart is answered as taken (it was) and changes nothing: the join is
        // counted once.
        try (BrokerConsumer restarted = broker.consumer("worker-a")) {
            assertEquals(List.of(true), restarted.settle(List.of(last)));
        }
        try (BrokerConsumer other = broker.consumer("worker-b")) {
            List<Delivery> ran = runUntilIdle(other);
            assertEquals(List.of(callback), ran.stream().map(Delivery::id).toList(), "exactly once");
        }
        worker = broker.consumer("worker-a");
        assertEquals("success", workflows.find(run.id()).orElseThrow().status());
    }

    @Test
    void aLinkRunsOnSuccessWithTheResultWhileTheLinkErrorIsCancelledAndNeitherChangesTheOutcome() {
        WorkflowDispatched run = client.dispatch(chain(
                task("test.add", 1, 1).withLink(task("test.add", 10)).withLinkError(task("test.echo")),
                task("test.add", 3)));
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(List.of("$.chain[0]", "$.chain[0].link", "$.chain[1]"), paths(run, ran));
        assertEquals(List.of(2L, 10L), longs(args(ran.get(1))), "the link got the result");
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals("success", state.status());
        assertEquals("5", state.resultJson(), "the chain's result, not its first step's link's");
        WorkflowState.Member errback = member(state, "$.chain[0].link_error");
        assertEquals("cancelled", errback.status());
        assertTrue(errback.reason().startsWith("error callback not run: " + run.members().getFirst().id()
                + " (test.add) ended success"), errback.reason());
    }

    @Test
    void aLinkErrorRunsOnceAfterTheLastRetryWithTheExecutionIdAndTheError() {
        WorkflowDispatched run = client.dispatch(task("test.fail", "boom").withLink(task("test.add", 1))
                .withLinkError(task("test.echo", "extra")));
        UUID failing = run.members().getFirst().id();
        Delivery first = worker.lease(DEFAULT, 10, LEASE).deliveries().getFirst();
        worker.settle(List.of(new Settlement(first.lease(),
                new Outcome.Retry(Duration.ZERO, "IllegalStateException", "boom", ""))));
        Delivery second = worker.lease(DEFAULT, 10, LEASE).deliveries().getFirst();
        assertEquals(failing, second.id(), "a retry does not call the error callback");
        Settlement failure = new Settlement(second.lease(), new Outcome.Failure("IllegalStateException", "boom", ""));
        worker.settle(List.of(failure));
        assertEquals(List.of(true), worker.settle(List.of(failure)), "a repeated report is taken, and changes nothing");
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(List.of("$.link_error"), paths(run, ran), "exactly once; the link is not run");
        JsonNode args = args(ran.getFirst());
        assertEquals(failing.toString(), args.get(0).getStringValue());
        JsonNode error = args.get(1);
        assertEquals("failed", error.get("status").getStringValue());
        assertEquals("IllegalStateException", error.get("exc").getStringValue());
        assertEquals("boom", error.get("message").getStringValue());
        assertEquals("test.fail", error.get("task").getStringValue());
        assertEquals("extra", args.get(2).getStringValue(), "its own arguments follow");
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        assertEquals("failed", state.status());
        assertEquals(failing, state.failed().id());
        assertEquals("cancelled", member(state, "$.link").status());
    }

    @Test
    void aCallbackThatCannotBindItsArgumentsRefusesTheWorkflowNamingItsPath() {
        InvalidWorkflowException errback = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                task("test.add", 1, 1).withLinkError(task("test.add", 1))));
        assertEquals("$.link_error", errback.path(), "an error callback takes two arguments first: id and error");
        InvalidWorkflowException link = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                chain(task("test.add", 1, 1).withLink(task("test.nope")), task("test.add", 1))));
        assertEquals("$.chain[0].link", link.path());
    }

    @Test
    void aWaitingStepsDefaultExpiryCountsFromItsReleaseNotFromTheWorkflowsDispatch() throws InterruptedException {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1), task("test.short_lived")
                .asImmutable()));
        List<Delivery> first = worker.lease(DEFAULT, 10, LEASE).deliveries();
        Thread.sleep(400); // the first step runs longer than the second's 0.2 s expiry
        worker.settle(List.of(new Settlement(first.getFirst().lease(), run(first.getFirst()))));
        List<Delivery> second = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(List.of(run.members().get(1).id()), second.stream().map(Delivery::id).toList(),
                "released just now, so not expired: " + workflows.find(run.id()).orElseThrow());
        assertNull(read(second.getFirst().envelope()).get("expires"), "its envelope names no instant of dispatch");
        assertTrue(redis(c -> Long.parseLong(c.hget(c.keys("*:t:" + second.getFirst().id()).getFirst(), "expires")))
                > System.currentTimeMillis() - 400, "its expiry counts from its release");
    }

    @Test
    void aMemberKeepsItsTasksTimeLimitSoAShortLivedWorkerLeasesOnlyWhatItCanFinish() {
        WorkflowDispatched run = client.dispatch(chain(task("test.slow"), task("test.echo")));
        BrokerConsumer.Fit minute = new BrokerConsumer.Fit(Duration.ofMinutes(1), Duration.ofSeconds(30));
        assertEquals(BrokerConsumer.IdLeaseCode.NO_FIT, worker.leaseIds(List.of(run.members().getFirst().id()),
                LEASE, minute).getFirst().code(), "its 10 minutes do not fit in the minute the worker has left");
        assertEquals(BrokerConsumer.IdLeaseCode.NO_FIT, worker.leaseIds(List.of(client.dispatch("test.slow").id()),
                LEASE, minute).getFirst().code(), "as for the same task dispatched alone");
    }

    @Test
    void aRedriveRunsTheFailedStepAndTheCancelledOnesAfterItAndReusesTheStepsThatSucceeded() {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1), task("test.add", 10),
                task("test.fail_until"), task("test.add", 5)));
        assertEquals(3, runUntilIdle(worker).size());
        assertEquals("failed", workflows.find(run.id()).orElseThrow().status());
        conditionFixed = true;
        WorkflowState redrive = workflows.redrive(run.id()).orElseThrow();
        assertEquals(run.id(), redrive.redriveOf());
        List<WorkflowState.Member> members = redrive.members();
        assertEquals(run.members().subList(0, 2).stream().map(WorkflowDispatched.Member::id).toList(),
                members.subList(0, 2).stream().map(WorkflowState.Member::id).toList(), "the successful steps, reused");
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(List.of(members.get(2).id(), members.get(3).id()), ran.stream().map(Delivery::id).toList(),
                "only the failed step and the one after it run again");
        assertEquals(List.of(12L), longs(args(ran.getFirst())), "the failed step gets the reused result again");
        assertEquals(run.members().get(2).id(), read(ran.getFirst().envelope()).get("retriedFrom").getStringValue()
                .transform(UUID::fromString), "each new member points back at the one it replaces");
        WorkflowState done = workflows.find(redrive.id()).orElseThrow();
        assertEquals("success", done.status(), done.toString());
        assertEquals("17", done.resultJson());
        assertEquals("failed", workflows.find(run.id()).orElseThrow().status(), "the original run stays as it was");
        NotRedrivableException twice = assertThrows(NotRedrivableException.class, () -> workflows.redrive(run.id()));
        assertTrue(twice.getMessage().contains("redriven already"), twice.getMessage());
        NotRedrivableException succeeded = assertThrows(NotRedrivableException.class,
                () -> workflows.redrive(redrive.id()));
        assertTrue(succeeded.getMessage().contains("is success"), succeeded.getMessage());
        assertEquals(java.util.Optional.empty(), workflows.redrive(UUID.randomUUID()));
    }

    @Test
    void aRedrivenFirstStepWaitsItsCountdownAgainAsAReleasedStepDoes() throws InterruptedException {
        Duration countdown = Duration.ofSeconds(2);
        WorkflowDispatched run = client.dispatch(chain(task("test.fail_until", 7).withCountdown(countdown),
                task("test.add", 5)));
        assertEquals(List.of(), runUntilIdle(worker), "the first step waits its countdown");
        Thread.sleep(countdown.plusMillis(100));
        assertEquals(1, runUntilIdle(worker).size());
        assertEquals("failed", workflows.find(run.id()).orElseThrow().status());
        conditionFixed = true;
        WorkflowState redrive = workflows.redrive(run.id()).orElseThrow();
        assertEquals(List.of(), runUntilIdle(worker), "the re-run first step waits its countdown again");
        Thread.sleep(countdown.plusMillis(100));
        assertEquals(2, runUntilIdle(worker).size());
        assertEquals("12", workflows.find(redrive.id()).orElseThrow().resultJson());
    }

    @Test
    void aRedriveOfARedriveGivesTheRerunStepTheResultOfAStepReusedFromTheOriginal() {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1), task("test.add", 10),
                task("test.fail_until"), task("test.add", 5)));
        assertEquals(3, runUntilIdle(worker).size());
        WorkflowState first = workflows.redrive(run.id()).orElseThrow();
        assertEquals(1, runUntilIdle(worker).size(), "the condition still fails: the redrive fails again");
        assertEquals("failed", workflows.find(first.id()).orElseThrow().status());
        conditionFixed = true;
        WorkflowState second = workflows.redrive(first.id()).orElseThrow();
        assertEquals(run.members().get(1).id(), second.members().get(1).id(), "the original's step, reused twice");
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(2, ran.size(), "the failed step and the one after it, not waiting for a value never given");
        assertEquals(List.of(12L), longs(args(ran.getFirst())), "the original's second result, given again");
        assertEquals(first.members().get(2).id(), read(ran.getFirst().envelope()).get("retriedFrom")
                .getStringValue().transform(UUID::fromString), "it replaces the first redrive's step");
        assertEquals("17", workflows.find(second.id()).orElseThrow().resultJson());
    }

    @Test
    void aRedriveThatCouldNotFeedAStepIsRefusedInsteadOfLeavingItWaitingForEver() {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1), task("test.add", 10),
                task("test.fail_until"), task("test.add", 5)));
        runUntilIdle(worker);
        WorkflowState first = workflows.redrive(run.id()).orElseThrow();
        runUntilIdle(worker);
        UUID rerun = first.members().get(2).id();
        redis(c -> c.hdel(c.keys("*:t:" + rerun).getFirst(), "from")); // as a redrive stored before `from` was
        NotRedrivableException refused = assertThrows(NotRedrivableException.class,
                () -> workflows.redrive(first.id()));
        assertTrue(refused.getMessage().contains("slot 0 of " + rerun), refused.getMessage());
        assertEquals("failed", workflows.find(first.id()).orElseThrow().status(), "nothing was written");
    }

    @Test
    void aRedrivenChordRerunsItsFailedMemberAndItsCallbackWithEveryResultInMemberOrder() {
        WorkflowDispatched run = client.dispatch(chord(group(task("test.add", 1, 1), task("test.fail_until", 4),
                task("test.add", 3, 3)), task("test.sum")));
        assertEquals(3, runUntilIdle(worker).size());
        conditionFixed = true;
        WorkflowState redrive = workflows.redrive(run.id()).orElseThrow();
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(List.of("test.fail_until", "test.sum"), ran.stream()
                .map(d -> read(d.envelope()).get("task").getStringValue()).toList());
        assertEquals(List.of(2L, 4L, 6L), longs(args(ran.getLast()).get(0)), "reused results given in their slots");
        assertEquals("12", workflows.find(redrive.id()).orElseThrow().resultJson());
    }

    @Test
    void aMapIsAMemberPerItemAndChunksAreOneChunkExecutionPerNArgumentLists() {
        WorkflowDispatched run = client.dispatch(group(map("test.sum", List.of(1, 2), List.of(3)),
                chunks("test.add", List.of(List.of(1, 2), List.of(3, 4), List.of(5, 6)), 2)));
        assertEquals(List.of("$.group[0].map[0]", "$.group[0].map[1]", "$.group[1].chunks[0]", "$.group[1].chunks[1]"),
                run.members().stream().map(WorkflowDispatched.Member::path).toList());
        List<Delivery> ran = runUntilIdle(worker);
        assertEquals(List.of("[[1,2]]", "[[3]]", "[\"test.add\",[[1,2],[3,4]]]", "[\"test.add\",[[5,6]]]"),
                ran.stream().map(d -> write(args(d))).toList());
        assertEquals(List.of("test.sum", "test.sum", ChunkTask.NAME, ChunkTask.NAME),
                ran.stream().map(d -> read(d.envelope()).get("task").getStringValue()).toList());
        assertEquals("[3,3,null,null]", workflows.find(run.id()).orElseThrow().resultJson(),
                "nested groups' values are spliced into one list, as a successor would receive them");
    }

    @Test
    void aChunkItemThatDoesNotBindRefusesTheWorkflowNamingTheItem() {
        InvalidWorkflowException binding = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                chunks("test.add", List.of(List.of(1, 2), List.of(1, "x")), 2)));
        assertEquals("$.chunks.items[1]", binding.path());
        InvalidWorkflowException notAList = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                new Canvas.Chunks("test.add", List.of(Workflow.json(1)), 2)));
        assertEquals("$.chunks.items[0]", notAList.path());
        InvalidWorkflowException unknown = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                chunks("test.nope", List.of(List.of(1)), 2)));
        assertEquals("$.chunks.task", unknown.path());
    }

    @Test
    void nestingToDepthThreeRunsAChainOfAGroupOfChainsThenAChord() {
        WorkflowDispatched run = client.dispatch(chain(task("test.add", 1, 1),
                group(chain(task("test.add", 1), task("test.add", 1)), task("test.add", 5)),
                chord(group(task("test.sum"), task("test.sum")), task("test.sum"))));
        runUntilIdle(worker);
        WorkflowState state = workflows.find(run.id()).orElseThrow();
        // 2 -> [2+1+1, 2+5] = [4, 7] -> each sum member gets [4, 7] -> [11, 11] -> 22
        assertEquals("success", state.status(), state.toString());
        assertEquals("22", state.resultJson());
    }

    /**
     * Two maps chained wire every member of the first to every member of the second: 300 and 400 items ask for
     * 120,000 links, and 3,000 each (a 30 KB request) for 9 million, all in one script call. A workflow is bounded in
     * executions and in links, refused whole before anything is enqueued, naming where it overflows.
     */
    @Test
    void aWorkflowBeyondItsExecutionsOrLinksIsRefusedWholeNamingWhereItOverflows() {
        Object[] first = IntStream.range(0, 300).mapToObj(String::valueOf).toArray();
        Object[] second = IntStream.range(0, 400).boxed().toArray();
        InvalidWorkflowException links = assertThrows(InvalidWorkflowException.class,
                () -> client.dispatch(chain(map("test.echo", first), map("test.add", second))));
        assertTrue(links.path().startsWith("$.chain[1].map["), links.path());
        Object[] many = IntStream.range(0, WorkflowPlanner.MAX_MEMBERS + 1).mapToObj(String::valueOf).toArray();
        InvalidWorkflowException members = assertThrows(InvalidWorkflowException.class,
                () -> client.dispatch(map("test.echo", many)));
        assertEquals("$.map[" + WorkflowPlanner.MAX_MEMBERS + "]", members.path());
        String layout = broker.partitions().keys(0).layout();
        assertEquals(0L, redis(c -> c.keys("{" + namespace + "*").stream().filter(k -> !k.equals(layout)).count()));
        Canvas[] tenThousand = Arrays.stream(many, 0, 10_000).map(item -> task("test.echo", item)).toArray(Canvas[]::new);
        assertEquals(10_001, client.dispatch(chord(group(tenThousand), task("test.sum"))).members().size(),
                "a chord of 10,000 and its callback");
    }

    @Test
    void everyMemberIsMintedInTheWorkflowsPartition() {
        WorkflowDispatched run = client.dispatch(chord(group(task("test.add", 1, 1), task("test.add", 2, 2)),
                task("test.sum")));
        int partition = broker.partitions().of(run.id());
        run.members().forEach(m -> assertEquals(partition, broker.partitions().of(m.id())));
    }

    @Test
    void anInvalidStepRefusesTheWholeWorkflowNamingItsPathAndEnqueuesNothing() {
        InvalidWorkflowException unknown = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                chain(task("test.add", 1, 1), task("test.nope"))));
        assertEquals("$.chain[1]", unknown.path());
        InvalidWorkflowException arity = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                chord(group(task("test.add", 1, 1), task("test.add", 1, "x")), task("test.sum"))));
        assertEquals("$.chord.group[1]", arity.path());
        InvalidWorkflowException receiving = assertThrows(InvalidWorkflowException.class, () -> client.dispatch(
                chain(task("test.add", 1, 1), task("test.add", 1, 2))));
        assertEquals("$.chain[1]", receiving.path(), "a step that receives a value takes one argument fewer");
        String layout = broker.partitions().keys(0).layout(); // the namespace's P, kept from its first connection
        assertEquals(0L, redis(c -> c.keys("{" + namespace + "*").stream().filter(k -> !k.equals(layout)).count()));
    }

    /**
     * A step limited per customer that receives its customer from the step before it is limited by that customer,
     * as the same task dispatched alone is: two customers' steps run at once. The key was computed at dispatch from
     * the placeholder the join later replaces, so every customer's step shared one key ("$chard:input$").
     */
    @Test
    void aStepLimitedPerKeyThatReceivesItsKeyFromItsPredecessorIsLimitedByThatKey() {
        context.getBean(LimitDeclarations.class).declare();
        client.dispatch(group(chain(task("test.echo", "a"), task("test.per_customer", 1)),
                chain(task("test.echo", "g"), task("test.per_customer", 2)),
                chain(task("test.echo", "a2"), task("test.per_customer", 3))));
        List<Delivery> heads = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(3, heads.size());
        worker.settle(List.of(new Settlement(heads.get(0).lease(), new Outcome.Success("\"acme\"")),
                new Settlement(heads.get(1).lease(), new Outcome.Success("\"globex\"")),
                new Settlement(heads.get(2).lease(), new Outcome.Success("\"acme\""))));
        List<Delivery> steps = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(List.of("acme", "globex"), steps.stream().map(d -> args(d).get(0).getStringValue()).sorted()
                .toList(), "one step per customer at once (acme's second waits); the headers were "
                + steps.stream().map(d -> write(read(d.envelope()).get("headers"))).toList());
    }

    /**
     * An error callback limited per customer, its customer the argument given after the two the failure hands it:
     * two customers' callbacks run at once. The dispatcher computed the key from the envelope's arguments
     * with one placeholder where the failure puts two, so the customer's position lay past their end: every error
     * callback of every customer got the key "" and a cap of one per customer ran one callback at a time.
     */
    @Test
    void anErrorCallbackLimitedPerKeyOnAnArgumentAfterTheFailureIsLimitedByThatArgument() {
        context.getBean(LimitDeclarations.class).declare();
        client.dispatch(group(task("test.fail", "a").withLinkError(task("test.errback_per_customer", "acme")),
                task("test.fail", "g").withLinkError(task("test.errback_per_customer", "globex"))));
        List<Delivery> heads = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(2, heads.size());
        worker.settle(heads.stream().map(d -> new Settlement(d.lease(), run(d))).toList());
        List<Delivery> errbacks = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(List.of("acme", "globex"), errbacks.stream().map(d -> args(d).get(2).getStringValue()).sorted()
                .toList(), "one error callback per customer at once; the headers were "
                + errbacks.stream().map(d -> write(read(d.envelope()).get("headers"))).toList());
    }

    /**
     * A step limited per key whose key is an object its predecessor hands on. Re-encoded by cjson, whose numbers keep
     * 14 significant digits, the accounts 100000000000001 and 100000000000002 both became {"id":1e+14} and shared
     * one key, so the second account's step waited for the first's.
     */
    @Test
    void aStepLimitedPerKeyOnAnObjectKeepsTwoAccountsWithLongIdsApart() {
        context.getBean(LimitDeclarations.class).declare();
        client.dispatch(group(chain(task("test.echo", "a"), task("test.per_account", 1)),
                chain(task("test.echo", "b"), task("test.per_account", 2))));
        List<Delivery> heads = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(2, heads.size());
        worker.settle(List.of(new Settlement(heads.get(0).lease(), new Outcome.Success("{\"id\":100000000000001}")),
                new Settlement(heads.get(1).lease(), new Outcome.Success("{\"id\":100000000000002}"))));
        List<Delivery> steps = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(2, steps.size(), "two accounts, one step each, both at once; the headers were "
                + steps.stream().map(d -> write(read(d.envelope()).get("headers"))).toList());
    }

    /**
     * A predecessor hands on an object holding a number past a double's range (a BigDecimal written as 1E+400) to a
     * step limited per key on it. Decoded (infinity) and re-encoded by cjson, which refuses infinity, it failed the
     * settle script after it wrote the first step's success (Redis keeps a failed script's writes): the step after it
     * waited forever with nothing left to release it, and the workflow stayed running.
     */
    @Test
    void aValueOutsideADoublesRangeHandedToAStepLimitedPerKeyDoesNotFailTheSettle() {
        context.getBean(LimitDeclarations.class).declare();
        WorkflowDispatched run = client.dispatch(chain(task("test.echo", "a"), task("test.per_account", 1)));
        Delivery head = worker.lease(DEFAULT, 10, LEASE).deliveries().getFirst();
        RuntimeException failure = null;
        try {
            worker.settle(List.of(new Settlement(head.lease(), new Outcome.Success("{\"amount\":1E+400}"))));
        } catch (RuntimeException e) {
            failure = e;
        }
        List<Delivery> steps = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(1, steps.size(), "the step after it, released by its join; the settle failed with " + failure
                + ", the first step is now " + broker.snapshot(head.id()).orElseThrow().status() + " and the workflow "
                + workflows.find(run.id()).orElseThrow().status());
    }

    /**
     * A step limited per tenant (a long) handed a whole number its predecessor wrote with a fraction, an exponent or
     * a sign on zero waits for that tenant's running execution: bound to the same long, it is the same tenant, and
     * its key is the integer's, as FlowLimits writes a dispatch's. A Java step returning a double writes 1.0, 1.0E7
     * or -0.0 (Double.toString); each was a key of its own, and the step ran beside the tenant's other execution.
     */
    @Test
    void aStepLimitedPerKeyHandedAWholeNumberWithAFractionSharesTheKeyOfThatInteger() {
        assertHandedValueWaitsForTenant("1.0", 1);
    }

    @Test
    void aStepLimitedPerKeyHandedAWholeNumberInExponentFormSharesTheKeyOfThatInteger() {
        assertHandedValueWaitsForTenant("1.0E7", 10_000_000);
    }

    @Test
    void aStepLimitedPerKeyHandedNegativeZeroSharesTheKeyOfZero() {
        assertHandedValueWaitsForTenant("-0.0", 0);
    }

    private void assertHandedValueWaitsForTenant(String handed, long tenant) {
        onePartition();
        context.getBean(LimitDeclarations.class).declare();
        WorkflowDispatched run = client.dispatch(chain(task("test.echo", "a"), task("test.per_tenant", 2)));
        Delivery head = worker.lease(DEFAULT, 10, LEASE).deliveries().getFirst();
        UUID running = client.dispatch("test.per_tenant", tenant, 9).id();
        assertEquals(List.of(running), worker.lease(DEFAULT, 10, LEASE).deliveries().stream().map(Delivery::id)
                .toList());
        worker.settle(List.of(new Settlement(head.lease(), new Outcome.Success(handed))));
        assertEquals(List.of(), worker.lease(DEFAULT, 10, LEASE).deliveries().stream().map(Delivery::id).toList(),
                "step " + run.members().getLast().id() + " handed " + handed + " runs for tenant " + tenant
                        + " while " + running + " runs");
    }

    private List<Delivery> runUntilIdle(BrokerConsumer consumer) {
        List<Delivery> ran = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            List<Delivery> leased = consumer.lease(DEFAULT, 100, LEASE).deliveries();
            if (leased.isEmpty()) {
                return ran;
            }
            ran.addAll(leased);
            consumer.settle(leased.stream().map(d -> new Settlement(d.lease(), run(d))).toList());
        }
        throw new AssertionError("still running after 50 rounds");
    }

    /** The test tasks' behaviour, computed from the delivered envelope (what a worker would bind). */
    private Outcome run(Delivery delivery) {
        JsonNode envelope = read(delivery.envelope());
        JsonNode args = envelope.get("args");
        return switch (envelope.get("task").getStringValue()) {
            case "test.add" -> new Outcome.Success(Long.toString(longs(args).stream().mapToLong(l -> l).sum()));
            case "test.sum" -> new Outcome.Success(Long.toString(longs(args.get(0)).stream().mapToLong(l -> l).sum()));
            case "test.fail" -> new Outcome.Failure("IllegalStateException",
                    args.size() > 0 ? args.get(0).coerceStringValue() : "failed", "");
            case "test.fail_until" -> conditionFixed ? new Outcome.Success(args.get(0).coerceStringValue())
                    : new Outcome.Failure("IllegalStateException", "the condition does not hold yet", "");
            default -> new Outcome.Success("null");
        };
    }

    /** The canvas paths of the deliveries, in the order they ran. */
    private static List<String> paths(WorkflowDispatched run, List<Delivery> ran) {
        return ran.stream().map(d -> run.members().stream().filter(m -> m.id().equals(d.id())).findFirst()
                .orElseThrow().path()).toList();
    }

    private static WorkflowState.Member member(WorkflowState state, String path) {
        return state.members().stream().filter(m -> m.path().equals(path)).findFirst().orElseThrow();
    }

    private JsonNode args(Delivery delivery) {
        return read(delivery.envelope()).get("args");
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.values().forEach(v -> values.add(v.getLongValue()));
        return values;
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode read(String text) {
        try {
            return json.readValue(text, JsonNode.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long redis(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, Long> f) {
        RedisClient redis = RedisClient.create(TestRedis.uri());
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            return f.apply(connection.sync());
        } finally {
            redis.shutdown();
        }
    }
}
