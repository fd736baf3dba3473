package io.chard.test;

import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.client.Dispatched;
import io.chard.client.DispatchRequest;
import io.chard.config.ChardSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Where test mode must answer as a worker on Redis does (each test names the production behaviour it mirrors): a
 * user's test that passes here must not fail, or pass wrongly, against the real broker.
 */
class InlineBrokerParityTest {
    private static final Map<String, Object> NO_REDIS = Map.of("redis.uri", "redis://127.0.0.1:1");

    /** As RedisBroker.scopedKey and core's TaskClientTest.anIdempotencyKeyIsScopedByTaskName. */
    @Test
    void anIdempotencyKeyIsScopedByTaskName() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched add = chard.client().dispatch(DispatchRequest.of("inline.add",
                    chard.client().toJson(List.of(1, 2))).withIdempotencyKey("order-7"));
            Dispatched echo = chard.client().dispatch(DispatchRequest.of("inline.echo",
                    chard.client().toJson(List.of("x"))).withIdempotencyKey("order-7"));

            assertEquals(false, echo.duplicate(), "another task's key");
            assertNotEquals(add.id(), echo.id());
            chard.assertDispatchedTimes("inline.echo", 1);
            assertEquals("x", chard.result(echo.id(), String.class));
        }
    }

    /**
     * An idempotency key maps to its first execution for chard.idempotency-window (enqueue.lua: SET .. EX window);
     * past it the same key dispatches anew. Test mode's clock moves countdowns, etas and unique locks' periods, but
     * the key held for ever.
     */
    @Test
    void anIdempotencyKeyLapsesWhenItsWindowPassesOnTheTestClock() {
        try (ChardTest chard = ChardTest.start(Map.of("redis.uri", "redis://127.0.0.1:1",
                "chard.idempotency-window", "10m"))) {
            DispatchRequest request = DispatchRequest.of("inline.add", chard.client().toJson(List.of(1, 1)))
                    .withIdempotencyKey("nightly-2026-01-01");
            Dispatched first = chard.client().dispatch(request);
            chard.advance(Duration.ofMinutes(11));
            Dispatched later = chard.client().dispatch(request);

            assertEquals(false, later.duplicate(), "the window passed");
            assertNotEquals(first.id(), later.id());
        }
    }

    /**
     * A worker fails a result over chard.max-payload-bytes as ResultTooLarge (TaskInvoker.success); the README says
     * "a test catches what would not bind or serialise on a worker".
     */
    @Test
    void aResultOverThePayloadLimitFailsAsOnAWorker() {
        try (ChardTest chard = ChardTest.start(Map.of("redis.uri", "redis://127.0.0.1:1",
                ChardSettings.MAX_PAYLOAD_BYTES, 4096, ChardSettings.TASK_EAGER_PROPAGATES, false))) {
            Dispatched big = chard.client().dispatch("inline.big", 10_000);

            ExecutionSnapshot execution = chard.execution(big.id());
            assertEquals(ExecutionStatus.FAILED, execution.status());
            assertEquals("ResultTooLarge", execution.exceptionType());
        }
    }

    /**
     * A worker fails a result it cannot write as JSON once, as ResultNotSerializable, never retried
     * (TaskInvoker.success runs outside the retry rule): the task's side effects happen once. Inline, the serialiser's
     * exception went through the task's autoretryFor (an IOException, as a task calling a service declares) and
     * the task ran 1 + maxRetries times.
     */
    @Test
    void aResultThatCannotBeWrittenFailsOnceAndIsNotRetried() {
        try (ChardTest chard = ChardTest.start(Map.of("redis.uri", "redis://127.0.0.1:1",
                ChardSettings.TASK_EAGER_PROPAGATES, false))) {
            Dispatched opaque = chard.client().dispatch("inline.opaque");

            ExecutionSnapshot execution = chard.execution(opaque.id());
            assertEquals(ExecutionStatus.FAILED, execution.status());
            assertEquals(1, chard.bean(InlineTasks.class).opaqueRuns.get(), "runs of the task body");
            assertEquals(0, execution.retries());
            assertEquals("ResultNotSerializable", execution.exceptionType());
        }
    }

    /** As worker-function's WorkerTest.aRetryRequestedThroughTheContextRunsAgainAndStopsAtMaxRetries. */
    @Test
    void aRetryRequestedPastMaxRetriesFailsAsMaxRetriesExceeded() {
        try (ChardTest chard = ChardTest.start(Map.of("redis.uri", "redis://127.0.0.1:1",
                ChardSettings.TASK_EAGER_PROPAGATES, false))) {
            Dispatched exhausted = chard.client().dispatch("inline.always_retry");

            assertEquals(ExecutionStatus.FAILED, chard.status(exhausted.id()));
            assertEquals(2, chard.execution(exhausted.id()).retries());
            assertEquals("MaxRetriesExceeded", chard.execution(exhausted.id()).exceptionType());
        }
    }

    /**
     * "chard.advance moves the clock and runs what fell due": a polling task due in 5 s that dispatches itself again
     * 5 s later falls due at 5, 10, 15 and 20 s; on Redis all four have run 30 s on. Inline the first ran with the
     * clock already at 30 s, so its successor was due at 35 s and the advance ran one of the four.
     */
    @Test
    void anAdvanceRunsWhatATaskItRanDispatchedDueWithinIt() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            chard.client().dispatch(DispatchRequest.of("inline.poll", chard.client().toJson(List.of(3, 5)))
                    .withCountdown(Duration.ofSeconds(5)));
            chard.advance(Duration.ofSeconds(30));

            assertEquals(List.of("poll 3", "poll 2", "poll 1", "poll 0"), chard.bean(InlineTasks.class).ran);
        }
    }

    /** On Redis the one due at 5 s runs before the one due at 10 s, whatever order they were dispatched in. */
    @Test
    void anAdvanceRunsWhatFellDueInTheOrderItFellDue() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            chard.client().dispatch(DispatchRequest.of("inline.note", chard.client().toJson(List.of("reminder")))
                    .withCountdown(Duration.ofSeconds(10)));
            chard.client().dispatch(DispatchRequest.of("inline.note", chard.client().toJson(List.of("welcome")))
                    .withCountdown(Duration.ofSeconds(5)));
            assertEquals(2, chard.advance(Duration.ofSeconds(10)));

            assertEquals(List.of("welcome", "reminder"), chard.bean(InlineTasks.class).ran);
        }
    }
}
