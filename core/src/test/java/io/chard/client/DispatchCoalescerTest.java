package io.chard.client;

import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Envelope;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

    @Test
    void dispatchesArrivingWhileAScriptCallIsInFlightGoTogetherInTheNextCall() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DispatchCoalescer coalescer = new DispatchCoalescer(batch -> {
            inFlight.countDown();
            await(release);
            return stored(batch);
        }, encoded -> 0)) {
            CompletableFuture<Dispatched> first = coalescer.submit(envelope());
            assertTrue(inFlight.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<Dispatched>> rest = new ArrayList<>();
            for (int i = 0; i < 99; i++) {
                rest.add(coalescer.submit(envelope()));
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
    void aFailedCallFailsOnlyTheDispatchesOfItsPartition() {
        UUID refused = UUID.randomUUID();
        try (DispatchCoalescer coalescer = new DispatchCoalescer(batch -> {
            if (batch.getFirst().envelope().id().equals(refused)) {
                throw new BrokerUnavailableException("partition 1 is down", null);
            }
            return stored(batch);
        }, encoded -> encoded.envelope().id().equals(refused) ? 1 : 0)) {
            CompletableFuture<Dispatched> failing = coalescer.submit(envelope(refused));
            CompletableFuture<Dispatched> other = coalescer.submit(envelope());
            assertInstanceOf(BrokerUnavailableException.class,
                    assertThrows(CompletionException.class, failing::join).getCause());
            assertEquals(other.join().id(), calls.getLast().getFirst());
        }
    }

    @Test
    void aClosedCoalescerStoresWhatWasHandedOverAndRefusesTheRest() {
        DispatchCoalescer coalescer = new DispatchCoalescer(this::stored, encoded -> 0);
        CompletableFuture<Dispatched> before = coalescer.submit(envelope());
        coalescer.close();
        assertEquals(before.join().id(), calls.getFirst().getFirst());
        assertInstanceOf(BrokerUnavailableException.class, assertThrows(CompletionException.class,
                coalescer.submit(envelope())::join).getCause());
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

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
