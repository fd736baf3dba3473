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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves execution events from the broker's stream into the history: reads a batch, folds the events of each
 * execution into one change, writes the batch, then acknowledges it. A batch is acknowledged only once
 * written, so while PostgreSQL is down events wait in Redis and nothing is lost; the stream is trimmed only
 * behind what was acknowledged.
 */
public final class HistoryRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryRecorder.class);
    private static final int BATCH = 5_000;
    private static final Duration TRIM_EVERY = Duration.ofSeconds(10);

    private final EventStream events;
    private final HistoryWriter history;
    private final JsonMapper json;
    private final ApplicationEventPublisher<TaskFailed> failures;
    private final Outage redisOutage = new Outage(LOG, "reading events from Redis");
    private final Outage databaseOutage = new Outage(LOG, "writing the history to PostgreSQL");
    private final Loop loop = new Loop("chard-recorder", this::step);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private long lastTrim = System.nanoTime();

    public HistoryRecorder(EventStream events, HistoryWriter history, JsonMapper json,
                           ApplicationEventPublisher<TaskFailed> failures) {
        this.events = events;
        this.history = history;
        this.json = json;
        this.failures = failures;
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

    /** Records one batch; answers how many events it held (0 when none arrived within {@code wait}). */
    public int recordOnce(Duration wait) throws HistoryUnavailableException {
        List<BrokerEvent> batch = events.read(BATCH, wait);
        if (!batch.isEmpty()) {
            Map<UUID, ExecutionChange> changes = fold(batch, json);
            history.apply(changes.values());
            events.acknowledge(batch);
            for (ExecutionChange change : changes.values()) {
                if (change.failed()) {
                    failures.publishEvent(new TaskFailed(change.id, change.taskName, change.exceptionType));
                }
            }
        }
        if (System.nanoTime() - lastTrim > TRIM_EVERY.toNanos()) {
            events.trim();
            lastTrim = System.nanoTime();
        }
        return batch.size();
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
            events.rewind();
            databaseOutage.failed(e);
            return Duration.ofMillis(databaseOutage.backoffMillis());
        } catch (BrokerUnavailableException e) {
            redisOutage.failed(e);
            return Duration.ofMillis(redisOutage.backoffMillis());
        }
    }
}
