package io.chard.history;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The history table's daily partitions: creates the days ahead, drops the days past the retention, and purges
 * the DEFAULT partition (ids that are not UUIDv7) row by row. Day D holds the ids from the first UUIDv7 of D
 * (UTC) to the first of D + 1, so every change of an execution reaches the partition its id names.
 */
@Singleton
public final class HistoryPartitions {
    /**
     * Days created ahead of today. A week lets beat (which runs the maintenance) stay down for six days before
     * new executions fall into the DEFAULT partition; even then nothing is lost, and the day created late takes
     * its rows out of the default.
     */
    public static final int DAYS_AHEAD = 7;
    static final String DEFAULT_PARTITION = HistoryStore.TABLE + "_default";
    private static final Logger LOG = LoggerFactory.getLogger(HistoryPartitions.class);
    private static final String PREFIX = HistoryStore.TABLE + "_p";
    private static final Pattern DAY_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{8})");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    /** Serialises maintenance runs (two beats, or a run and a test) over the partitions' DDL. */
    private static final long LOCK = 0x6368617264L;
    /**
     * Attaching and detaching take strong locks on the table; waiting behind a long admin query must not stop
     * the recorder's writes (queued behind the lock) for longer than this. The next run tries again.
     */
    private static final String LOCK_TIMEOUT = "5s";

    private final DataSource dataSource;

    public HistoryPartitions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The existing daily partitions, oldest first. */
    public List<LocalDate> days() {
        List<LocalDate> days = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT c.relname FROM pg_inherits i "
                     + "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ?::regclass ORDER BY 1")) {
            statement.setString(1, HistoryStore.TABLE);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Matcher day = DAY_NAME.matcher(rows.getString(1));
                    if (day.matches()) {
                        days.add(LocalDate.parse(day.group(1), DAY));
                    }
                }
            }
            return days;
        } catch (SQLException e) {
            throw new IllegalStateException("listing the history's partitions failed: " + e.getMessage(), e);
        }
    }

    /** Creates the partitions of {@code today} and the {@link #DAYS_AHEAD} days after it that are missing. */
    public List<LocalDate> createAhead(LocalDate today) {
        List<LocalDate> existing = days();
        List<LocalDate> created = new ArrayList<>();
        for (LocalDate day = today; !day.isAfter(today.plusDays(DAYS_AHEAD)); day = day.plusDays(1)) {
            if (!existing.contains(day)) {
                create(day);
                created.add(day);
            }
        }
        return created;
    }

    /**
     * Creates day {@code day}'s partition. Rows of that day already in the DEFAULT partition (written while the
     * day had no partition) move into it in the same transaction, since PostgreSQL refuses a new partition whose
     * range the default still holds rows of.
     */
    public void create(LocalDate day) {
        String name = PREFIX + DAY.format(day);
        String range = " FOR VALUES FROM ('" + firstIdOf(day) + "') TO ('" + firstIdOf(day.plusDays(1)) + "')";
        String inRange = " WHERE id >= '" + firstIdOf(day) + "' AND id < '" + firstIdOf(day.plusDays(1)) + "'";
        inTransaction(statement -> {
            boolean strays;
            try (ResultSet rows = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + DEFAULT_PARTITION
                    + inRange + ")")) {
                strays = rows.next() && rows.getBoolean(1);
            }
            if (!strays) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF " + HistoryStore.TABLE + range);
                return;
            }
            statement.execute("CREATE TABLE " + name + " (LIKE " + HistoryStore.TABLE
                    + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
            int moved = statement.executeUpdate("WITH moved AS (DELETE FROM " + DEFAULT_PARTITION + inRange
                    + " RETURNING *) INSERT INTO " + name + " SELECT * FROM moved");
            statement.execute("ALTER TABLE " + HistoryStore.TABLE + " ATTACH PARTITION " + name + range);
            LOG.info("history partition {} created late: moved its {} rows out of the default partition", name, moved);
        });
    }

    /**
     * Drops the daily partitions wholly before {@code cutoff} (their day ended at or before it), keeping the rows
     * whose status is one of {@code kept}: those move to the DEFAULT partition, whose row purge handles them
     * once they end. Answers the rows the dropped partitions held (PostgreSQL's estimate, from the statistics).
     */
    public long dropBefore(Instant cutoff, String[] kept) {
        long dropped = 0;
        for (LocalDate day : days()) {
            if (firstInstantOf(day.plusDays(1)).isAfter(cutoff)) {
                break;
            }
            dropped += drop(day, kept);
        }
        return dropped;
    }

    private long drop(LocalDate day, String[] kept) {
        String name = PREFIX + DAY.format(day);
        long[] rows = {0};
        inTransaction(statement -> {
            try (ResultSet estimate = statement.executeQuery(
                    "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = '" + name + "'::regclass")) {
                rows[0] = estimate.next() ? estimate.getLong(1) : 0;
            }
            statement.execute("ALTER TABLE " + HistoryStore.TABLE + " DETACH PARTITION " + name);
            try (PreparedStatement keep = statement.getConnection().prepareStatement("INSERT INTO "
                    + HistoryStore.TABLE + " SELECT * FROM " + name + " WHERE status = ANY(?)")) {
                keep.setObject(1, kept);
                int moved = keep.executeUpdate();
                LOG.info("history partition {} dropped (~{} rows); {} unfinished rows kept in the default partition",
                        name, rows[0], moved);
            }
            statement.execute("DROP TABLE " + name);
        });
        return rows[0];
    }

    /**
     * Deletes the DEFAULT partition's rows whose status is one of {@code purged} and that ended (or, never ended,
     * were queued) before {@code cutoff}, {@code batch} rows per statement so no statement holds long locks; and,
     * whatever their status, rows that never had their execution's {@code enqueued} event and have not changed since
     * the cutoff. Such a row is a late event's (a zombie's refused report after its day was dropped): it has no times
     * and takes the default status, so the first condition never reached it, and it stayed pending for good.
     */
    public long purgeDefault(Instant cutoff, String[] purged, int batch) {
        long deleted = 0;
        int last;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("DELETE FROM " + DEFAULT_PARTITION
                     + " WHERE id IN (SELECT id FROM " + DEFAULT_PARTITION + " WHERE status = ANY(?) "
                     + "AND COALESCE(finished_at, queued_at) < ? OR queued_at IS NULL AND updated_at < ? LIMIT ?)")) {
            statement.setObject(1, purged);
            statement.setTimestamp(2, Timestamp.from(cutoff));
            statement.setTimestamp(3, Timestamp.from(cutoff));
            statement.setInt(4, batch);
            do {
                last = statement.executeUpdate();
                deleted += last;
            } while (last == batch);
            return deleted;
        } catch (SQLException e) {
            throw new IllegalStateException("purging the history's default partition failed: " + e.getMessage(), e);
        }
    }

    /** The lowest UUIDv7 of {@code day} (UTC): its first millisecond in the 48 time bits, every other bit 0. */
    public static UUID firstIdOf(LocalDate day) {
        return new UUID(firstInstantOf(day).toEpochMilli() << 16, 0);
    }

    private static Instant firstInstantOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    @FunctionalInterface
    private interface Work {
        void run(Statement statement) throws SQLException;
    }

    private void inTransaction(Work work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                statement.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                work.run(statement);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("changing the history's partitions failed: " + e.getMessage(), e);
        }
    }
}
