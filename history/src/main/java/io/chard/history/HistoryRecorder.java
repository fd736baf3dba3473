package io.chard.history;

import io.chard.broker.BrokerEvent;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.EventStream;
import io.chard.loop.Outage;
import io.chard.loop.Loop;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves execution events from the broker's stream into the history: reads a batch, folds the events of each
 * execution into one change, writes the batch, then acknowledges it. A batch is acknowledged only once
 * written, so while PostgreSQL is down events wait in Redis and nothing is lost; the stream is trimmed only
 * behind what was acknowledged.
 *
 * <p>A short read (of at least {@link #LINGER_FROM} events) is topped up for {@code linger} before the batch is
 * written, so that a short task's {@code enqueued}, {@code started} and outcome, milliseconds apart, fold into one
 * change: its row is written once instead of three times, and PostgreSQL writes every row version into each of the
 * table's indexes. Under a backlog every read is full and nothing waits; under a steady flow the history shows a
 * change up to {@code linger} later; a trickle is written at once.
 *
 * <p>The running recorder reads and folds the next batch while PostgreSQL writes the one before ({@link
 * #recordNext}): one write at most is under way, so batches are written in the order they were read, and the batch
 * being read keeps growing until that write ends, as it would have waited for it anyway.
 */
public final class HistoryRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryRecorder.class);
    private static final int BATCH = 5_000;
    /** The default linger: a fifth of a second is long for a no-op and short for someone watching a page. */
    public static final Duration LINGER = Duration.ofMillis(200);
    /**
     * The fewest events a read must bring for the batch to linger: under a flow of hundreds of executions a second a
     * read after a write brings tens of them, while one person's dispatch or retry brings one to three.
     */
    static final int LINGER_FROM = 10;
    private static final Duration TRIM_EVERY = Duration.ofSeconds(10);
    /**
     * How long a read blocks while the batch before is written (a blocked read would not see that write end), and how
     * long a top-up read waits for that write to end before it reads what came meanwhile.
     */
    private static final Duration WHILE_WRITING = Duration.ofMillis(5);
    /**
     * The least time between a lingering batch's top-up reads. A read answers as soon as one event is there, so under
     * a flow of thousands a second unpaced reads brought a handful of events each: 2,800 round trips a second at
     * 11,000 HTTP dispatches a second, each a thread's wake-up here and a stream read in Redis.
     */
    static final Duration TOP_UP_PACE = Duration.ofMillis(10);
    private static final ThreadFactory WRITERS = Thread.ofVirtual().name("chard-recorder-write-", 0).factory();
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(10);

    private final EventStream events;
    private final HistoryWriter history;
    private final JsonMapper json;
    private final ApplicationEventPublisher<TaskFailed> failures;
    private final Duration linger;
    private final Outage redisOutage = new Outage(LOG, "reading events from Redis");
    private final Outage databaseOutage = new Outage(LOG, "writing the history to PostgreSQL");
    private final Loop loop = new Loop("chard-recorder", this::step);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private long lastTrim = System.nanoTime();
    /**
     * The batch being written while the next is read; null when none is. Only the thread that records uses it (the
     * loop's, or a caller of {@link #recordOnce}), and {@link #stop} once that thread has ended.
     */
    private Writing writing;
    /** Whether a write ended well since the loop last looked: only then has PostgreSQL answered again. */
    private boolean wrote;

    public HistoryRecorder(EventStream events, HistoryWriter history, JsonMapper json,
                           ApplicationEventPublisher<TaskFailed> failures, Duration linger) {
        this.events = events;
        this.history = history;
        this.json = json;
        this.failures = failures;
        this.linger = linger;
    }

    public void start() {
        loop.start();
    }

    /**
     * Once: a launcher may stop the recorder before its context does (closing the stream twice is warned of). The
     * batch still being written is waited for and acknowledged, so a restart does not leave it to be taken over as
     * abandoned a minute later.
     */
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            // A loop still in its step after the patience (a database that stopped answering mid-write) keeps the
            // batch: it is not waited for here, so stopping stays bounded, and its events are taken over later.
            if (loop.stop(STOP_PATIENCE) && writing != null) {
                try {
                    writing.await(STOP_PATIENCE);
                    finishWriting();
                } catch (HistoryUnavailableException | RuntimeException e) {
                    LOG.warn("the last history batch was not written; its events stay in Redis for the next "
                            + "recorder", e);
                }
            }
            events.close();
        }
    }

    EventStream events() {
        return events;
    }

    /**
     * Records one batch and returns once it is written and acknowledged; answers how many events it held (0 when none
     * arrived within {@code wait}). When reading, writing or acknowledging fails, the stream is rewound: what was
     * handed to this consumer and not acknowledged (a linger's earlier reads too) is read again by the next read,
     * before anything newer, rather than a minute later when it counts as abandoned, so an execution's later events
     * are never written without its earlier ones.
     */
    public int recordOnce(Duration wait) throws HistoryUnavailableException {
        int read = recordNext(wait);
        flush();
        return read;
    }

    /**
     * Reads and folds the next batch while the one before is written, then, once that write has ended, acknowledges
     * it and starts writing this one; answers how many events the batch held. Reading and folding took a fifth of a
     * batch's time, spent while PostgreSQL had nothing to do. When the write before failed, this batch is dropped
     * unwritten and the stream rewound as in {@link #recordOnce}: the next read brings the failed batch and this one
     * again, in order.
     */
    public int recordNext(Duration wait) throws HistoryUnavailableException {
        Read read;
        Map<UUID, ExecutionChange> changes;
        try {
            read = readBatch(wait);
            changes = fold(read.events(), json);
            finishWriting();
        } catch (HistoryUnavailableException | RuntimeException e) {
            rewindAfter(e);
            throw e;
        }
        List<BrokerEvent> batch = read.events();
        if (!batch.isEmpty()) {
            writing = Writing.start(read, changes.values(), history);
        }
        if (System.nanoTime() - lastTrim > TRIM_EVERY.toNanos()) {
            events.trim();
            lastTrim = System.nanoTime();
        }
        return batch.size();
    }

    /** Waits until the batch being written (if any) is written and acknowledged; rewinds the stream if it failed. */
    public void flush() throws HistoryUnavailableException {
        try {
            finishWriting();
        } catch (HistoryUnavailableException | RuntimeException e) {
            rewindAfter(e);
            throw e;
        }
    }

    /** Waits for the batch being written, acknowledges it, and tells of the executions it recorded as failed. */
    private void finishWriting() throws HistoryUnavailableException {
        Writing written = writing;
        if (written == null) {
            return;
        }
        written.await();
        writing = null;
        wrote = true;
        events.acknowledge(written.batch());
        for (ExecutionChange change : written.changes()) {
            if (change.failed()) {
                failures.publishEvent(new TaskFailed(change.id, change.taskName, change.exceptionType));
            }
        }
    }

    /**
     * After a failure, lets the write under way (or the one that failed) end and forgets it, then rewinds the stream:
     * its batch, read again, is not written twice at once. It is not acknowledged even if it succeeded: read again,
     * it is a replay, which changes nothing.
     */
    private void rewindAfter(Exception cause) {
        Writing abandoned = writing;
        writing = null;
        if (abandoned != null) {
            Throwable failed = abandoned.awaitUninterruptibly();
            if (failed != null && failed != cause) {
                cause.addSuppressed(failed);
            }
        }
        events.rewind();
    }

    /** What one batch read: its events, and their identities (see {@link #key}). */
    private record Read(List<BrokerEvent> events, Set<String> keys) {
    }

    /** A batch whose changes a thread of its own writes. */
    private record Writing(Read read, Collection<ExecutionChange> changes, FutureTask<Void> write) {
        static Writing start(Read read, Collection<ExecutionChange> changes, HistoryWriter history) {
            FutureTask<Void> write = new FutureTask<>(() -> {
                history.apply(changes);
                return null;
            });
            WRITERS.newThread(write).start();
            return new Writing(read, changes, write);
        }

        List<BrokerEvent> batch() {
            return read.events();
        }

        boolean underWay() {
            return !write.isDone();
        }

        /** Waits at most {@code patience} for the write to end, whatever its end; {@link #await} tells it. */
        void awaitEnd(Duration patience) {
            try {
                write.get(patience.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // Still under way, or ended: either way the batch being read goes on.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits for the write and throws what failed it. */
        void await() throws HistoryUnavailableException {
            await(Long.MAX_VALUE);
        }

        /** As {@link #await()}, failing once {@code patience} has passed. */
        void await(Duration patience) throws HistoryUnavailableException {
            await(patience.toNanos());
        }

        private void await(long nanos) throws HistoryUnavailableException {
            try {
                write.get(nanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new HistoryUnavailableException("a history batch's write did not end within "
                        + Duration.ofNanos(nanos), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a history batch was written", e);
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case HistoryUnavailableException unavailable -> throw unavailable;
                    case RuntimeException unexpected -> throw unexpected;
                    case Error error -> throw error;
                    default -> throw new IllegalStateException("writing a history batch failed", e.getCause());
                }
            }
        }

        /** Waits for the write to end, even through interrupts (kept for the caller); answers what failed it. */
        Throwable awaitUninterruptibly() {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        write.get();
                        return null;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        return e.getCause();
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The first read waits up to {@code wait}; a short one is topped up by more reads until {@code linger} after the
     * batch held {@link #LINGER_FROM} events; one that never holds that many is a trickle (someone dispatching or
     * retrying by hand), which costs PostgreSQL little however it is written and is worth seeing at once. While the
     * batch before is written, the batch grows until that write ends, by a read each time the write ends or
     * {@link #WHILE_WRITING} passes; a lingering batch is topped up at most once per {@link #TOP_UP_PACE}.
     * Two reads can hand the same entry twice (after a rewind each read starts again from this consumer's oldest
     * unacknowledged entry): only its first copy is kept, and a read that brings nothing but copies ends the
     * batch. They can also hand an execution's events out of order (entries another consumer abandoned are taken
     * over after newer ones were read), so a topped-up batch is put back in stream order, which is each execution's
     * order: its events all lie in one partition's stream.
     */
    private Read readBatch(Duration wait) {
        List<BrokerEvent> batch = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        // After a rewind every read starts again at this consumer's oldest unacknowledged entry, and the batch being
        // written is not acknowledged yet: its entries read again are copies too.
        Set<String> beingWritten = writing == null ? Set.of() : writing.read().keys();
        long lingerUntil = 0;
        boolean lingering = false;
        boolean topped = false;
        for (boolean first = true; batch.size() < BATCH; first = false) {
            long left = lingerUntil - System.nanoTime();
            Duration block;
            if (writing != null && writing.underWay()) {
                if (first) {
                    block = WHILE_WRITING;
                } else {
                    writing.awaitEnd(WHILE_WRITING);
                    block = Duration.ZERO;
                }
            } else if (first) {
                block = wait;
            } else if (lingering && left > 0) {
                pause(Math.min(TOP_UP_PACE.toNanos(), left));
                block = Duration.ofNanos(Math.max(0, lingerUntil - System.nanoTime()));
            } else {
                break;
            }
            List<BrokerEvent> more = events.read(BATCH - batch.size(), block);
            int before = batch.size();
            for (BrokerEvent event : more) {
                String key = key(event);
                if (!beingWritten.contains(key) && seen.add(key)) {
                    batch.add(event);
                }
            }
            if (!more.isEmpty() && batch.size() == before) {
                break;
            }
            topped |= before > 0 && batch.size() > before;
            if (!lingering && batch.size() >= LINGER_FROM && !linger.isZero()) {
                lingering = true;
                lingerUntil = System.nanoTime() + linger.toNanos();
            }
        }
        if (topped) {
            batch.sort(Comparator.comparingLong(BrokerEvent::seq));
        }
        return new Read(batch, seen);
    }

    /** Sleeps; an interrupt ends the pause and is kept for the caller. */
    private static void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An event's identity: an entry standing for several executions is one event per execution. */
    private static String key(BrokerEvent event) {
        return event.streamId() + "/" + event.id();
    }

    static Map<UUID, ExecutionChange> fold(List<BrokerEvent> batch, JsonMapper json) {
        Map<UUID, ExecutionChange> changes = new LinkedHashMap<>();
        for (BrokerEvent event : batch) {
            changes.computeIfAbsent(event.id(), ExecutionChange::new).apply(event, json);
        }
        changes.values().forEach(change -> change.seal(json));
        return changes;
    }

    private Duration step() {
        try {
            recordNext(Duration.ofSeconds(1));
            redisOutage.recovered();
            // A write started in this step is judged by the next: PostgreSQL is back only once one ended well.
            if (wrote) {
                wrote = false;
                databaseOutage.recovered();
            }
            return Duration.ZERO;
        } catch (HistoryUnavailableException e) {
            databaseOutage.failed(e);
            return Duration.ofMillis(databaseOutage.backoffMillis());
        } catch (BrokerUnavailableException e) {
            redisOutage.failed(e);
            return Duration.ofMillis(redisOutage.backoffMillis());
        }
    }
}
