package io.chard.database;

import io.chard.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short-lived role skips Flyway only on a database that holds every migration it ships. */
class SchemaCheckTest {
    private static final String ENABLED = DatabaseProperties.MIGRATE;
    private static final String LOCATIONS = DatabaseProperties.LOCATIONS;

    @Test
    void aFreshDatabaseIsMigratedAndOnceMigratedFlywayIsSkipped() {
        Map<String, Object> properties = TestPostgres.properties();
        assertFalse(SchemaCheck.current(properties), "no history table yet");
        assertEquals(true, SchemaCheck.skipMigrationWhenCurrent(new HashMap<>(properties)).get(ENABLED));
        try (ApplicationContext migrating = ApplicationContext.run(properties)) {
            assertTrue(migrating.getBean(Jdbc.class).count("SELECT count(*) FROM flyway_schema_history") > 0);
        }
        assertTrue(SchemaCheck.current(properties));
        assertEquals(false, SchemaCheck.skipMigrationWhenCurrent(new HashMap<>(properties)).get(ENABLED));
    }

    @Test
    void aDatabaseLackingOneOfTheRolesMigrationsIsMigrated() {
        Map<String, Object> properties = TestPostgres.properties();
        try (ApplicationContext migrating = ApplicationContext.run(properties)) {
            assertTrue(SchemaCheck.current(properties));
        }
        // A newer build of the role brings V900: the database lacks it, so Flyway runs and applies it.
        Map<String, Object> newer = new HashMap<>(properties);
        newer.put(LOCATIONS, properties.get(LOCATIONS) + ",classpath:db/chard/later");
        assertFalse(SchemaCheck.current(newer));
        Map<String, Object> starting = SchemaCheck.skipMigrationWhenCurrent(new HashMap<>(newer));
        assertEquals(true, starting.get(ENABLED));
        try (ApplicationContext migrating = ApplicationContext.run(starting)) {
            assertEquals(1, migrating.getBean(Jdbc.class).count(
                    "SELECT count(*) FROM flyway_schema_history WHERE version = '900' AND success"));
        }
        assertTrue(SchemaCheck.current(newer));
    }

    @Test
    void locationsItFindsNothingInLeaveTheDecisionToFlyway() {
        Map<String, Object> properties = TestPostgres.properties();
        properties.put(LOCATIONS, "classpath:db/chard/none,filesystem:/nowhere");
        assertFalse(SchemaCheck.current(properties), "nothing listed is not knowing");
    }

    @Test
    void anUnreachableDatabaseLeavesTheMigrationToFlywayWhichReportsIt() {
        Map<String, Object> properties = new HashMap<>(DatabaseProperties.defaults());
        properties.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:1/none");
        properties.put("datasources.default.username", "x");
        properties.put("datasources.default.password", "x");
        assertEquals(true, SchemaCheck.skipMigrationWhenCurrent(properties).get(ENABLED));
    }

    @Test
    void theVersionsShippedAreReadFromJarsAsFromFolders(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("role.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (String name : new String[] {"db/chard/x/", "db/chard/x/V7__seven.sql", "db/chard/x/V8_1__eight.sql",
                    "db/chard/x/notes.txt", "db/chard/x/nested/", "db/chard/x/nested/V9__in_a_subfolder.sql"}) {
                out.putNextEntry(new JarEntry(name));
                out.write("SELECT 1;".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        Path folder = Files.createDirectories(dir.resolve("classes/db/chard/y/2027"));
        Files.writeString(folder.resolve("V10__ten.sql"), "SELECT 1;");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL(),
                dir.resolve("classes").toUri().toURL()}, null)) {
            // Flyway searches subfolders too, and stores V8_1 as version 8.1.
            assertEquals(Set.of("7", "8.1", "9", "10"),
                    SchemaCheck.shipped("classpath:db/chard/x, classpath:db/chard/y,classpath:db/chard/none", loader));
        }
    }
}
