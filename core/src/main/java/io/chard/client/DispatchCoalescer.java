package io.chard.client;

import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Envelope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit for single dispatches: the ones that arrive while an enqueue script is in flight wait and go together
 * in the next call (one per partition), so concurrent callers (HTTP threads) and one caller pipelining
 * {@link TaskClient#dispatchAsync} share script calls instead of paying a round trip and a script's fixed work each.
 * A dispatch's future completes only after the script that stored it returned; a failed call fails the dispatches
 * it carried, and no other. A dispatch alone waits for no timer: the flusher takes it as soon as it is handed over.
 */
final class DispatchCoalescer implements AutoCloseable {
    /** Per script call: 512 enqueues run about 2 ms in Redis, short enough not to stall the other clients. */
    static final int MAX_BATCH = 512;
    /** Dispatches waiting at most; a caller that outruns Redis blocks here instead of filling the heap. */
    private static final int MAX_WAITING = 8 * MAX_BATCH;
    private static final Pending CLOSE = new Pending(null, null);

    private final BlockingQueue<Pending> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
    private final Function<List<Envelope.Encoded>, List<Dispatched>> enqueue;
    private final ToIntFunction<Envelope.Encoded> partition;
    private volatile boolean closed;
    private Thread flusher;

    /**
     * @param enqueue   stores envelopes of one partition in one atomic step, answering them in order
     * @param partition the partition an envelope belongs to
     */
    DispatchCoalescer(Function<List<Envelope.Encoded>, List<Dispatched>> enqueue,
                      ToIntFunction<Envelope.Encoded> partition) {
        this.enqueue = enqueue;
        this.partition = partition;
    }

    /** Hands the envelope to the flusher; blocks while {@link #MAX_WAITING} dispatches wait already. */
    CompletableFuture<Dispatched> submit(Envelope.Encoded envelope) {
        Pending pending = new Pending(envelope, new CompletableFuture<>());
        if (closed) {
            return closedAnswer();
        }
        startOnce();
        try {
            waiting.put(pending);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting to dispatch", e);
        }
        // Closed meanwhile: the flusher may have left; a dispatch still waiting is refused, not forgotten.
        if (closed && waiting.remove(pending)) {
            return closedAnswer();
        }
        return pending.answer();
    }

    /** Stores what was handed over before, then stops the flusher; later dispatches are refused. */
    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = flusher;
        }
        if (running != null) {
            waiting.offer(CLOSE);
            try {
                running.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void startOnce() {
        if (flusher == null) {
            // A platform thread: a virtual one would share its carrier with the callers it must answer.
            flusher = Thread.ofPlatform().daemon().name("chard-dispatch").start(this::run);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                stopping = true;
            }
            waiting.drainTo(batch, MAX_BATCH - batch.size());
            stopping |= batch.remove(CLOSE);
            flush(batch);
            batch.clear();
        }
        waiting.forEach(pending -> {
            if (pending != CLOSE) {
                pending.answer().completeExceptionally(closedException());
            }
        });
    }

    private void flush(List<Pending> batch) {
        Map<Integer, List<Pending>> byPartition = new LinkedHashMap<>();
        for (Pending pending : batch) {
            byPartition.computeIfAbsent(partition.applyAsInt(pending.envelope()), p -> new ArrayList<>()).add(pending);
        }
        for (List<Pending> group : byPartition.values()) {
            try {
                List<Dispatched> stored = enqueue.apply(group.stream().map(Pending::envelope).toList());
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).answer().complete(stored.get(i));
                }
            } catch (RuntimeException | Error e) {
                group.forEach(pending -> pending.answer().completeExceptionally(e));
            }
        }
    }

    private static CompletableFuture<Dispatched> closedAnswer() {
        return CompletableFuture.failedFuture(closedException());
    }

    private static BrokerUnavailableException closedException() {
        return new BrokerUnavailableException("the task client is closed", null);
    }

    private record Pending(Envelope.Encoded envelope, CompletableFuture<Dispatched> answer) {
    }
}
