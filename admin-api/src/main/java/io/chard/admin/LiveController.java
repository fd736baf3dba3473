package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.auth.AccessMirror;
import io.chard.admin.auth.Permissions;
import io.chard.broker.BrokerMonitor;
import io.chard.broker.BrokerUnavailableException;
import io.chard.database.Jdbc;
import io.chard.history.ExecutionRecord;
import io.chard.history.HistoryStore;
import io.chard.history.MinuteCount;
import io.chard.history.TaskMinutes;
import io.chard.loop.BoundedRead;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Live state for the dashboards: workers and queues from Redis, throughput from the history, and a stream. */
@Controller("/api/background_tasks/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Permissions.VIEW)
class LiveController {
    private static final Duration HOUR = Duration.ofHours(1);
    /** Each stream polls the history every second; these bound what viewers can ask of PostgreSQL. */
    static final int MAX_STREAMS_PER_USER = 4;
    static final int MAX_STREAMS = 64;
    private static final Duration WORKERS_WITHIN = Duration.ofSeconds(1);
    private static final Workers WORKERS_LATE = new Workers(false, "Redis did not answer within "
            + WORKERS_WITHIN.toMillis() + " ms", List.of());
    private final Map<String, AtomicInteger> streamsByUser = new ConcurrentHashMap<>();
    private final AtomicInteger streams = new AtomicInteger();
    private final BrokerMonitor monitor;
    private final QueueDepths queueDepths;
    private final HistoryStore history;
    /** Where the per-minute figures come from: the recorder's minute aggregate, not a scan of the history. */
    private final TaskMinutes taskMinutes;
    private final JsonMapper json;
    private final Clock clock;
    private final AccessMirror access;
    private final Redactor redactor;
    private final BoundedRead<Workers> workersRead = new BoundedRead<>(WORKERS_WITHIN, this::readWorkers);

    LiveController(BrokerMonitor monitor, QueueDepths queueDepths, HistoryStore history, TaskMinutes minutes,
                   JsonMapper json, Clock clock, AccessMirror access, Redactor redactor) {
        this.monitor = monitor;
        this.queueDepths = queueDepths;
        this.history = history;
        this.taskMinutes = minutes;
        this.json = json;
        this.clock = clock;
        this.access = access;
        this.redactor = redactor;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Workers(boolean brokerReachable, @Nullable String error, List<JsonNode> workers) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Queue(String name, long depth, long delayed, long inFlight, long held, boolean paused,
                 List<Map<String, Object>> throughput) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Queues(List<Queue> queues) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Stats(List<Map<String, Object>> minutes) {
    }

    /**
     * Never a 500 and never a hang: with Redis down, or not answering within a second, the answer says so (the
     * dashboard shows a banner). Every live stream asks every 2 s; they share one read ({@link BoundedRead}).
     */
    @Get("/workers")
    Workers workers() {
        return workersRead.await(WORKERS_LATE);
    }

    private Workers readWorkers() {
        List<String> entries;
        try {
            entries = monitor.workers();
        } catch (BrokerUnavailableException e) {
            return new Workers(false, e.getMessage(), List.of());
        }
        List<JsonNode> workers = new ArrayList<>();
        for (String entry : entries) {
            try {
                workers.add(json.readValue(entry, JsonNode.class));
            } catch (IOException e) {
                // An entry from an incompatible worker version: left out rather than failing the page.
            }
        }
        return new Workers(true, null, workers);
    }

    @Get("/queues")
    Queues queues() {
        Map<String, List<Map<String, Object>>> throughput = new TreeMap<>();
        Instant since = clock.instant().minus(HOUR).truncatedTo(ChronoUnit.MINUTES);
        for (MinuteCount count : taskMinutes.successesPerQueue(since)) {
            throughput.computeIfAbsent(count.key(), q -> new ArrayList<>())
                    .add(Map.of("minute", count.minute().toString(), "count", count.count()));
        }
        List<Queue> queues = new ArrayList<>();
        for (BrokerMonitor.QueueDepth depth : queueDepths.read()) {
            queues.add(new Queue(depth.name(), depth.ready(), depth.delayed(), depth.leased(), depth.held(),
                    depth.paused(), throughput.getOrDefault(depth.name(), List.of())));
        }
        return new Queues(queues);
    }

    @Get("/stats")
    Stats stats(@Nullable @QueryValue Integer minutes) {
        int window = minutes == null ? 60 : Math.clamp(minutes, 1, 24 * 60);
        Instant since = clock.instant().minus(Duration.ofMinutes(window)).truncatedTo(ChronoUnit.MINUTES);
        Map<Instant, Map<String, Object>> perMinute = new LinkedHashMap<>();
        for (Instant minute = since; !minute.isAfter(clock.instant()); minute = minute.plus(Duration.ofMinutes(1))) {
            perMinute.put(minute, new LinkedHashMap<>(Map.of("minute", minute.toString(), "success", 0L, "failed", 0L)));
        }
        for (TaskMinutes.OutcomeBucket bucket : taskMinutes.outcomes(since, Duration.ofMinutes(1))) {
            Map<String, Object> row = perMinute.get(bucket.start());
            if (row != null) {
                row.put("success", bucket.outcomes().getOrDefault("success", 0L));
                row.put("failed", bucket.outcomes().getOrDefault("failed", 0L));
            }
        }
        return new Stats(new ArrayList<>(perMinute.values()));
    }

    /**
     * Server-sent events: {@code execution} for each history change (read by the {@code updated_at} index),
     * {@code workers} every 2 s. At most {@value #MAX_STREAMS_PER_USER} per user and {@value #MAX_STREAMS} in
     * all; beyond, 429.
     */
    @Get(value = "/stream", produces = MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<?>> stream(Authentication user) {
        Instant from = changeHorizon();
        AtomicInteger mine = streamsByUser.computeIfAbsent(user.getName(), name -> new AtomicInteger());
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            throw new OutageErrors.TooManyStreamsException("the server has " + MAX_STREAMS + " live streams open");
        }
        if (mine.incrementAndGet() > MAX_STREAMS_PER_USER) {
            mine.decrementAndGet();
            streams.decrementAndGet();
            throw new OutageErrors.TooManyStreamsException(user.getName() + " has " + MAX_STREAMS_PER_USER
                    + " live streams open; close one first");
        }
        // Checked before each event, at least every 2 s (the workers' snapshot): once the session or token ends
        // (logout, a disabled or demoted user, expiry), the stream ends, and the browser's reconnect meets the 401.
        return events(from).takeWhile(event -> access.stillHolds(user, clock.instant())).doFinally(signal -> {
            mine.decrementAndGet();
            streams.decrementAndGet();
        });
    }

    /**
     * Where the stream's first read starts. The SPA refetches its pages when a stream opens, so a change committed
     * before is on them; one whose write began before and commits after is neither there nor, read from now on, in
     * the stream (the page kept it as it was for good). From the oldest write still open, it is sent.
     */
    private Instant changeHorizon() {
        try {
            return history.changeHorizon();
        } catch (Jdbc.DatabaseException down) {
            // Nothing commits while PostgreSQL is down; the stream's first read then fails and ends the stream, and
            // the browser's reconnect starts from a horizon again. Meanwhile it still sends the workers.
            return clock.instant();
        }
    }

    private Flux<Event<?>> events(Instant from) {
        AtomicReference<Change> seen = new AtomicReference<>(new Change(from, new UUID(0, 0)));
        Flux<Event<?>> executions = Flux.interval(Duration.ofSeconds(1))
                .publishOn(Schedulers.boundedElastic())
                .concatMapIterable(tick -> changesSince(seen));
        Flux<Event<?>> workers = Flux.interval(Duration.ZERO, Duration.ofSeconds(2))
                .publishOn(Schedulers.boundedElastic())
                .map(tick -> Event.of(workers()).name("workers"));
        return Flux.merge(executions, workers);
    }

    /** The last change a stream sent: the next read continues after it, in (updated_at, id) order. */
    private record Change(Instant updatedAt, UUID id) {
    }

    private List<Event<?>> changesSince(AtomicReference<Change> seen) {
        List<Event<?>> events = new ArrayList<>();
        Change from = seen.get();
        for (ExecutionRecord row : history.changedSince(from.updatedAt(), from.id(), 500)) {
            events.add(Event.of(redactor.summary(row)).name("execution"));
            seen.set(new Change(row.updatedAt(), row.id()));
        }
        return events;
    }
}
