package io.chard.database;

import io.chard.config.ChardSettings;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether a database already holds every migration a role ships, answered with one query instead of Flyway's start:
 * Flyway builds its configuration (its plugins looked up as services across every jar), scans the locations and
 * validates each applied migration's checksum, 180 ms of a beat function's 900 ms cold start on a 2-core machine.
 * A short-lived role (the beat function) starts Flyway only when this answers no; a migration applied since with
 * different content is then not noticed by that role, as every long-lived role (admin-api, ./chard beat, the
 * recorder) still validates at its start.
 *
 * <p>Answers no whenever it cannot tell (no history table yet, the database unreachable, a location it cannot list),
 * so that Flyway runs and says what is wrong as it always did.
 */
public final class SchemaCheck {
    /** Flyway's versioned SQL migration name; its version's underscores are stored as dots (V1_1 is 1.1). */
    private static final Pattern VERSIONED = Pattern.compile("V(.+?)__.+\\.sql");

    /**
     * The role's properties with Flyway switched off when the database named there holds every migration under its
     * locations; else unchanged.
     */
    public static Map<String, Object> skipMigrationWhenCurrent(Map<String, Object> properties) {
        if (Boolean.TRUE.equals(properties.get(DatabaseProperties.MIGRATE)) && current(properties)) {
            properties.put(DatabaseProperties.MIGRATE, false);
        }
        return properties;
    }

    static boolean current(Map<String, Object> properties) {
        Set<String> shipped;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            shipped = shipped(String.valueOf(properties.get(DatabaseProperties.LOCATIONS)),
                    loader != null ? loader : SchemaCheck.class.getClassLoader());
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return false;
        }
        // Nothing found to compare (a location it could not list) is not knowing: Flyway decides.
        return !shipped.isEmpty() && applied(properties).containsAll(shipped);
    }

    /**
     * The versions of the migrations under {@code locations} (comma-separated {@code classpath:} folders, searched
     * with their subfolders, as Flyway searches them). A file Flyway would take for a versioned migration but whose
     * name this cannot read fails the listing, so that Flyway decides.
     */
    static Set<String> shipped(String locations, ClassLoader loader) throws IOException, URISyntaxException {
        Set<String> versions = new TreeSet<>();
        for (String location : locations.split(",")) {
            String folder = location.trim().replaceFirst("^classpath:", "");
            for (URL url : Collections.list(loader.getResources(folder))) {
                for (String name : fileNames(url, folder)) {
                    Matcher versioned = VERSIONED.matcher(name);
                    if (versioned.matches()) {
                        versions.add(versioned.group(1).replace('_', '.'));
                    } else if (name.startsWith("V") && name.endsWith(".sql")) {
                        throw new IllegalStateException("cannot read the version of migration " + name);
                    }
                }
            }
        }
        return versions;
    }

    /** The names of the files under the folder {@code url} points at, at any depth. */
    private static List<String> fileNames(URL url, String folder) throws IOException, URISyntaxException {
        if (url.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            // A JarFile of its own: the shared cached one must stay open for whoever else reads that jar.
            connection.setUseCaches(false);
            String prefix = folder.endsWith("/") ? folder : folder + "/";
            try (JarFile jar = connection.getJarFile()) {
                return jar.stream().map(JarEntry::getName)
                        .filter(name -> name.startsWith(prefix) && !name.endsWith("/"))
                        .map(name -> name.substring(name.lastIndexOf('/') + 1)).toList();
            }
        }
        try (Stream<Path> files = Files.walk(Path.of(url.toURI()))) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).toList();
        }
    }

    /** The versions Flyway applied successfully; none when the history table or the database cannot be read. */
    private static Set<String> applied(Map<String, Object> properties) {
        Set<String> versions = new HashSet<>();
        Properties login = new Properties();
        login.put("user", String.valueOf(properties.get(ChardSettings.JDBC_USER)));
        login.put("password", String.valueOf(properties.get(ChardSettings.JDBC_PASSWORD)));
        // Seconds, and short: an unreachable database is Flyway's and the pool's to report, within Lambda's 10 s for
        // a function's init.
        login.put("connectTimeout", "2");
        login.put("socketTimeout", "2");
        String url = String.valueOf(properties.get(ChardSettings.JDBC_URL));
        if (!url.startsWith("jdbc:postgresql:")) {
            return Set.of();
        }
        // The driver itself, as the pool uses it: DriverManager would first look up every driver as a service.
        try (Connection connection = new org.postgresql.Driver().connect(url, login);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        } catch (SQLException e) {
            return Set.of();
        }
        return versions;
    }

    private SchemaCheck() {
    }
}
