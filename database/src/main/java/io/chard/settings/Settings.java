package io.chard.settings;

import io.chard.database.Jdbc;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Engine settings kept in the database, seeded from {@code CHARD_<KEY>} environment variables at first boot
 * only (afterwards the database value is authoritative, so an operator's change survives redeploys).
 */
@Singleton
public final class Settings {

    /** The settings read from the database, with their defaults; none needs a restart (each is read per use). */
    public enum Key {
        STUCK_AFTER_SECONDS("300"),
        STUCK_SWEEP_INTERVAL_SECONDS("60"),
        PURGE_INTERVAL_SECONDS("86400"),
        RETENTION_DAYS("14");

        private final String fallback;

        Key(String fallback) {
            this.fallback = fallback;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        String environmentVariable() {
            return "CHARD_" + name();
        }
    }

    private final Jdbc jdbc;
    private volatile boolean seeded;

    public Settings(Jdbc jdbc) {
        this.jdbc = jdbc;
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
    public record Entry(String key, String value, boolean requiresRestart, Instant updatedAt) {
    }

    /** Every stored setting, by key. */
    public List<Entry> entries() {
        seed(System.getenv());
        return jdbc.list("SELECT key, value, requires_restart, updated_at FROM background_tasks_setting ORDER BY key",
                row -> new Entry(row.getString(1), row.getString(2), row.getBoolean(3),
                        row.getTimestamp(4).toInstant()));
    }

    public void set(Key key, long value) {
        seed(System.getenv());
        jdbc.update("UPDATE background_tasks_setting SET value = ?, updated_at = now() WHERE key = ?",
                Long.toString(value), key.key());
    }

    /** Writes each missing setting from the environment (or its default); existing values are kept. */
    void seed(Map<String, String> environment) {
        if (seeded) {
            return;
        }
        for (Key key : Key.values()) {
            String value = environment.getOrDefault(key.environmentVariable(), key.fallback);
            Long.parseLong(value);
            jdbc.update("INSERT INTO background_tasks_setting (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    key.key(), value);
        }
        seeded = true;
    }
}
