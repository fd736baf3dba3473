package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Settlement;
import io.chard.loop.Outage;
import io.chard.loop.Waiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reports outcomes to the broker in batches: one thread takes whatever has finished since its last call
 * (up to 512) and settles it in one script call, so under load a round trip serves hundreds of tasks and
 * when idle a single outcome goes out at once. While Redis is down it keeps the batch and retries.
 */
final class Settler {
    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
    private static final int BATCH = 512;

    private final BrokerConsumer broker;
    private final Consumer<List<Settlement>> onSettled;
    private final LinkedBlockingQueue<Settlement> pending = new LinkedBlockingQueue<>();
    private final Outage outage = new Outage(LOG, "settling outcomes in Redis");
    private final Waiter waiter = new Waiter();
    private final Thread thread;
    private volatile boolean closing;

    Settler(BrokerConsumer broker, Consumer<List<Settlement>> onSettled) {
        this.broker = broker;
        this.onSettled = onSettled;
        this.thread = Thread.ofPlatform().name("chard-settler").daemon().start(this::run);
    }

    void submit(Settlement settlement) {
        pending.add(settlement);
    }

    /** Flushes what is pending, waiting at most {@code grace} for Redis to take it. */
    void close(Duration grace) {
        closing = true;
        waiter.wake();
        try {
            thread.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    private void run() {
        List<Settlement> batch = new ArrayList<>(BATCH);
        while (!(closing && pending.isEmpty() && batch.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    Settlement first = pending.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    pending.drainTo(batch, BATCH - 1);
                }
                flush(batch);
                batch.clear();
                outage.recovered();
            } catch (BrokerUnavailableException e) {
                outage.failed(e);
                waiter.sleep(Duration.ofMillis(outage.backoffMillis()));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("settling {} outcomes failed; they will be delivered again when their leases lapse",
                        batch.size(), e);
                onSettled.accept(List.copyOf(batch));
                batch.clear();
            }
        }
    }

    private void flush(List<Settlement> batch) {
        List<Boolean> accepted = broker.settle(batch);
        for (int i = 0; i < accepted.size(); i++) {
            if (!accepted.get(i)) {
                LOG.warn("outcome of {} refused: this worker no longer holds its lease (it lapsed and the "
                        + "execution was handed on)", batch.get(i).lease().id());
            }
        }
        onSettled.accept(batch);
    }
}
