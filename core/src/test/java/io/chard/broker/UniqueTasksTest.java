package io.chard.broker;

import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.testing.Await;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unique tasks against a real Redis: a duplicate dispatch answers the execution holding the lock, and the lock is
 * released at the transition its lifetime names, so the next dispatch makes a new execution.
 */
class UniqueTasksTest extends BrokerFixture {

    @Test
    void whilePendingADuplicateAnswersTheWaitingExecutionAndOnceItStartsADispatchMakesANewOne() {
        Dispatched first = client.dispatch("test.unique_pending", 1);
        assertDuplicateOf(first, client.dispatch("test.unique_pending", 1));

        Delivery started = lease(first.id());
        Dispatched afterStart = client.dispatch("test.unique_pending", 1);
        assertNewExecution(first, afterStart);
        assertDuplicateOf(afterStart, client.dispatch("test.unique_pending", 1));
        assertTrue(worker.settle(List.of(new Settlement(started.lease(), new Outcome.Success("1")))).getFirst());
        assertDuplicateOf(afterStart, client.dispatch("test.unique_pending", 1), "the first one's end leaves the"
                + " lock of the second alone");
        assertFalse(client.dispatch("test.unique_pending", 2).duplicate(), "other arguments are another key");
    }

    @Test
    void whilePendingAnExecutionRevokedBeforeItStartedReleasesItsLock() {
        Dispatched first = client.dispatch("test.unique_pending", 1);
        assertEquals(Revocation.REVOKED, client.revoke(first.id()));
        assertNewExecution(first, client.dispatch("test.unique_pending", 1));
    }

    @Test
    void whilePendingLeasingByIdReleasesTheLockAsItStarts() {
        Dispatched first = client.dispatch("test.unique_pending", 1);
        List<BrokerConsumer.IdLease> leased = worker.leaseIds(List.of(first.id()), LEASE, BrokerConsumer.Fit.ANY);
        assertEquals(BrokerConsumer.IdLeaseCode.LEASED, leased.getFirst().code());
        assertNewExecution(first, client.dispatch("test.unique_pending", 1));
    }

    @Test
    void whileRunningAnExecutionThatExpiredUnstartedReleasesItsLockWhenALeaseCallEndsIt() {
        Dispatched first = client.dispatch(DispatchRequest.of("test.unique_short_lived", null));
        assertDuplicateOf(first, client.dispatch(DispatchRequest.of("test.unique_short_lived", null)));
        Await.until("the expiry passed", Duration.ofSeconds(2),
                () -> Instant.now().isAfter(broker.snapshot(first.id()).orElseThrow().queuedAt().plusMillis(300)));
        assertTrue(worker.lease(DEFAULT, 10, LEASE).deliveries().isEmpty());
        assertEquals("expired", broker.snapshot(first.id()).orElseThrow().reason());
        assertNewExecution(first, client.dispatch(DispatchRequest.of("test.unique_short_lived", null)));
    }

    @Test
    void whileRunningADuplicateAnswersTheExecutionUntilItEndsThroughRetriesAndThenADispatchMakesANewOne() {
        Dispatched first = client.dispatch("test.unique_running", 1);
        Delivery running = lease(first.id());
        assertDuplicateOf(first, client.dispatch("test.unique_running", 1));
        assertTrue(worker.settle(List.of(new Settlement(running.lease(),
                new Outcome.Retry(Duration.ZERO, "java.io.IOException", "boom", "trace")))).getFirst());
        assertDuplicateOf(first, client.dispatch("test.unique_running", 1), "a retry still holds the lock");

        Delivery retried = Await.value("the retry is leased", Duration.ofSeconds(5), () -> {
            List<Delivery> leased = worker.lease(DEFAULT, 1, LEASE).deliveries();
            return leased.isEmpty() ? null : leased.getFirst();
        });
        assertEquals(first.id(), retried.id());
        assertTrue(worker.settle(List.of(new Settlement(retried.lease(),
                new Outcome.Failure("java.io.IOException", "boom", "trace")))).getFirst());
        Dispatched afterEnd = client.dispatch("test.unique_running", 1);
        assertNewExecution(first, afterEnd);

        assertDuplicateOf(afterEnd, client.dispatch("test.unique_running", 1));
        assertEquals(1, context.getBean(QueueControl.class).purge("default"), "a purge ends the waiting execution");
        assertNewExecution(afterEnd, client.dispatch("test.unique_running", 1));
    }

