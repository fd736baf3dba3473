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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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

    /** Once: a launcher may stop the recorder before its context does (closing the stream twice is warned of). */
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            loop.stop(Duration.ofSeconds(10));
            events.close();
        }
    }

    EventStream events() {
        return events;
    }

    /**
     * Records one batch; answers how many events it held (0 when none arrived within {@code wait}). When reading,
     * writing or acknowledging fails, the stream is rewound: what was handed to this consumer and not acknowledged
     * (a linger's earlier reads too) is read again by the next read, before anything newer, rather than a minute
     * later when it counts as abandoned, so an execution's later events are never written without its earlier ones.
     */
    public int recordOnce(Duration wait) throws HistoryUnavailableException {
        List<BrokerEvent> batch;
        Map<UUID, ExecutionChange> changes;
        try {
            batch = readBatch(wait);
            changes = fold(batch, json);
            if (!batch.isEmpty()) {
                history.apply(changes.values());
                events.acknowledge(batch);
            }
        } catch (HistoryUnavailableException | RuntimeException e) {
            events.rewind();
            throw e;
        }
        for (ExecutionChange change : changes.values()) {
            if (change.failed()) {
                failures.publishEvent(new TaskFailed(change.id, change.taskName, change.exceptionType));
            }
        }
        if (System.nanoTime() - lastTrim > TRIM_EVERY.toNanos()) {
            events.trim();
            lastTrim = System.nanoTime();
        }
        return batch.size();
    }

    /**
     * The first read waits up to {@code wait}; a short one is topped up by more reads until {@code linger} after it,
     * unless it holds fewer than {@link #LINGER_FROM} events: a trickle (someone dispatching or retrying by hand)
     * costs PostgreSQL little however it is written, and is worth seeing at once.
     * Two reads can hand the same entry twice (after a rewind each read starts again from this consumer's oldest
     * unacknowledged entry): only its first copy is kept, and a read that brings nothing but copies ends the
     * batch. They can also hand an execution's events out of order (entries another consumer abandoned are taken
     * over after newer ones were read), so a topped-up batch is put back in stream order, which is each execution's
     * order: its events all lie in one partition's stream.
     */
    private List<BrokerEvent> readBatch(Duration wait) {
        List<BrokerEvent> first = events.read(BATCH, wait);
        if (first.size() < LINGER_FROM || first.size() >= BATCH || linger.isZero()) {
            return first;
        }
        List<BrokerEvent> batch = new ArrayList<>(first);
        Set<String> seen = new HashSet<>();
        first.forEach(event -> seen.add(key(event)));
        long until = System.nanoTime() + linger.toNanos();
        boolean topped = false;
        for (long left = linger.toNanos(); left > 0 && batch.size() < BATCH; left = until - System.nanoTime()) {
            List<BrokerEvent> more = events.read(BATCH - batch.size(), Duration.ofNanos(left));
            int before = batch.size();
            for (BrokerEvent event : more) {
                if (seen.add(key(event))) {
                    batch.add(event);
                }
            }
            if (!more.isEmpty() && batch.size() == before) {
                break;
            }
            topped |= batch.size() > before;
        }
        if (topped) {
            batch.sort(Comparator.comparingLong(BrokerEvent::seq));
        }
        return batch;
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
            recordOnce(Duration.ofSeconds(1));
            redisOutage.recovered();
            databaseOutage.recovered();
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
