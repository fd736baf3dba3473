package io.chard.admin;

import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.database.DatabaseProperties;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.runtime.Micronaut;

import io.chard.admin.auth.Sessions;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * admin-api as a process ({@code ./chard admin}): the HTTP API and the history recorder. Redis from
 * {@code REDIS_URI}, PostgreSQL from {@code CHARD_JDBC_URL}, {@code CHARD_JDBC_USER},
 * {@code CHARD_JDBC_PASSWORD}; port from {@code CHARD_HTTP_PORT} (8080).
 */
public final class AdminMain {

    public static void main(String[] args) {
        start(args, LaunchProperties.server(System.getenv()));
    }

    /**
     * Starts admin-api with {@code properties} over the defaults every admin-api process needs. Micronaut stops it
     * from a JVM shutdown hook of its own.
     */
    public static ApplicationContext start(String[] args, Map<String, Object> properties) {
        return builder(args, properties).start();
    }

    /**
     * The same application, not started: for a launcher that starts and stops it itself, in an order of its own
     * ({@code ./chard dev}); {@code build().start()} registers no shutdown hook, where {@link #start} does.
     */
    public static ApplicationContextBuilder builder(String[] args, Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(defaults());
        all.putAll(properties);
        return Micronaut.build(args).properties(all).deduceEnvironment(false).banner(false);
    }

    public static Map<String, Object> defaults() {
        Map<String, Object> defaults = new HashMap<>(DatabaseProperties.defaults());
        defaults.put(ChardSettings.RECORDER_ENABLED, true);
        defaults.put(ChardSettings.ADMIN_ENABLED, true);
        defaults.put("micronaut.server.max-request-size", 4 * 1024 * 1024);
        // Micronaut's management endpoints are on by default and "sensitive" means any signed-in user: a viewer
        // could read the environment and the thread dump, change log levels (/loggers) and refresh beans (/refresh),
        // and /beans, /routes and /threaddump answered 500 with a stack trace in the log at each call. Only /health.
        defaults.put("endpoints.all.enabled", false);
        defaults.put("endpoints.health.enabled", true);
        defaults.put("endpoints.health.sensitive", false);
        defaults.put("endpoints.health.details-visible", "ANONYMOUS");
        // Replaced by DatabaseHealthIndicator, which answers within a second while PostgreSQL is down.
        defaults.put("endpoints.health.jdbc.enabled", false);
        // Metrics are served at /metrics by MetricsController; the management endpoints of the same data are off.
        defaults.put("endpoints.metrics.enabled", false);
        defaults.put("endpoints.prometheus.enabled", false);
        defaults.putAll(security());
        defaults.put("micronaut.router.static-resources.admin.enabled", true);
        defaults.put("micronaut.router.static-resources.admin.paths", "classpath:public/admin/background-tasks");
        defaults.put("micronaut.router.static-resources.admin.mapping", "/admin/background-tasks/**");
        return defaults;
    }

    /**
     * Sessions are JWTs signed with {@code CHARD_JWT_SECRET} (at least 32 characters); without it each start
     * draws a random secret, which signs everyone out on restart and cannot be shared by several instances.
     */
    private static Map<String, Object> security() {
        String secret = jwtSecret(System.getenv().getOrDefault("CHARD_JWT_SECRET", ""));
        Map<String, Object> security = new HashMap<>();
        security.put("micronaut.security.enabled", true);
        security.put("micronaut.security.redirect.enabled", false);
        // An unknown route answers 404 (in the error envelope) rather than 403, which sent people hunting for a
        // missing permission.
        security.put("micronaut.security.reject-not-found", false);
        security.put("micronaut.security.authentication", "cookie");
        security.put("micronaut.security.endpoints.login.enabled", false);
        security.put("micronaut.security.endpoints.logout.enabled", false);
        security.put("micronaut.security.token.jwt.signatures.secret.generator.secret", secret);
        security.put("micronaut.security.token.cookie.enabled", true);
        security.put("micronaut.security.token.cookie.cookie-name", Sessions.COOKIE);
        security.put("micronaut.security.token.bearer.enabled", true);
        security.put("micronaut.security.intercept-url-map", List.of(
                Map.of("pattern", "/admin/background-tasks/**", "access", List.of("isAnonymous()")),
                Map.of("pattern", "/health/**", "access", List.of("isAnonymous()"))));
        return security;
    }

    /**
     * The configured secret; a random one when none is set. One set but shorter than 32 characters stops the start:
     * replaced by a random secret per process, as it was, the sessions one instance signed failed on the others, at
     * random behind a load balancer, with nothing in the log to say why.
     */
    static String jwtSecret(String configured) {
        if (configured.isEmpty()) {
            byte[] random = new byte[48];
            new SecureRandom().nextBytes(random);
            return Base64.getEncoder().encodeToString(random);
        }
        if (configured.length() < 32) {
            throw new IllegalStateException("CHARD_JWT_SECRET must hold at least 32 characters, it holds "
                    + configured.length() + "; unset, each process draws a random one (sessions then end at a "
                    + "restart and are not shared between instances)");
        }
        return configured;
    }
}
