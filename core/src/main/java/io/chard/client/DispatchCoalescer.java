package io.chard.client;

import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Envelope;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit for single dispatches, leader/follower: one enqueue script call is in flight at a time; the dispatches
 * that arrive meanwhile wait and go together in the next call (one per partition), so concurrent callers (HTTP
 * threads) and one caller pipelining {@link TaskClient#dispatchAsync} share script calls instead of paying a round
 * trip and a script's fixed work each.
 *
 * <p>A caller that waits for its dispatch ({@link #store}) and finds no call in flight leads: it runs the script on
 * its own thread, so a lone caller pays no hand-over to another thread and back. Dispatches that queued behind a call
 * go in the next one, made by the flusher thread; so do the dispatches of callers that do not wait
 * ({@link #submit}). A dispatch is answered only after the script that stored it returned; a failed call fails the
 * dispatches it carried, and no other. Nothing waits for a timer.
 */
final class DispatchCoalescer implements AutoCloseable {
    /** Per script call: 512 enqueues run about 2 ms in Redis, short enough not to stall the other clients. */
    static final int MAX_BATCH = 512;
    /** Dispatches waiting at most; a caller that outruns Redis blocks here instead of filling the heap. */
    private static final int MAX_WAITING = 8 * MAX_BATCH;

    private final Function<List<Envelope.Encoded>, List<Dispatched>> enqueue;
    private final ToIntFunction<Envelope.Encoded> partition;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the next call is the flusher's to make, and when closing. */
    private final Condition flusherTurn = lock.newCondition();
    /** Signalled when the flusher took dispatches out of {@link #waiting}. */
    private final Condition room = lock.newCondition();
    /** Signalled when no call is in flight any more. */
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** A call is in flight, or the flusher is about to make one. Not in flight implies nothing waits. */
    private boolean inFlight;
    private boolean flushersTurn;
    private boolean closed;
    /**
     * A platform thread (a virtual one would share its carrier with the callers it must answer), started with the
     * coalescer: started on demand, a thread that failed to start (no memory for its stack) left a dispatch queued
     * with nobody to flush it, and every later one behind it.
     */
    private final Thread flusher;

    /**
     * @param enqueue   stores envelopes of one partition in one atomic step, answering them in order
     * @param partition the partition an envelope belongs to
     */
    DispatchCoalescer(Function<List<Envelope.Encoded>, List<Dispatched>> enqueue,
                      ToIntFunction<Envelope.Encoded> partition) {
        this.enqueue = enqueue;
        this.partition = partition;
        this.flusher = Thread.ofPlatform().daemon().name("chard-dispatch").start(this::run);
    }

    /**
     * Stores one dispatch and returns once it is stored: on this thread when no call is in flight, else in the call
     * after the one in flight. Throws the broker's exception, or {@link BrokerUnavailableException} once closed.
     */
    Dispatched store(Envelope.Encoded envelope) {
        Pending pending = new Pending(envelope, new CompletableFuture<>(), true);
        boolean leads;
        lock.lock();
        try {
            refuseWhenClosed();
            leads = !inFlight;
            if (leads) {
                inFlight = true;
            } else {
                enqueueWaiting(pending);
            }
        } finally {
            lock.unlock();
        }
        if (leads) {
            try {
                flush(List.of(pending));
            } finally {
                endTurn();
            }
        }
        try {
            return pending.answer().join();
        } catch (CompletionException e) {
            // The call's own exception, as a caller of the broker would get it.
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Hands the envelope to the flusher without waiting for Redis: the future completes once it is stored. While
     * {@link #MAX_WAITING} dispatches wait already, blocks until there is room if {@code waitForRoom}, else fails the
     * future at once with {@link BrokerUnavailableException} (a caller on an event loop must not block).
     */
    CompletableFuture<Dispatched> submit(Envelope.Encoded envelope, boolean waitForRoom) {
        Pending pending = new Pending(envelope, new CompletableFuture<>(), false);
        lock.lock();
        try {
            refuseWhenClosed();
            if (!waitForRoom && waiting.size() >= MAX_WAITING) {
                throw new BrokerUnavailableException(MAX_WAITING + " dispatches are waiting for Redis already", null);
            }
            enqueueWaiting(pending);
            if (!inFlight) {
                inFlight = true;
                giveTurnToFlusher();
            }
        } catch (BrokerUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
        return pending.answer();
    }

    /** Stores what was handed over before, then stops the flusher; later dispatches are refused. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            while (inFlight) {
                idle.awaitUninterruptibly();
            }
            flusherTurn.signal();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Under the lock. */
    private void refuseWhenClosed() {
        if (closed) {
            throw new BrokerUnavailableException("the task client is closed", null);
        }
    }

    /** Under the lock; waits for room, then re-checks that the coalescer is still open. */
    private void enqueueWaiting(Pending pending) {
        while (waiting.size() >= MAX_WAITING) {
            try {
                room.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BrokerUnavailableException("interrupted while waiting to dispatch", e);
            }
            refuseWhenClosed();
        }
        waiting.add(pending);
    }

    /** Under the lock. */
    private void giveTurnToFlusher() {
        flushersTurn = true;
        flusherTurn.signal();
    }

    /** After a call: the dispatches that queued behind it go in the next call, which is the flusher's. */
    private void endTurn() {
        lock.lock();
        try {
            if (waiting.isEmpty()) {
                inFlight = false;
                idle.signalAll();
            } else {
                giveTurnToFlusher();
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            lock.lock();
            try {
                while (!flushersTurn) {
                    if (closed) {
                        return;
                    }
                    flusherTurn.awaitUninterruptibly();
                }
                flushersTurn = false;
                for (int i = 0; i < MAX_BATCH && !waiting.isEmpty(); i++) {
                    batch.add(waiting.poll());
                }
                room.signalAll();
            } finally {
                lock.unlock();
            }
            try {
                flush(batch);
            } finally {
                batch.clear();
                endTurn();
            }
        }
    }

    /**
     * Answers a caller that waits ({@link #store}) here, and the futures handed over by {@link #submit} on a virtual
     * thread of their own: a callback on such a future runs where it completes, and one that dispatched again (a
     * chain of {@code dispatchAsync(a).thenApply(d -> dispatch(b))}) queued behind the call in flight, the one this
     * thread was making, and waited for it for ever, and every dispatch of the process behind it.
     */
    private void flush(List<Pending> batch) {
        Map<Integer, List<Pending>> byPartition = new LinkedHashMap<>();
        for (Pending pending : batch) {
            byPartition.computeIfAbsent(partition.applyAsInt(pending.envelope()), p -> new ArrayList<>()).add(pending);
        }
        List<Runnable> handedOver = new ArrayList<>();
        for (List<Pending> group : byPartition.values()) {
            try {
                List<Dispatched> stored = enqueue.apply(group.stream().map(Pending::envelope).toList());
                for (int i = 0; i < group.size(); i++) {
                    Pending pending = group.get(i);
                    Dispatched dispatched = stored.get(i);
                    answer(pending, () -> pending.answer().complete(dispatched), handedOver);
                }
            } catch (RuntimeException | Error e) {
                group.forEach(pending -> answer(pending, () -> pending.answer().completeExceptionally(e), handedOver));
            }
        }
        if (!handedOver.isEmpty()) {
            Thread.startVirtualThread(() -> handedOver.forEach(Runnable::run));
        }
    }

    private static void answer(Pending pending, Runnable completion, List<Runnable> handedOver) {
        if (pending.callerWaits()) {
            completion.run();
        } else {
            handedOver.add(completion);
        }
    }

    /** @param callerWaits the caller blocks on {@code answer} and attaches nothing to it ({@link #store}) */
    private record Pending(Envelope.Encoded envelope, CompletableFuture<Dispatched> answer, boolean callerWaits) {
    }
}
