package io.chard.beat;

import io.chard.broker.BrokerUnavailableException;
import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.database.Jdbc;
import io.chard.schedule.Schedule;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One beat tick: for every schedule due by {@code now + lookahead}, claim each due time (the database makes
 * the claim exactly-once), dispatch what this tick claimed with an idempotency key made of schedule and
 * time (and an eta, so a lookahead tick's fires start on time), then re-dispatch claims whose dispatch never
 * happened (a crash between claim and dispatch). Any number of beats may tick at once.
 */
@Singleton
public final class Beat {
    private static final Logger LOG = LoggerFactory.getLogger(Beat.class);
    /** A claim older than this without an execution is taken to be orphaned and is dispatched again. */
    private static final Duration ORPHANED_AFTER = Duration.ofSeconds(10);
    /** Claims due within this of now are on time, whatever the misfire policy (as in {@link Schedule#dueNow}). */
    private static final Duration GRACE = Duration.ofMinutes(1);
    /** How far a fire's execution id may be minted before its claim (the clocks of beat and PostgreSQL differ). */
    private static final Duration MINT_SKEW = Duration.ofHours(1);
    /**
     * Most due times one schedule fires in one tick. A {@code fire_all} schedule every second with a day's catch-up
     * window has 86,400 after a day's outage: fired in one tick they took minutes of claims and dispatches while every
     * other schedule waited. Capped, the oldest fire first and the rest in the ticks after, a second apart in the loop.
     */
    static final int MAX_FIRES_PER_TICK = 1_000;

    private final ScheduleStore store;
    private final TaskClient client;
    private final JsonMapper json;
    private final Clock clock;
    private final List<FireObserver> observers;
    private final Map<UUID, String> brokenSchedules = new ConcurrentHashMap<>();

    public Beat(ScheduleStore store, TaskClient client, JsonMapper json, Clock clock, List<FireObserver> observers) {
        this.store = store;
        this.client = client;
        this.json = json;
        this.clock = clock;
        this.observers = List.copyOf(observers);
    }

    /** Fires what is due; answers how many fires this tick claimed. */
    public int tick(Instant now, Duration lookahead) {
        Instant horizon = now.plus(lookahead);
        int claimed = 0;
        Set<UUID> failedThisTick = new HashSet<>();
        for (StoredSchedule schedule : store.due(horizon)) {
            try {
                claimed += fire(schedule, now, horizon);
            } catch (RuntimeException e) {
                failed(schedule, e, failedThisTick);
            }
        }
        Map<UUID, List<ScheduleStore.Fire>> orphans = new LinkedHashMap<>();
        for (ScheduleStore.Fire orphan : store.undispatched(now.minus(ORPHANED_AFTER))) {
            orphans.computeIfAbsent(orphan.scheduleId(), id -> new ArrayList<>()).add(orphan);
        }
        orphans.forEach((id, fires) -> {
            if (failedThisTick.contains(id)) {
                return;
            }
            store.find(id).ifPresent(schedule -> {
                if (!schedule.enabled()) {
                    // Disabled since: its claims are not fired, now or when it is enabled again.
                    fires.forEach(fire -> store.skip(id, fire.fireTime(), "disabled"));
                    return;
                }
                for (ScheduleStore.Fire orphan : misfires(schedule, fires, now)) {
                    try {
                        repair(schedule, orphan);
                    } catch (RuntimeException e) {
                        failed(schedule, e, failedThisTick);
                        return;
                    }
                }
            });
        });
        return claimed;
    }

    /**
     * Applies the schedule's misfire policy to its orphaned claims (claimed while Redis was down, or by a beat that
     * crashed), as {@link Schedule#dueNow} applies it to due times: claims due within the grace are on time; of the
     * older ones {@code skip} drops all, {@code fire_once} keeps only the schedule's latest claim (unless one is on
     * time), {@code fire_all} keeps those within the catch-up window. Answers the claims to dispatch, oldest first,
     * and marks the others skipped.
     */
    private List<ScheduleStore.Fire> misfires(StoredSchedule schedule, List<ScheduleStore.Fire> fires, Instant now) {
        List<ScheduleStore.Fire> sorted = new ArrayList<>(fires);
        sorted.sort(java.util.Comparator.comparing(ScheduleStore.Fire::fireTime));
        Instant graceStart = now.minus(GRACE);
        Instant oldest = now.minus(schedule.catchUp().compareTo(GRACE) < 0 ? GRACE : schedule.catchUp());
        List<ScheduleStore.Fire> onTime = sorted.stream().filter(f -> !f.fireTime().isBefore(graceStart)).toList();
        List<ScheduleStore.Fire> stale = sorted.stream().filter(f -> f.fireTime().isBefore(graceStart)).toList();
        List<ScheduleStore.Fire> keep = new ArrayList<>();
        switch (schedule.misfirePolicy()) {
            case FIRE_ALL -> stale.stream().filter(f -> !f.fireTime().isBefore(oldest)).forEach(keep::add);
            case SKIP -> { }
            case FIRE_ONCE -> {
                if (onTime.isEmpty() && !stale.isEmpty()) {
                    ScheduleStore.Fire latest = stale.getLast();
                    if (!latest.fireTime().isBefore(oldest)
                            && store.latestClaim(schedule.id()).filter(latest.fireTime()::equals).isPresent()) {
                        keep.add(latest);
                    }
                }
            }
        }
        for (ScheduleStore.Fire fire : stale) {
            if (!keep.contains(fire)) {
                store.skip(schedule.id(), fire.fireTime(), "misfire");
            }
        }
        keep.addAll(onTime);
        return keep;
    }

    /**
     * Counts one failed tick per schedule (a renamed task, arguments that no longer bind); after
     * {@link ScheduleStore#MAX_ERRORS} in a row the schedule is in error and skipped until enabled again or updated.
     * Logs once per broken schedule, not once per tick. Redis or PostgreSQL failing is no fault of the schedule's:
     * the tick ends as in an outage, and the claims it made are repaired by a later one.
     */
    private void failed(StoredSchedule schedule, RuntimeException e, Set<UUID> failedThisTick) {
        if (e instanceof BrokerUnavailableException || e instanceof Jdbc.DatabaseException) {
            throw e;
        }
        if (!failedThisTick.add(schedule.id())) {
            return;
        }
        int errors = store.failed(schedule.id(), e.toString());
        if (brokenSchedules.put(schedule.id(), e.toString()) == null) {
            LOG.warn("schedule '{}' could not fire: {}", schedule.name(), e.toString());
        }
        if (errors == ScheduleStore.MAX_ERRORS) {
            LOG.error("schedule '{}' failed {} ticks in a row and is in error: skipped until enabled again or updated",
                    schedule.name(), errors);
        }
    }

    private void succeeded(StoredSchedule schedule) {
        brokenSchedules.remove(schedule.id());
        store.succeeded(schedule.id());
    }

    /** Dispatches a schedule's task now, outside its timetable ("run now"); not a claimed fire. */
    public Dispatched runNow(StoredSchedule schedule) {
        return client.dispatch(request(schedule));
    }

    private int fire(StoredSchedule stored, Instant now, Instant horizon) {
        Schedule schedule = stored.schedule();
        Instant last = stored.ranUpTo();
        List<Instant> due = schedule.dueNow(last, now, horizon, stored.misfirePolicy(), stored.catchUp());
        List<Instant> firing = due.subList(0, Math.min(due.size(), MAX_FIRES_PER_TICK));
        int claimed = 0;
        Instant latest = last;
        for (Instant fireTime : firing) {
            if (store.claim(stored.id(), fireTime)) {
                claimed++;
                dispatch(stored, fireTime);
            }
            latest = fireTime.isAfter(latest) ? fireTime : latest;
        }
        // Capped, the next due time is the first one left, already due: the next tick reads the schedule again.
        List<Instant> next = schedule.next(firing.size() < due.size() ? latest : horizon, 1);
        store.advance(stored, latest, claimed, next.isEmpty() ? null : next.getFirst());
        return claimed;
    }

    private void dispatch(StoredSchedule schedule, Instant fireTime) {
        Dispatched dispatched = client.dispatch(request(schedule).withEta(fireTime)
                .withIdempotencyKey(idempotencyKey(schedule.id(), fireTime)));
        store.dispatched(schedule.id(), fireTime, dispatched.id());
        succeeded(schedule);
        Duration lateness = Duration.between(fireTime, clock.instant());
        for (FireObserver observer : observers) {
            observer.fired(schedule.name(), lateness);
        }
    }

    /**
     * Dispatches an orphaned claim unless it was dispatched already and only its bookkeeping failed: within the
     * broker's idempotency window the key answers the first execution; after it the history still knows it.
     */
    private void repair(StoredSchedule schedule, ScheduleStore.Fire orphan) {
        java.util.Optional<UUID> earlier = store.dispatchedEarlier(idempotencyKey(schedule.id(), orphan.fireTime()),
                orphan.claimedAt().minus(MINT_SKEW));
        if (earlier.isPresent()) {
            store.dispatched(schedule.id(), orphan.fireTime(), earlier.get());
        } else {
            dispatch(schedule, orphan.fireTime());
        }
    }

    /** The idempotency key of one fire: the same for every beat and every repair of it. */
    static String idempotencyKey(UUID scheduleId, Instant fireTime) {
        return "beat:" + scheduleId + ":" + fireTime.toEpochMilli();
    }

    private DispatchRequest request(StoredSchedule schedule) {
        DispatchRequest request = DispatchRequest.of(schedule.taskName(), parse(schedule.args()))
                .withKwargs(parse(schedule.kwargs()));
        if (schedule.queue() != null) {
            request = request.withQueue(schedule.queue());
        }
        return schedule.priority() == null ? request : request.withPriority(schedule.priority());
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? null : json.readValue(text, JsonNode.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored arguments are not JSON: " + e.getMessage(), e);
        }
    }
}
