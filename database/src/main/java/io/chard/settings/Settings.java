package io.chard.settings;

import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.chard.database.Jdbc;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Engine settings kept in the database, seeded from {@code CHARD_<KEY>} environment variables at first boot
 * only (afterwards the database value is authoritative, so an operator's change survives redeploys). What each one
 * is read by, and so when a change holds, is its {@link Applies}.
 */
@Singleton
public final class Settings {
    /**
     * The largest number of days or seconds a setting takes: 100 years. Larger ones overflow the date arithmetic of
     * the sweep and the purge (an instant that far back fails), so they are refused here rather than there.
     */
    static final long MAX_DAYS = 36_500;
    static final long MAX_SECONDS = MAX_DAYS * 86_400;
    /** Beyond a hundred retries a failure is not transient: a ceiling that catches a typo (1000 for 10). */
    static final long MAX_RETRIES = 100;

    /** When a change of a setting takes effect, from who reads it. */
    public enum Applies {
        /** Read from PostgreSQL at each use (beat's sweep and purge): the next use sees it. */
        NEXT_USE,
        /**
         * Copied to Redis by admin-api ({@code SettingsMirror}) for processes without a database (dispatchers,
         * workers, Lambda functions), which read the copy again every {@code TaskDefaults.REFRESH}: within seconds.
         */
        WITHIN_SECONDS,
        /** Read once when a process starts: a change holds from the next start. */
        RESTART
    }

    /** The values a setting takes; {@link #check} turns an operator's text into the stored one or refuses it. */
    public enum Kind {
        SECONDS, DAYS, RETRIES, QUEUE, BOOLEAN;

        /** The value as stored (trimmed, canonical), or an {@link IllegalArgumentException} saying what is allowed. */
        String check(String key, String raw) {
            String value = raw == null ? "" : raw.trim();
            return switch (this) {
                case SECONDS -> wholeNumber(key, value, 1, MAX_SECONDS);
                case DAYS -> wholeNumber(key, value, 1, MAX_DAYS);
                case RETRIES -> wholeNumber(key, value, 0, MAX_RETRIES);
                case QUEUE -> {
                    if (!TaskClient.validQueueName(value)) {
                        throw new IllegalArgumentException(key + " must be a queue name, 1-100 letters, digits, '_',"
                                + " '-' or '.', got " + raw);
                    }
                    yield value;
                }
                case BOOLEAN -> {
                    String lower = value.toLowerCase(Locale.ROOT);
                    if (!lower.equals("true") && !lower.equals("false")) {
                        throw new IllegalArgumentException(key + " must be true or false, got " + raw);
                    }
                    yield lower;
                }
            };
        }

        private static String wholeNumber(String key, String value, long min, long max) {
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                number = min - 1;
            }
            if (number < min || number > max) {
                throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max
                        + ", got " + (value.isEmpty() ? "nothing" : value));
            }
            return Long.toString(number);
        }
    }

    /**
     * The stored settings. The seed's {@code broker_url} and {@code result_backend} are not among them: a process
     * needs them to reach any stored setting at all, so they stay each process's own configuration (see
     * docs/architecture.md, "Stored settings").
     */
    public enum Key {
        STUCK_AFTER_SECONDS(Kind.SECONDS, Applies.NEXT_USE),
        STUCK_SWEEP_INTERVAL_SECONDS(Kind.SECONDS, Applies.NEXT_USE),
        PURGE_INTERVAL_SECONDS(Kind.SECONDS, Applies.NEXT_USE),
        RETENTION_DAYS(Kind.DAYS, Applies.NEXT_USE),
        /** How long admin-api keeps its audit log ({@code AuditRetention}): a year unless set. */
        AUDIT_RETENTION_DAYS(Kind.DAYS, Applies.NEXT_USE),
        /** Named as {@code TaskDefaults.DEFAULT_QUEUE}, the field of the Redis copy (SettingsApiTest checks both). */
        TASK_DEFAULT_QUEUE(Kind.QUEUE, Applies.WITHIN_SECONDS),
        MAX_RETRIES(Kind.RETRIES, Applies.WITHIN_SECONDS),
        TASK_ALWAYS_EAGER(Kind.BOOLEAN, Applies.RESTART),
        TASK_EAGER_PROPAGATES(Kind.BOOLEAN, Applies.RESTART);

        private final Kind kind;
        private final Applies applies;

        Key(Kind kind, Applies applies) {
            this.kind = kind;
            this.applies = applies;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public Kind kind() {
            return kind;
        }

        public Applies applies() {
            return applies;
        }

        /** The value as stored, or an {@link IllegalArgumentException} whose message names the key and the range. */
        public String check(String raw) {
            return kind.check(key(), raw);
        }

        public static Optional<Key> of(String key) {
            return Arrays.stream(values()).filter(k -> k.key().equals(key)).findFirst();
        }

        /** The value a first boot stores without a {@code CHARD_<KEY>} variable: the engine's own default. */
        String fallback(ChardConfig config) {
            return switch (this) {
                case STUCK_AFTER_SECONDS -> "300";
                case STUCK_SWEEP_INTERVAL_SECONDS -> "60";
                case PURGE_INTERVAL_SECONDS -> "86400";
                case RETENTION_DAYS -> "14";
                case AUDIT_RETENTION_DAYS -> "365";
                // From this process's chard.default-queue / chard.max-retries, so a deployment that set those keeps them.
                case TASK_DEFAULT_QUEUE -> config.defaultQueue();
                case MAX_RETRIES -> Integer.toString(config.maxRetries());
                case TASK_ALWAYS_EAGER -> "false";
                case TASK_EAGER_PROPAGATES -> "true";
            };
        }

        String environmentVariable() {
            return "CHARD_" + name();
        }
    }

    private final Jdbc jdbc;
    private final ChardConfig config;
    private volatile boolean seeded;

    public Settings(Jdbc jdbc, ChardConfig config) {
        this.jdbc = jdbc;
        this.config = config;
    }

    public long number(Key key) {
        return Long.parseLong(all().get(key.key()));
    }

    public Map<String, String> all() {
        seed(System.getenv());
        Map<String, String> values = new LinkedHashMap<>();
        jdbc.list("SELECT key, value FROM background_tasks_setting ORDER BY key",
                row -> values.put(row.getString(1), row.getString(2)));
        return values;
    }

    /** One stored setting as the settings page shows it. */
    public record Entry(Key setting, String value, Instant updatedAt) {
    }

    /** Every stored setting Chard knows, by key (a row an older or newer version left is not shown). */
    public List<Entry> entries() {
        seed(System.getenv());
        List<Entry> entries = new ArrayList<>();
        jdbc.list("SELECT key, value, updated_at FROM background_tasks_setting ORDER BY key", row -> {
            String value = row.getString(2);
            Instant updatedAt = row.getTimestamp(3).toInstant();
            Key.of(row.getString(1)).ifPresent(key -> entries.add(new Entry(key, value, updatedAt)));
            return null;
        });
        return entries;
    }

    /** Stores a value {@link Key#check} returned; answers the value it replaced. */
    public String set(Key key, String value) {
        seed(System.getenv());
        return jdbc.one("""
                        UPDATE background_tasks_setting AS setting SET value = ?, updated_at = now()
                        FROM (SELECT key, value FROM background_tasks_setting WHERE key = ? FOR UPDATE) AS previous
                        WHERE setting.key = previous.key RETURNING previous.value""",
                row -> row.getString(1), key.check(value), key.key()).orElseThrow();
    }

    /** Writes each missing setting from the environment (or its default); existing values are kept. */
    void seed(Map<String, String> environment) {
        if (seeded) {
            return;
        }
        for (Key key : Key.values()) {
            String variable = key.environmentVariable();
            String value;
            try {
                value = key.check(environment.getOrDefault(variable, key.fallback(config)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the first value of a stored setting comes from " + variable + ": "
                        + e.getMessage(), e);
            }
            jdbc.update("INSERT INTO background_tasks_setting (key, value, requires_restart) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", key.key(), value, key.applies() == Applies.RESTART);
        }
        seeded = true;
    }
}
