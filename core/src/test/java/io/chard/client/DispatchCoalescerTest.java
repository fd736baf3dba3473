package io.chard.client;

import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Envelope;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group commit's batching, against a stand-in for the enqueue script that records its calls (the real script
 * and Redis are exercised through TaskClient in TaskClientTest).
 */
class DispatchCoalescerTest {
    private final List<List<UUID>> calls = Collections.synchronizedList(new ArrayList<>());
    /** For the script stand-in that holds its call until released: counted down when a call is in flight. */
    private final CountDownLatch inFlight = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void dispatchesArrivingWhileAScriptCallIsInFlightGoTogetherInTheNextCall() throws Exception {
        try (DispatchCoalescer coalescer = new DispatchCoalescer(this::storedOnRelease, encoded -> 0)) {
            CompletableFuture<Dispatched> first = coalescer.submit(envelope(), true);
            assertTrue(inFlight.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<Dispatched>> rest = new ArrayList<>();
            for (int i = 0; i < 99; i++) {
                rest.add(coalescer.submit(envelope(), true));
            }
            assertTrue(rest.stream().noneMatch(CompletableFuture::isDone), "answered before it was stored");
            release.countDown();
            first.join();
            rest.forEach(CompletableFuture::join);
            assertEquals(List.of(1, 99), calls.stream().map(List::size).toList());
            assertEquals(rest.getLast().join().id(), calls.get(1).getLast());
        }
    }

    @Test
    void aCallerThatMustNotBlockIsRefusedAtOnceWhileThousandsWaitAndTheWaitingAreStillStored() throws Exception {
        try (DispatchCoalescer coalescer = new DispatchCoalescer(this::storedOnRelease, encoded -> 0)) {
            List<CompletableFuture<Dispatched>> waiting = new ArrayList<>();
            waiting.add(coalescer.submit(envelope(), true));
            assertTrue(inFlight.await(10, TimeUnit.SECONDS));
            // Redis is stuck on the call in flight: the queue behind it fills up.
            for (int i = 0; i < 8 * DispatchCoalescer.MAX_BATCH; i++) {
                waiting.add(coalescer.submit(envelope(), false));
            }
            CompletableFuture<Dispatched> refused = coalescer.submit(envelope(), false);
            assertTrue(refused.isCompletedExceptionally(), "refused at once, not blocked");
            assertInstanceOf(BrokerUnavailableException.class,
                    assertThrows(CompletionException.class, refused::join).getCause());
            release.countDown();
            waiting.forEach(CompletableFuture::join);
            assertEquals(8 * DispatchCoalescer.MAX_BATCH + 1, calls.stream().mapToInt(List::size).sum());
        }
    }

    @Test
    void aLoneCallerThatWaitsRunsTheScriptOnItsOwnThread() {
        List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
        try (DispatchCoalescer coalescer = new DispatchCoalescer(batch -> {
            ranOn.add(Thread.currentThread());
            return stored(batch);
        }, encoded -> 0)) {
            Dispatched first = coalescer.store(envelope());
            Dispatched second = coalescer.store(envelope());
            assertEquals(List.of(Thread.currentThread(), Thread.currentThread()), ranOn);
            assertEquals(List.of(List.of(first.id()), List.of(second.id())), calls);
        }
    }

    @Test
    void callersArrivingWhileALeadersCallIsInFlightWaitAndGoTogetherInTheNextCall() throws Exception {
        List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
        try (DispatchCoalescer coalescer = new DispatchCoalescer(batch -> {
            ranOn.add(Thread.currentThread());
            return storedOnRelease(batch);
        }, encoded -> 0)) {
            Thread leader = Thread.ofPlatform().start(() -> coalescer.store(envelope()));
            assertTrue(inFlight.await(10, TimeUnit.SECONDS));
            List<Dispatched> answered = Collections.synchronizedList(new ArrayList<>());
            List<Thread> followers = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                followers.add(Thread.ofPlatform().start(() -> answered.add(coalescer.store(envelope()))));
            }
            for (Thread follower : followers) {
                awaitWaitingForItsAnswer(follower);
            }
            assertTrue(answered.isEmpty(), "answered before it was stored");
            release.countDown();
            leader.join();
            for (Thread follower : followers) {
                follower.join();
            }
            assertEquals(List.of(1, 7), calls.stream().map(List::size).toList());
            assertEquals(leader, ranOn.getFirst());
            assertEquals("chard-dispatch", ranOn.get(1).getName());
            assertEquals(answered.stream().map(Dispatched::id).sorted().toList(),
                    calls.get(1).stream().sorted().toList());
        }
    }

