package io.chard.beat;

import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.Schedule;
import io.chard.schedule.ScheduleSpec;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code background_tasks_schedule}: what to dispatch, when, and how far it has got.
 *
 * @param args     JSON array text, or null
 * @param kwargs   JSON object text, or null
 * @param catchUp  how far back missed due times are considered (the misfire window)
 * @param source   api (editable), code (declared by a module), builtin (Chard's own)
 * @param updatedAt when its definition or switch last changed: the version a tick's bookkeeping is written against
 */
public record StoredSchedule(
        UUID id,
        String name,
        String taskName,
        ScheduleSpec spec,
        ZoneId zone,
        @Nullable Instant startAt,
        @Nullable Instant expiresAt,
        boolean enabled,
        @Nullable String args,
        @Nullable String kwargs,
        @Nullable String queue,
        @Nullable Integer priority,
        MisfirePolicy misfirePolicy,
        Duration catchUp,
        String source,
        @Nullable Instant lastRunAt,
        long totalRuns,
        @Nullable Instant nextRunAt,
        Instant createdAt,
        Instant updatedAt) {

    public Schedule schedule() {
        return new Schedule(spec, zone, startAt, expiresAt);
    }

    /** Up to when it counts as run: its last fire, else its creation. Its due times after this are still owed. */
    public Instant ranUpTo() {
        return lastRunAt != null ? lastRunAt : createdAt;
    }

    /** A spec flattened into the columns (and API fields) of its kind; the other kinds' fields are null. */
    public record SpecFields(@Nullable String cron, @Nullable Long intervalSeconds, @Nullable String solarEvent,
                             @Nullable Double latitude, @Nullable Double longitude, @Nullable Instant runAt) {

        public static SpecFields of(ScheduleSpec spec) {
            return switch (spec) {
                case ScheduleSpec.Cron cron -> new SpecFields(cron.expression(), null, null, null, null, null);
                case ScheduleSpec.Interval interval ->
                        new SpecFields(null, interval.every().toSeconds(), null, null, null, null);
                case ScheduleSpec.Solar solar -> new SpecFields(null, null,
                        solar.event().name().toLowerCase(java.util.Locale.ROOT), solar.latitude(), solar.longitude(),
                        null);
                case ScheduleSpec.OneOff oneOff -> new SpecFields(null, null, null, null, null, oneOff.at());
            };
        }
    }

    /** The definition part, as a module or the API gives it (no run state). */
    public record Definition(String name, String taskName, ScheduleSpec spec, ZoneId zone, @Nullable Instant startAt,
                             @Nullable Instant expiresAt, boolean enabled, @Nullable String args,
                             @Nullable String kwargs, @Nullable String queue, @Nullable Integer priority,
                             MisfirePolicy misfirePolicy, Duration catchUp) {

        /** When it fires: what a stored schedule's {@link StoredSchedule#schedule()} is once this is stored. */
        public Schedule schedule() {
            return new Schedule(spec, zone, startAt, expiresAt);
        }

        /** The first due time after {@code instant}, or null when the schedule never fires again. */
        public Instant nextAfter(Instant instant) {
            List<Instant> next = schedule().next(instant, 1);
            return next.isEmpty() ? null : next.getFirst();
        }
    }
}