    @Test
    void forAPeriodADuplicateAnswersTheExecutionEvenAfterItEndedUntilThePeriodLapses() {
        Dispatched first = client.dispatch("test.unique_period", 1);
        Delivery running = lease(first.id());
        assertTrue(worker.settle(List.of(new Settlement(running.lease(), new Outcome.Success("1")))).getFirst());
        assertDuplicateOf(first, client.dispatch("test.unique_period", 1));

        Dispatched afterPeriod = Await.value("the period lapses", Duration.ofSeconds(5), () -> {
            Dispatched again = client.dispatch("test.unique_period", 1);
            return again.duplicate() ? null : again;
        });
        assertNewExecution(first, afterPeriod);
    }

    @Test
    void aNamedKeyMakesDispatchesWithThatArgumentDuplicatesWhateverTheOtherArgumentsAndHowTheyArePassed() {
        Dispatched first = client.dispatch("test.unique_order", "order-7", "first note");
        assertDuplicateOf(first, client.dispatch("test.unique_order", "order-7", "another note"));
        assertDuplicateOf(first, client.dispatch(DispatchRequest.of("test.unique_order", null)
                .withKwargs(client.toJson(Map.of("note", "named", "orderId", "order-7")))));
        assertFalse(client.dispatch("test.unique_order", "order-8", "first note").duplicate());
    }

    /**
     * test.unique_running takes a long: 1 from Java, 1 or 1.0 or 1e0 from HTTP JSON bind to the same 1L, so they
     * are one call; the lock hashed the number's text (1 and 1.0 two locks) and ran the same call twice at once.
     */
    @Test
    void aWholeNumberIsOneLockWhetherWrittenAsOneOrOnePointZeroOrOneEZero() throws IOException {
        JsonMapper json = context.getBean(JsonMapper.class);
        Dispatched first = client.dispatch("test.unique_running", 1);
        for (String args : List.of("[1]", "[1.0]", "[1e0]", "[10e-1]")) {
            assertDuplicateOf(first, client.dispatch(DispatchRequest.of("test.unique_running",
                    json.readValue(args, JsonNode.class))), "args " + args + " bind to 1");
        }
        assertFalse(client.dispatch("test.unique_running", 2).duplicate(), "another number is another lock");
    }

    @Test
    void aReleaseLeavesALockThatSinceNamesAnotherExecution() {
        Dispatched first = client.dispatch("test.unique_capped", 1);
        Delivery running = lease(first.id());
        Dispatched afterCap = Await.value("the lock's cap lapses", Duration.ofSeconds(5), () -> {
            Dispatched again = client.dispatch("test.unique_capped", 1);
            return again.duplicate() ? null : again;
        });
        assertTrue(worker.settle(List.of(new Settlement(running.lease(), new Outcome.Success("1")))).getFirst());
        assertDuplicateOf(afterCap, client.dispatch("test.unique_capped", 1));
    }

    @Test
    void anIdempotencyKeyOnADuplicateNamesTheLockHolderAndDuplicatesInOneBatchMeet() {
        Dispatched first = client.dispatch("test.unique_running", 1);
        DispatchRequest keyed = DispatchRequest.of("test.unique_running", client.toJson(List.of(1)))
                .withIdempotencyKey("click-1");
        assertDuplicateOf(first, client.dispatch(keyed));
        lease(first.id());
        assertDuplicateOf(first, client.dispatch(keyed), "the idempotency key answers as the lock did");

        List<Dispatched> batch = client.dispatchAll(List.of(
                DispatchRequest.of("test.unique_pending", client.toJson(List.of(5))),
                DispatchRequest.of("test.unique_pending", client.toJson(List.of(5)))));
        assertDuplicateOf(batch.get(0), batch.get(1));
    }

    private Delivery lease(UUID id) {
        List<Delivery> leased = worker.lease(DEFAULT, 10, LEASE).deliveries();
        assertEquals(List.of(id), leased.stream().map(Delivery::id).toList());
        return leased.getFirst();
    }

    private static void assertDuplicateOf(Dispatched holder, Dispatched duplicate) {
        assertDuplicateOf(holder, duplicate, "a duplicate answers the execution holding the lock");
    }

    private static void assertDuplicateOf(Dispatched holder, Dispatched duplicate, String why) {
        assertFalse(holder.duplicate(), why);
        assertEquals(holder.id(), duplicate.id(), why);
        assertTrue(duplicate.duplicate(), why);
    }

    private static void assertNewExecution(Dispatched before, Dispatched after) {
        assertNotEquals(before.id(), after.id(), "the lock was released: a new execution");
        assertFalse(after.duplicate());
    }
}
