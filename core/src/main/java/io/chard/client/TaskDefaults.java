package io.chard.client;

import io.chard.broker.Broker;
import io.chard.config.ChardConfig;
import io.chard.task.TaskOptions;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The queue and the retries of a task that declares none, as they are now. Precedence, first that is set: the
 * dispatch's own option (queue only), the task's {@code @Task} declaration, the stored setting ({@code
 * task_default_queue}, {@code max_retries}: PostgreSQL, copied by admin-api to a Redis hash that processes without a
 * database read here), this process's configuration ({@code chard.default-queue}, {@code chard.max-retries}), whose
 * own defaults are the built-in ones ({@code default}, 3).
 *
 * <p>The copy is read again when it is older than {@link #REFRESH}, on a virtual thread started by the one caller
 * that finds it so (every caller goes on with the copy it has: an HTTP dispatch on an event loop never waits for
 * Redis here), so a change reaches every dispatcher and worker within about two seconds at the cost of one
 * {@code HGETALL} per process every two seconds while it works. Only the first read is waited for, by every caller
 * that comes before it ends. When Redis
 * does not answer, the last copy serves; before any copy, this process's configuration.
 */
@Singleton
public final class TaskDefaults {
    /** The stored settings' names, as admin-api writes them into the hash. */
    public static final String DEFAULT_QUEUE = "task_default_queue";
    public static final String MAX_RETRIES = "max_retries";
    static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(TaskDefaults.class);

    private final Broker broker;
    private final ChardConfig config;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final CountDownLatch firstRead = new CountDownLatch(1);
    /** Before the first read: this process's configuration serves, and the first use reads the hash in place. */
    private static final Copy NONE = new Copy(Map.of(), 0);
    private volatile Copy copy = NONE;

    /** The hash as last read, and when (System.nanoTime). */
    private record Copy(Map<String, String> values, long readAt) {
        boolean current() {
            return this != NONE && System.nanoTime() - readAt < REFRESH.toNanos();
        }
    }

    public TaskDefaults(Broker broker, ChardConfig config) {
        // Refused here, at start: taken, every dispatch of a task that names no queue was refused, one by one.
        if (!TaskClient.validQueueName(config.defaultQueue())) {
            throw new IllegalArgumentException("chard.default-queue must be 1-100 letters, digits, '_', '-' or '.', "
                    + "got '" + config.defaultQueue() + "'");
        }
        this.broker = broker;
        this.config = config;
    }

    /** The queue a dispatch of this task goes to when the dispatch names none. */
    public String queue(TaskOptions options) {
        return options.declaredQueue() != null ? options.declaredQueue() : defaultQueue();
    }

    /** The queue of tasks that declare none: the stored setting, else this process's configuration. */
    public String defaultQueue() {
        String stored = stored().get(DEFAULT_QUEUE);
        return stored != null && TaskClient.validQueueName(stored) ? stored : config.defaultQueue();
    }

    /** How many times a failure of this task is retried. */
    public int maxRetries(TaskOptions options) {
        if (options.declaredMaxRetries() != null) {
            return options.declaredMaxRetries();
        }
        String stored = stored().get(MAX_RETRIES);
        try {
            return stored == null ? config.maxRetries() : Math.max(0, Integer.parseInt(stored));
        } catch (NumberFormatException e) {
            return config.maxRetries();
        }
    }

    /**
     * Takes the values this process just wrote to the hash as its copy, so that its own dispatches use a change at
     * once without reading it back (an HTTP dispatch on an event loop must not wait for that read).
     */
    public void adopt(Map<String, String> published) {
        copy = new Copy(Map.copyOf(published), System.nanoTime());
    }

    private Map<String, String> stored() {
        Copy known = copy;
        if (known.current()) {
            return known.values();
        }
        if (known == NONE) {
            // Never read: every caller waits for the first read, so none dispatches by the configuration what a copy
            // overrides. Only the first caller did: the others, during a read that may take Redis' 10 s, went to
            // chard.default-queue, perhaps a queue no worker serves.
            if (reading.compareAndSet(false, true)) {
                read(known);
            } else {
                awaitFirstRead();
            }
            return copy.values();
        }
        if (reading.compareAndSet(false, true)) {
            // Merely aged: read again beside the caller, who goes on with the copy it has. A caller may be an HTTP
            // dispatch on a Netty event loop, which must not wait for Redis.
            Thread.ofVirtual().name("chard-settings-read").start(() -> read(known));
        }
        return known.values();
    }

    private void awaitFirstRead() {
        try {
            firstRead.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(Copy known) {
        try {
            copy = new Copy(Map.copyOf(broker.storedSettings()), System.nanoTime());
        } catch (RuntimeException e) {
            // The dispatch or settlement that needed this goes to Redis next and reports the outage there.
            LOG.debug("stored settings not read from Redis, using the last copy: {}", e.toString());
            copy = new Copy(known.values(), System.nanoTime());
        } finally {
            reading.set(false);
            firstRead.countDown();
        }
    }
}