    @Test
    void aLeadersFailedCallFailsItsOwnDispatchAndTheNextCallerLeadsAgain() {
        UUID refused = UUID.randomUUID();
        try (DispatchCoalescer coalescer = new DispatchCoalescer(batch -> {
            if (batch.getFirst().envelope().id().equals(refused)) {
                throw new BrokerUnavailableException("Redis is down", null);
            }
            return stored(batch);
        }, encoded -> 0)) {
            assertThrows(BrokerUnavailableException.class, () -> coalescer.store(envelope(refused)));
            assertEquals(List.of(coalescer.store(envelope()).id()), calls.getFirst());
        }
    }

    @Test
    void aFailedCallFailsOnlyTheDispatchesOfItsPartition() {
        UUID refused = UUID.randomUUID();
        try (DispatchCoalescer coalescer = new DispatchCoalescer(batch -> {
            if (batch.getFirst().envelope().id().equals(refused)) {
                throw new BrokerUnavailableException("partition 1 is down", null);
            }
            return stored(batch);
        }, encoded -> encoded.envelope().id().equals(refused) ? 1 : 0)) {
            CompletableFuture<Dispatched> failing = coalescer.submit(envelope(refused), true);
            CompletableFuture<Dispatched> other = coalescer.submit(envelope(), true);
            assertInstanceOf(BrokerUnavailableException.class,
                    assertThrows(CompletionException.class, failing::join).getCause());
            assertEquals(other.join().id(), calls.getLast().getFirst());
        }
    }

    @Test
    void aClosedCoalescerStoresWhatWasHandedOverAndRefusesTheRest() {
        DispatchCoalescer coalescer = new DispatchCoalescer(this::stored, encoded -> 0);
        CompletableFuture<Dispatched> before = coalescer.submit(envelope(), true);
        coalescer.close();
        assertEquals(before.join().id(), calls.getFirst().getFirst());
        assertInstanceOf(BrokerUnavailableException.class, assertThrows(CompletionException.class,
                coalescer.submit(envelope(), true)::join).getCause());
    }

    /** A script call that stays in flight until {@link #release}, as Redis stuck on a call would. */
    /**
     * The natural chain of two dispatches, {@code dispatchAsync(a).thenApply(d -> dispatch(b))}: the first's future
     * completed on the flusher thread, so the second queued behind the flusher's own call and waited for it for ever,
     * and every dispatch of the process behind it. From a review.
     */
    @Test
    void aDispatchMadeInTheCallbackOfAnAsyncDispatchIsStoredAndDoesNotStallTheClient() throws Exception {
        DispatchCoalescer coalescer = new DispatchCoalescer(this::storedOnRelease, encoded -> 0);
        CompletableFuture<Dispatched> chained = coalescer.submit(envelope(), true)
                .thenApply(first -> coalescer.store(envelope()));
        assertTrue(inFlight.await(10, TimeUnit.SECONDS));
        release.countDown();
        try {
            chained.get(10, TimeUnit.SECONDS);
            coalescer.submit(envelope(), true).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException stalled) {
            // Not closed: close() would wait for the stalled call for ever.
            throw new AssertionError("the dispatch made in the first one's callback never returned", stalled);
        }
        coalescer.close();
        assertEquals(3, calls.stream().mapToInt(List::size).sum());
    }

    private List<Dispatched> storedOnRelease(List<Envelope.Encoded> batch) {
        inFlight.countDown();
        await(release);
        return stored(batch);
    }

    private List<Dispatched> stored(List<Envelope.Encoded> batch) {
        calls.add(batch.stream().map(encoded -> encoded.envelope().id()).toList());
        return batch.stream().map(encoded -> new Dispatched(encoded.envelope().id(), encoded.envelope(), false))
                .toList();
    }

    private static Envelope.Encoded envelope() {
        return envelope(UUID.randomUUID());
    }

    private static Envelope.Encoded envelope(UUID id) {
        return new Envelope.Encoded(new Envelope(id, "test.add", null, null, "default", 5, null, null, null,
                Instant.EPOCH, null), "{}");
    }

    /** Until the thread queued its dispatch and waits for its answer (its stack is in the future's wait). */
    private static void awaitWaitingForItsAnswer(Thread follower) throws InterruptedException {
        while (Arrays.stream(follower.getStackTrace()).noneMatch(frame ->
                frame.getClassName().equals(CompletableFuture.class.getName()) && frame.getMethodName().equals("join"))) {
            assertTrue(follower.isAlive(), "returned before the call in flight ended");
            Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
