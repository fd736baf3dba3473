package io.chard.beat;

import io.chard.database.Jdbc;
import io.chard.schedule.MisfirePolicy;
import io.chard.schedule.ScheduleSpec;
import io.chard.schedule.SolarEvent;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Schedules and their fires in PostgreSQL. {@link #claim} is the exactly-once point: the primary key
 * (schedule, fire_time) lets one inserter win, however many beat processes or Lambda ticks race.
 */
@Singleton
public final class ScheduleStore {
    private static final String TABLE = "background_tasks_schedule";
    /** After this many consecutive failed ticks a schedule is in error: skipped until enabled again or updated. */
    public static final int MAX_ERRORS = 3;
    private final Jdbc jdbc;

    public ScheduleStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A claimed fire that was not dispatched yet (its claimer crashed, or Redis was down). */
    public record Fire(UUID scheduleId, Instant fireTime, Instant claimedAt) {
    }

    public List<StoredSchedule> list() {
        return jdbc.list("SELECT * FROM " + TABLE + " ORDER BY name", ScheduleStore::row);
    }

    public Optional<StoredSchedule> find(UUID id) {
        return jdbc.one("SELECT * FROM " + TABLE + " WHERE id = ?", ScheduleStore::row, id);
    }

    public Optional<StoredSchedule> findByName(String name) {
        return jdbc.one("SELECT * FROM " + TABLE + " WHERE name = ?", ScheduleStore::row, name);
    }

    /**
     * Enabled schedules with a due time at or before {@code horizon}. One with none ({@code next_run_at} NULL: a
     * one-off that fired, a schedule past its expiry) is left out: every tick read it and wrote its row for nothing,
     * one UPDATE per finished schedule per second in the container loop, for ever.
     */
    public List<StoredSchedule> due(Instant horizon) {
        return jdbc.list("SELECT * FROM " + TABLE + " WHERE enabled AND next_run_at <= ? AND error_count < ?",
                ScheduleStore::row, Timestamp.from(horizon), MAX_ERRORS);
    }

    public boolean claim(UUID scheduleId, Instant fireTime) {
        return jdbc.update("INSERT INTO background_tasks_schedule_fire (schedule_id, fire_time) VALUES (?, ?) "
                + "ON CONFLICT DO NOTHING", scheduleId, Timestamp.from(fireTime)) == 1;
    }

    public void dispatched(UUID scheduleId, Instant fireTime, UUID executionId) {
        jdbc.update("UPDATE background_tasks_schedule_fire SET execution_id = ? WHERE schedule_id = ? AND fire_time = ?",
                executionId, scheduleId, Timestamp.from(fireTime));
    }

    public List<Fire> undispatched(Instant claimedBefore) {
        // A schedule in error keeps its claims out of the way of the others' repair.
        return jdbc.list("SELECT f.schedule_id, f.fire_time, f.claimed_at FROM background_tasks_schedule_fire f "
                        + "WHERE f.execution_id IS NULL AND f.skipped IS NULL AND f.claimed_at < ? AND NOT EXISTS (SELECT 1 FROM " + TABLE
                        + " s WHERE s.id = f.schedule_id AND s.error_count >= " + MAX_ERRORS + ") "
                        + "ORDER BY f.claimed_at LIMIT 1000",
                row -> new Fire(row.getObject(1, UUID.class), row.getTimestamp(2).toInstant(),
                        row.getTimestamp(3).toInstant()),
                Timestamp.from(claimedBefore));
    }

    /**
     * The execution an earlier dispatch with {@code idempotencyKey} created, as the history recorded it: a fire
     * dispatched after {@code mintedAfter} whose bookkeeping failed. The history outlives the broker's window.
     */
    public Optional<UUID> dispatchedEarlier(String idempotencyKey, Instant mintedAfter) {
        // Execution ids are UUIDv7: the lower bound prunes the history's days older than the claim.
        UUID floor = new UUID(mintedAfter.toEpochMilli() << 16, 0L);
        return jdbc.one("SELECT id FROM background_tasks_task_execution WHERE idempotency_key = ? "
                        + "AND idempotency_key LIKE 'beat:%' AND id >= ? ORDER BY id LIMIT 1",
                row -> row.getObject(1, UUID.class), idempotencyKey, floor);
    }

    /** Marks a claim never to be dispatched (its schedule's misfire policy dropped it), and why. */
    public void skip(UUID scheduleId, Instant fireTime, String reason) {
        jdbc.update("UPDATE background_tasks_schedule_fire SET skipped = ? WHERE schedule_id = ? AND fire_time = ? "
                + "AND execution_id IS NULL", reason, scheduleId, Timestamp.from(fireTime));
    }

    /**
     * Deletes, {@code batch} rows per statement, the claims due before {@code cutoff} that are settled (dispatched,
     * or dropped by the misfire policy) and at or before their schedule's {@code last_run_at}: the tick claims only
     * times after it, and it never moves back, so such a claim's row no longer guards anything. Claims still
     * waiting for the repair stay, however old. Answers how many went.
     */
    public long purgeFires(Instant cutoff, int batch) {
        long deleted = 0;
        int last;
        do {
            last = jdbc.update("DELETE FROM background_tasks_schedule_fire WHERE (schedule_id, fire_time) IN ("
                    + "SELECT f.schedule_id, f.fire_time FROM background_tasks_schedule_fire f JOIN " + TABLE
                    + " s ON s.id = f.schedule_id WHERE f.fire_time < ? AND f.fire_time <= s.last_run_at "
                    + "AND (f.execution_id IS NOT NULL OR f.skipped IS NOT NULL) LIMIT ?)", Timestamp.from(cutoff), batch);
            deleted += last;
        } while (last == batch);
        return deleted;
    }

    /** The latest due time claimed for a schedule, dispatched or not. */
    public Optional<Instant> latestClaim(UUID scheduleId) {
        return jdbc.one("SELECT max(fire_time) FROM background_tasks_schedule_fire WHERE schedule_id = ?",
                row -> row.getTimestamp(1) == null ? null : row.getTimestamp(1).toInstant(), scheduleId);
    }

    /** Counts a tick whose dispatch for this schedule failed; answers the consecutive failures so far. */
    public int failed(UUID id, String error) {
        return jdbc.one("UPDATE " + TABLE + " SET error_count = error_count + 1, last_error = ? WHERE id = ? "
                + "RETURNING error_count", row -> row.getInt(1), error, id).orElse(0);
    }

    /** A dispatch succeeded: the failures are no longer consecutive. */
    public void succeeded(UUID id) {
        jdbc.update("UPDATE " + TABLE + " SET error_count = 0, last_error = NULL WHERE id = ? AND error_count > 0", id);
    }

    /** Why the schedule is in error (skipped by the tick), or empty when it is not. */
    public Optional<String> error(UUID id) {
        return jdbc.one("SELECT last_error FROM " + TABLE + " WHERE id = ? AND error_count >= " + MAX_ERRORS,
                row -> row.getString(1), id);
    }

    /** The executions dispatched for a schedule, newest first. */
    public List<UUID> executions(UUID scheduleId, int limit) {
        return jdbc.list("SELECT execution_id FROM background_tasks_schedule_fire WHERE schedule_id = ? "
                        + "AND execution_id IS NOT NULL ORDER BY fire_time DESC LIMIT ?",
                row -> row.getObject(1, UUID.class), scheduleId, limit);
    }

    /**
     * Records progress: the latest fire, how many fires this caller claimed, and the next due time. That one was
     * computed from the definition the tick {@code read}, so it is written only while the row still holds that
     * version of it and its next due time: an edit, an enable or a disable that landed meanwhile computed its own
     * from the new definition, which stays. (The next due time alone was no version: a retime whose first due time
     * is the one the tick read, every two hours made hourly, took the old definition's following one over the new.)
     * A racing beat that advanced first moved the next due time, and this one leaves it.
     */
    public void advance(StoredSchedule read, Instant lastFire, int claimed, Instant next) {
        // last_run_at too only while the row holds what was read: a retime that landed meanwhile counted the schedule
        // as run up to its own now, and a lookahead tick's latest fire (up to 90 s ahead) would skip the new
        // definition's due times before it. The claims' primary key keeps a later tick from firing them again.
        String unchanged = "updated_at = ? AND next_run_at IS NOT DISTINCT FROM ?::timestamptz";
        jdbc.update("UPDATE " + TABLE + " SET last_run_at = CASE WHEN " + unchanged
                        + " THEN GREATEST(COALESCE(last_run_at, ?), ?) ELSE last_run_at END, "
                        + "total_runs = total_runs + ?, next_run_at = CASE WHEN " + unchanged
                        + " THEN ?::timestamptz ELSE next_run_at END WHERE id = ?",
                Timestamp.from(read.updatedAt()), timestamp(read.nextRunAt()), Timestamp.from(lastFire),
                Timestamp.from(lastFire), claimed, Timestamp.from(read.updatedAt()), timestamp(read.nextRunAt()),
                timestamp(next), read.id());
    }

    public StoredSchedule create(StoredSchedule.Definition definition, String source, Instant next) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO " + TABLE + " (" + DEFINITION_COLUMNS + ", source, next_run_at, id) VALUES ("
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)",
                values(definition, source, timestamp(next), id));
        return find(id).orElseThrow();
    }

    /**
     * Creates the schedule unless one of its name exists (another process may be creating it at this moment: at
     * boot admin-api and beat both merge the declared schedules); answers whether this call created it.
     */
    public boolean createIfAbsent(StoredSchedule.Definition definition, String source, Instant next) {
        return jdbc.update("INSERT INTO " + TABLE + " (" + DEFINITION_COLUMNS + ", source, next_run_at, id) VALUES ("
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (name) DO NOTHING", values(definition, source, timestamp(next), UUID.randomUUID())) == 1;
    }

    /** Replaces the definition; keeps the run state (last run, total runs). */
    public Optional<StoredSchedule> update(UUID id, StoredSchedule.Definition definition, Instant next) {
        return update(id, definition, next, false);
    }

    /**
     * Replaces the definition. With {@code retimed} (its due times changed) it counts as run up to now, as a new
     * schedule does: the new definition's due times before the edit never existed and are not caught up. Up to now,
     * not later: a lookahead tick counted the old definition as run up to a fire up to 90 s ahead, and kept, that
     * skipped the new definition's due times before it (the claims' primary key keeps a time both share from firing
     * twice). Enabling a disabled schedule by this edit counts it as run up to now too, as {@link #setEnabled} does.
     */
    public Optional<StoredSchedule> update(UUID id, StoredSchedule.Definition definition, Instant next,
                                           boolean retimed) {
        jdbc.update("UPDATE " + TABLE + " SET (" + DEFINITION_COLUMNS + ", next_run_at, updated_at) = ("
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, now()), "
                + "error_count = 0, last_error = NULL, "
                // Enabled by this edit: as setEnabled, the disabled period is not caught up.
                + "last_run_at = CASE WHEN ? THEN now() "
                + "WHEN ? AND NOT enabled THEN GREATEST(COALESCE(last_run_at, now()), now()) ELSE last_run_at END "
                + "WHERE id = ?",
                values(definition, timestamp(next), retimed, definition.enabled(), id));
        return find(id);
    }

    /**
     * Enabling counts the schedule as run up to now, so the due times it missed while disabled are not caught
     * up (they were switched off on purpose), and clears an error (updating the schedule clears it too).
     */
    public void setEnabled(UUID id, boolean enabled, Instant next) {
        jdbc.update("UPDATE " + TABLE + " SET enabled = ?, next_run_at = ?, updated_at = now(), "
                        + "error_count = CASE WHEN ? THEN 0 ELSE error_count END, "
                        + "last_error = CASE WHEN ? THEN NULL ELSE last_error END, "
                        + "last_run_at = CASE WHEN ? AND NOT enabled THEN GREATEST(COALESCE(last_run_at, now()), now()) "
                        + "ELSE last_run_at END WHERE id = ?",
                enabled, timestamp(next), enabled, enabled, enabled, id);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM " + TABLE + " WHERE id = ?", id) > 0;
    }

    private static final String DEFINITION_COLUMNS = "name, task_name, kind, cron, interval_seconds, solar_event, "
            + "latitude, longitude, run_at, timezone, start_at, expires_at, enabled, args, kwargs, queue, priority, "
            + "misfire_policy, catch_up_seconds";

    /** The definition's values in the order of DEFINITION_COLUMNS, then {@code more}. */
    private static Object[] values(StoredSchedule.Definition d, Object... more) {
        StoredSchedule.SpecFields f = StoredSchedule.SpecFields.of(d.spec());
        List<Object> values = new java.util.ArrayList<>(java.util.Arrays.asList(d.name(), d.taskName(),
                d.spec().kind(), f.cron(), f.intervalSeconds(), f.solarEvent(), f.latitude(), f.longitude(),
                timestamp(f.runAt()),
                d.zone().getId(), timestamp(d.startAt()), timestamp(d.expiresAt()), d.enabled(), d.args(), d.kwargs(),
                d.queue(), d.priority(), d.misfirePolicy().name().toLowerCase(Locale.ROOT),
                (int) d.catchUp().toSeconds()));
        values.addAll(java.util.Arrays.asList(more));
        return values.toArray();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static StoredSchedule row(ResultSet row) throws SQLException {
        ScheduleSpec spec = switch (row.getString("kind")) {
            case "cron" -> new ScheduleSpec.Cron(row.getString("cron"));
            case "interval" -> new ScheduleSpec.Interval(Duration.ofSeconds(row.getLong("interval_seconds")));
            case "solar" -> new ScheduleSpec.Solar(SolarEvent.valueOf(row.getString("solar_event").toUpperCase(Locale.ROOT)),
                    row.getDouble("latitude"), row.getDouble("longitude"));
            default -> new ScheduleSpec.OneOff(row.getTimestamp("run_at").toInstant());
        };
        return new StoredSchedule(row.getObject("id", UUID.class), row.getString("name"), row.getString("task_name"),
                spec, ZoneId.of(row.getString("timezone")), instant(row, "start_at"), instant(row, "expires_at"),
                row.getBoolean("enabled"), row.getString("args"), row.getString("kwargs"), row.getString("queue"),
                row.getObject("priority", Integer.class),
                MisfirePolicy.valueOf(row.getString("misfire_policy").toUpperCase(Locale.ROOT)),
                Duration.ofSeconds(row.getInt("catch_up_seconds")), row.getString("source"), instant(row, "last_run_at"),
                row.getLong("total_runs"), instant(row, "next_run_at"), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
