package io.chard.schedule;

import io.chard.schedule.ScheduleSpec.Cron;
import io.chard.schedule.ScheduleSpec.Interval;
import io.chard.schedule.ScheduleSpec.OneOff;
import io.chard.schedule.ScheduleSpec.Solar;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

// A schedule as beat keeps it: its spec, the time zone its wall times are read in, and the optional
// instants it is active between (start inclusive, expires exclusive; either may be null). Due times
// are a pure function of these, so every beat instance computes the same ones.
public record Schedule(ScheduleSpec spec, ZoneId zone, Instant start, Instant expires) {

    // Beat's tick reaches a due time within a second in a container and within a minute on Lambda
    // (one invocation a minute), so only a due time later than this has been missed.
    private static final Duration GRACE = Duration.ofMinutes(1);
    private static final int BATCH = 256;

    public Schedule {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(zone, "zone");
        if (start != null && expires != null && !start.isBefore(expires)) {
            throw new IllegalArgumentException("start " + start + " is not before expires " + expires);
        }
    }

    public Schedule(ScheduleSpec spec, ZoneId zone) {
        this(spec, zone, null, null);
    }

    // The next `count` due instants strictly after `after`, oldest first; fewer when the schedule ends.
    public List<Instant> next(Instant after, int count) {
        Objects.requireNonNull(after, "after");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        Instant lower = start != null && start.isAfter(after) ? start.minusNanos(1) : after;
        return switch (spec) {
            case Cron cron -> CronExpression.parse(cron.expression()).next(zone, lower, expires, count);
            case Interval interval -> intervals(interval.every(), lower, count);
            case Solar solar -> SolarTimes.next(solar, lower, expires, count);
            case OneOff oneOff -> count > 0 && oneOff.at().isAfter(lower)
                    && (expires == null || oneOff.at().isBefore(expires)) ? List.of(oneOff.at()) : List.of();
        };
    }

    // The due times to fire at `now`, oldest first, given the last due time fired (for a schedule
    // that never fired: when it was created, so that it does not fire for times before it existed).
    // Due times older than `window` are dropped under every policy: too stale to run, and it bounds
    // the work after a long outage.
    public List<Instant> dueNow(Instant lastFire, Instant now, MisfirePolicy policy, Duration window) {
        return dueNow(lastFire, now, now, policy, window);
    }

    // The same for a tick that also fires ahead, up to `horizon` (at or after `now`): times after `now` are not
    // late at all, and lateness (the grace, the window) is counted back from `now`, not from the horizon.
    public List<Instant> dueNow(Instant lastFire, Instant now, Instant horizon, MisfirePolicy policy, Duration window) {
        Objects.requireNonNull(lastFire, "lastFire");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(horizon, "horizon");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(window, "window");
        Duration lookBack = policy == MisfirePolicy.SKIP || window.compareTo(GRACE) < 0 ? GRACE : window;
        Instant from = now.minus(lookBack).isAfter(lastFire) ? now.minus(lookBack) : lastFire;
        List<Instant> due = between(from, horizon.isAfter(now) ? horizon : now);
        // Due within the grace is on time, however many (a sub-minute interval under a once-a-minute tick);
        // the policy only decides about older, missed ones.
        Instant graceStart = now.minus(GRACE);
        List<Instant> onTime = due.stream().filter(t -> !t.isBefore(graceStart)).toList();
        return switch (policy) {
            case FIRE_ALL -> due;
            case SKIP -> onTime;
            case FIRE_ONCE -> onTime.isEmpty() && !due.isEmpty() ? List.of(due.getLast()) : onTime;
        };
    }

    // Due times in (from, to].
    private List<Instant> between(Instant from, Instant to) {
        List<Instant> due = new ArrayList<>();
        Instant cursor = from;
        while (true) {
            List<Instant> batch = next(cursor, BATCH);
            for (Instant instant : batch) {
                if (instant.isAfter(to)) {
                    return due;
                }
                due.add(instant);
            }
            if (batch.size() < BATCH) {
                return due;
            }
            cursor = batch.getLast();
        }
    }

    // Anchored at the start (the epoch when there is none, so the times do not depend on when asked).
    private List<Instant> intervals(Duration every, Instant lower, int count) {
        Instant anchor = start != null ? start : Instant.EPOCH;
        // dividedBy truncates towards zero: this lands at most one step before the first time after `lower`
        Instant first = anchor.plus(every.multipliedBy(Duration.between(anchor, lower).dividedBy(every)));
        while (!first.isAfter(lower)) {
            first = first.plus(every);
        }
        List<Instant> due = new ArrayList<>();
        for (Instant t = first;
                due.size() < count && (expires == null || t.isBefore(expires)); t = t.plus(every)) {
            due.add(t);
        }
        return due;
    }
}
