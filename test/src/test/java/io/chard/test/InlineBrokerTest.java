package io.chard.test;

import io.chard.broker.ExecutionStatus;
import io.chard.broker.Revocation;
import io.chard.client.Dispatched;
import io.chard.client.DispatchRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InlineBrokerTest {
    private static final Map<String, Object> NO_REDIS = Map.of("redis.uri", "redis://127.0.0.1:1");

    @Test
    void aTaskRunsInTheDispatchingCallAndAnswersItsResult() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched sum = chard.client().dispatch("inline.add", 2, 3);

            assertEquals(5, chard.result(sum.id(), Integer.class));
            assertEquals(1, chard.execution(sum.id()).deliveries());
        }
    }

    @Test
    void retriesRunAtOnceUntilTheTaskSucceeds() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched flaky = chard.client().dispatch("inline.flaky", 2);

            assertEquals(3, chard.result(flaky.id(), Integer.class));
            assertEquals(2, chard.execution(flaky.id()).retries());
        }
    }

    @Test
    void theLastFailureReachesTheDispatcherWhenEagerPropagates() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> chard.client().dispatch("inline.flaky", 5));

            assertEquals("attempt 3", error.getMessage());
            assertEquals(3, chard.bean(InlineTasks.class).flakyRuns.get());
        }
    }

    @Test
    void withoutPropagationAFailureIsOnlyRecorded() {
        try (ChardTest chard = ChardTest.start(Map.of("redis.uri", "redis://127.0.0.1:1",
                "chard.task-eager-propagates", false))) {
            Dispatched flaky = chard.client().dispatch("inline.flaky", 5);

            assertEquals(ExecutionStatus.FAILED, chard.status(flaky.id()));
            assertEquals(IllegalStateException.class.getName(), chard.execution(flaky.id()).exceptionType());
            assertThrows(AssertionError.class, () -> chard.result(flaky.id(), Integer.class));
        }
    }

    @Test
    void aChildDispatchedFromATaskRunsNestedAndIsAsserted() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched parent = chard.client().dispatch("inline.parent", 4);

            UUID child = UUID.fromString(chard.result(parent.id(), String.class));
            chard.assertDispatched("inline.add", 4, 4);
            assertEquals(8, chard.result(child, Integer.class));
            AssertionError missing = assertThrows(AssertionError.class, () -> chard.assertDispatched("inline.add", 1, 1));
            assertEquals(true, missing.getMessage().contains("inline.add [4,4]"), missing.getMessage());
        }
    }

    @Test
    void runNowRunsAWaitingCountdownAtOnceAndOnlyOnce() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched later = chard.client().dispatch(DispatchRequest.of("inline.add",
                    chard.client().toJson(java.util.List.of(2, 3))).withCountdown(Duration.ofHours(1)));

            assertEquals(io.chard.broker.Promotion.Outcome.PROMOTED,
                    chard.client().promote(later.id(), null).outcome());
            assertEquals(5, chard.result(later.id(), Integer.class));
            assertEquals(io.chard.broker.Promotion.Outcome.NOT_DELAYED,
                    chard.client().promote(later.id(), null).outcome());
            assertEquals(0, chard.advance(Duration.ofHours(1)), "it does not run again when its time comes");
        }
    }

    @Test
    void aCountdownWaitsForTheClockAndARevokeBeforeThenStopsIt() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched later = chard.client().dispatch(DispatchRequest.of("inline.add",
                    chard.client().toJson(java.util.List.of(1, 1))).withCountdown(Duration.ofSeconds(30)));
            Dispatched revoked = chard.client().dispatch(DispatchRequest.of("inline.add",
                    chard.client().toJson(java.util.List.of(1, 2))).withCountdown(Duration.ofSeconds(30)));

            assertEquals(Revocation.REVOKED, chard.client().revoke(revoked.id()));
            assertEquals(0, chard.advance(Duration.ofSeconds(29)));
            assertEquals(1, chard.advance(Duration.ofSeconds(1)));
            assertEquals(2, chard.result(later.id(), Integer.class));
            assertEquals(ExecutionStatus.REVOKED, chard.status(revoked.id()));
        }
    }

    @Test
    void anIdempotencyKeyAnswersTheFirstExecution() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            DispatchRequest request = DispatchRequest.of("inline.add", chard.client().toJson(java.util.List.of(1, 1)))
                    .withIdempotencyKey("once");
            Dispatched first = chard.client().dispatch(request);
            Dispatched second = chard.client().dispatch(request);

            assertEquals(first.id(), second.id());
            assertEquals(true, second.duplicate());
            chard.assertDispatchedTimes("inline.add", 1);
            chard.assertNotDispatched("inline.parent");
        }
    }

    @Test
    void aUniqueTaskDispatchedAgainWhileItsFirstWaitsAnswersTheFirstAsADuplicateUntilItStarts() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            DispatchRequest later = DispatchRequest.of("inline.unique_pending",
                    chard.client().toJson(java.util.List.of(7))).withCountdown(Duration.ofSeconds(30));
            Dispatched first = chard.client().dispatch(later);
            Dispatched again = chard.client().dispatch(later);
            assertEquals(first.id(), again.id());
            assertEquals(true, again.duplicate());
            assertEquals(false, chard.client().dispatch("inline.unique_pending", 8).duplicate(), "another key");

            assertEquals(1, chard.advance(Duration.ofSeconds(30)));
            assertEquals(7, chard.result(first.id(), Integer.class));
            Dispatched afterStart = chard.client().dispatch("inline.unique_pending", 7);
            assertEquals(false, afterStart.duplicate(), "the lock went when the first started");
            chard.assertDispatchedTimes("inline.unique_pending", 3);
        }
    }

    @Test
    void aUniqueExecutionWaitingPastItsExpiryNoLongerAnswersADispatchOfItsKey() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched first = chard.client().dispatch(DispatchRequest.of("inline.unique_pending",
                    chard.client().toJson(java.util.List.of(9))).withCountdown(Duration.ofSeconds(60))
                    .withExpires(chard.clock().instant().plusSeconds(10)));
            chard.advance(Duration.ofSeconds(20));
            Dispatched again = chard.client().dispatch("inline.unique_pending", 9);
            assertEquals(false, again.duplicate(), "the first will never start");
            assertEquals(9, chard.result(again.id(), Integer.class));
        }
    }

    @Test
    void aUniqueForAPeriodLockOutlivesItsExecutionUntilThePeriodPassesOnTheClock() {
        try (ChardTest chard = ChardTest.start(NO_REDIS)) {
            Dispatched first = chard.client().dispatch("inline.unique_period", 1);
            assertEquals(1, chard.result(first.id(), Integer.class));
            Dispatched within = chard.client().dispatch("inline.unique_period", 1);
            assertEquals(first.id(), within.id());
            assertEquals(true, within.duplicate());

            chard.advance(Duration.ofSeconds(60));
            Dispatched after = chard.client().dispatch("inline.unique_period", 1);
            assertEquals(false, after.duplicate());
            assertEquals(1, chard.result(after.id(), Integer.class));
        }
    }
}
