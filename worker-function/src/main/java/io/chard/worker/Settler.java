package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Settlement;
import io.chard.loop.Loop;
import io.chard.loop.Outage;
import io.chard.loop.Waiter;
import io.chard.worker.metrics.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reports outcomes to the broker in batches: one loop takes whatever has finished since its last call
 * (up to 512) and settles it in one script call, so under load a round trip serves hundreds of tasks and
 * when idle a single outcome goes out at once. While Redis is down it keeps the batch and retries.
 */
final class Settler {
    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
    private static final int BATCH = 512;

    private final BrokerConsumer broker;
    private final Consumer<List<Settlement>> onSettled;
    private final Consumer<List<Settlement>> onAccepted;
    private final LinkedBlockingQueue<Settlement> pending = new LinkedBlockingQueue<>();
    /** Submitted and not yet settled or dropped: pending plus the batch in hand. */
    private final AtomicInteger unsettled = new AtomicInteger();
    private final List<Settlement> batch = new ArrayList<>(BATCH);
    private final Outage outage = new Outage(LOG, "settling outcomes in Redis");
    /** Its own waiter for the backoff, so that closing cuts the backoff short but lets the loop flush. */
    private final Waiter backoff = new Waiter();
    private final Loop loop;
    private final WorkerMetrics metrics;

    /**
     * @param onSettled  told of every batch that left (settled, refused, or dropped after an error)
     * @param onAccepted told first of the settlements Redis accepted, right after the script returned
     */
    Settler(BrokerConsumer broker, Consumer<List<Settlement>> onSettled, Consumer<List<Settlement>> onAccepted,
            LoopGuard loops, WorkerMetrics metrics) {
        this.broker = broker;
        this.metrics = metrics;
        this.onSettled = onSettled;
        this.onAccepted = onAccepted;
        this.loop = loops.loop("chard-settler", this::round);
        loop.start();
    }

    void submit(Settlement settlement) {
        unsettled.incrementAndGet();
        pending.add(settlement);
    }

    /** True when every outcome submitted so far has been settled (or dropped). */
    boolean idle() {
        return unsettled.get() == 0;
    }

    /** Flushes what is pending, waiting at most {@code grace} for Redis to take it, and stops. */
    void close(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        backoff.wake();
        flush(grace);
        loop.stop(Duration.ofMillis(Math.max(0, (deadline - System.nanoTime()) / 1_000_000)));
    }

    /** Waits at most {@code grace} until everything submitted is settled; keeps running (warm functions). */
    boolean flush(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (unsettled.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return unsettled.get() == 0;
    }

    /** One batch; always answers no pause (the poll and the backoff wait inside, where close can cut them). */
    private Duration round() {
        try {
            if (batch.isEmpty()) {
                Settlement first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    return Duration.ZERO;
                }
                batch.add(first);
                pending.drainTo(batch, BATCH - 1);
            }
            settle(batch);
            outage.recovered();
            ended();
        } catch (BrokerUnavailableException e) {
            outage.failed(e);
            backoff.sleep(Duration.ofMillis(outage.backoffMillis()));
        } catch (InterruptedException e) {
            return Duration.ZERO;
        } catch (RuntimeException e) {
            LOG.error("settling {} outcomes failed; they will be delivered again when their leases lapse",
                    batch.size(), e);
            ended();
        }
        return Duration.ZERO;
    }

    /**
     * The batch is settled or dropped: counted so before its owners are told, so that whoever they wake (a drain
     * looking whether it is done) finds the settler idle.
     */
    private void ended() {
        List<Settlement> ended = List.copyOf(batch);
        unsettled.addAndGet(-ended.size());
        batch.clear();
        try {
            onSettled.accept(ended);
        } catch (RuntimeException e) {
            LOG.error("after {} outcomes left the settler", ended.size(), e);
        }
    }

    private void settle(List<Settlement> batch) {
        List<Boolean> accepted = broker.settle(batch);
        List<Settlement> taken = new ArrayList<>(batch.size());
        for (int i = 0; i < accepted.size(); i++) {
            if (accepted.get(i)) {
                taken.add(batch.get(i));
            } else {
                LOG.warn("outcome of {} refused: this worker no longer holds its lease (it lapsed and the "
                        + "execution was handed on)", batch.get(i).lease().id());
            }
        }
        if (taken.size() < batch.size()) {
            metrics.staleReports(batch.size() - taken.size());
        }
        try {
            onAccepted.accept(taken);
        } catch (RuntimeException e) {
            LOG.error("after settling {} outcomes", taken.size(), e);
        }
    }
}
