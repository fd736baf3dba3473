package io.chard.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns the launcher's environment variables into Micronaut properties. {@code CHARD_*} variables whose
 * names mirror a {@code chard.*} key (CHARD_WORKER_CONCURRENCY) are read by Micronaut itself; these are the
 * ones that name something else.
 */
public final class LaunchProperties {
    public static final String DEFAULT_REDIS_URI = "redis://localhost:6379";

    private LaunchProperties() {
    }

    public static Map<String, Object> broker(Map<String, String> env) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ChardSettings.REDIS_URI, env.getOrDefault("REDIS_URI", DEFAULT_REDIS_URI));
        return properties;
    }

    /** The broker, plus the history database and the HTTP port. */
    public static Map<String, Object> server(Map<String, String> env) {
        Map<String, Object> properties = broker(env);
        String jdbcUrl = env.get("CHARD_JDBC_URL");
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalStateException("CHARD_JDBC_URL is not set: the history needs a PostgreSQL database "
                    + "(for example jdbc:postgresql://localhost:5432/chard); `./chard dev` starts one for you");
        }
        properties.put(ChardSettings.JDBC_URL, jdbcUrl);
        properties.put(ChardSettings.JDBC_USER, env.getOrDefault("CHARD_JDBC_USER", "postgres"));
        properties.put(ChardSettings.JDBC_PASSWORD, env.getOrDefault("CHARD_JDBC_PASSWORD", ""));
        properties.put("micronaut.server.port", port(env, "CHARD_HTTP_PORT", 8080));
        return properties;
    }

    /** A TCP port from {@code variable}, else {@code fallback}: a sentence naming it, not a NumberFormatException. */
    public static int port(Map<String, String> env, String variable, int fallback) {
        String value = env.get(variable);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // refused below, with the value
        }
        throw new IllegalStateException(variable + " must be a TCP port (0-65535), got '" + value + "'");
    }
}
