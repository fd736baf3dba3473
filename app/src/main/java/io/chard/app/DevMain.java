package io.chard.app;

import io.chard.admin.AdminMain;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.micronaut.context.ApplicationContext;

import io.chard.admin.auth.Role;
import io.chard.admin.auth.UserRepository;
import io.chard.beat.MaintenanceTasks;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code ./chard dev}: the whole system in one JVM (admin-api with the recorder, a worker, beat, the example
 * tasks). Starts an embedded Redis and PostgreSQL unless {@code REDIS_URI} and {@code CHARD_JDBC_URL} name
 * running ones.
 */
public final class DevMain {

    /** How long Ctrl-C waits for the application before the servers are stopped anyway. */
    private static final long STOP_MILLIS = 2_500;

    public static void main(String[] args) throws IOException {
        LocalServers servers = LocalServers.start();
        Map<String, String> env = servers.environment();
        Map<String, Object> properties = LaunchProperties.server(env);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_QUEUES, "default," + MaintenanceTasks.QUEUE);
        properties.put(ChardSettings.BEAT_ENABLED, true);
        properties.put(ChardSettings.ADMIN_SECURE_COOKIE, false);
        String adminPassword = env.getOrDefault("CHARD_ADMIN_PASSWORD", "admin-" + secret());
        String viewerPassword = "viewer-" + secret();
        properties.put(ChardSettings.ADMIN_PASSWORD, adminPassword);
        ApplicationContext context = AdminMain.start(args, properties);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(context, servers), "chard-dev-stop"));
        UserRepository users = context.getBean(UserRepository.class);
        boolean viewerCreated = users.list().stream().noneMatch(user -> user.username().equals("viewer"));
        if (viewerCreated) {
            users.create("viewer", viewerPassword, List.of(Role.VIEWER));
        }
        int port = context.getProperty("micronaut.server.port", Integer.class).orElse(8080);
        System.out.printf("%nChard is running: http://localhost:%d/admin/background-tasks/  (health: /health)%n"
                + "  sign in as admin / %s%n%s"
                + "  the README shows how to dispatch with curl%n%n", port, adminPassword,
                viewerCreated ? "  or as viewer / " + viewerPassword + System.lineSeparator() : "");
    }

    /**
     * Ctrl-C: the application first (Micronaut's own hook may be closing it at the same moment, so wait until it
     * has stopped, at most {@link #STOP_MILLIS}), then the servers it was using.
     */
    private static void stop(ApplicationContext context, LocalServers servers) {
        long deadline = System.currentTimeMillis() + STOP_MILLIS;
        Thread closing = Thread.ofPlatform().daemon().start(context::close);
        try {
            closing.join(STOP_MILLIS);
            while (context.isRunning() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        servers.close();
    }

    /** A fresh password for this run of the local mode: it is printed, never a default baked in. */
    private static String secret() {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
