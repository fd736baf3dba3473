package io.chard.database;

import java.util.Map;

/**
 * The Micronaut properties every process with a PostgreSQL connection needs, whatever launched it.
 *
 * <p>Each module owns its migrations under {@code db/chard/<module>}, in a version range of its own
 * (settings 1-99, history 100-199, beat 200-299, admin 300-399). A role migrates only the modules on its
 * classpath, so Flyway runs out of order (admin-api may start after the recorder applied V100 and still apply
 * V1) and ignores applied migrations another role brought: below the role's newest ("missing": admin-api does not
 * have beat's V200) and above it ("future": beat and the recorder do not have admin-api's V300). Flyway ignores
 * future ones only by default, and setting the patterns replaces that default, so both are named.
 */
public final class DatabaseProperties {
    private static final String FLYWAY = "flyway.datasources.default.";
    /** Whether this role's start runs Flyway. */
    static final String MIGRATE = FLYWAY + "enabled";
    /** Where this role's migrations are (comma-separated {@code classpath:} folders). */
    static final String LOCATIONS = FLYWAY + "locations";

    public static Map<String, Object> defaults() {
        return Map.of(
                MIGRATE, true,
                LOCATIONS, "classpath:db/chard/settings,classpath:db/chard/history,"
                        + "classpath:db/chard/beat,classpath:db/chard/admin",
                FLYWAY + "out-of-order", true,
                FLYWAY + "ignore-migration-patterns", "*:missing,*:future",
                "datasources.default.driver-class-name", "org.postgresql.Driver",
                "datasources.default.maximum-pool-size", 8,
                "datasources.default.connection-timeout", 5_000);
    }

    private DatabaseProperties() {
    }
}
