package io.chard.app;

import io.chard.admin.AdminMain;
import io.chard.admin.auth.Role;
import io.chard.admin.auth.UserRepository;
import io.chard.beat.MaintenanceTasks;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.history.HistoryRecorder;
import io.chard.worker.Worker;
import io.chard.worker.WorkerConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code ./chard dev}: the whole system in one JVM (admin-api with the recorder, a worker, beat, the example
 * tasks, and an SQS-triggered queue served as on Lambda). Starts an embedded Redis, PostgreSQL and ElasticMQ unless
 * {@code REDIS_URI}, {@code CHARD_JDBC_URL} and {@code CHARD_SQS_ENDPOINT} name running ones. On SIGTERM, Ctrl-C or
 * SIGHUP it stops the application first (the workers finish or give back what runs), then the embedded servers,
 * and exits 0.
 */
public final class DevMain {
    private static final Logger LOG = LoggerFactory.getLogger(DevMain.class);

    /**
     * How long a stopping worker lets running tasks finish before giving them back, unless
     * {@code CHARD_WORKER_SHUTDOWN_GRACE} says otherwise: short, so that the whole stop fits in 3 s.
     */
    private static final String SHUTDOWN_GRACE = "1s";
    /**
     * How long the stop waits for the application beyond the workers' grace (for giving back, settling and the
     * rest of the context) before it stops the servers anyway.
     */
    private static final Duration BEYOND_GRACE = Duration.ofMillis(1_500);
    /** The Chard queues that dev serves through SQS, unless {@code CHARD_DEV_SQS_QUEUES} names others. */
    private static final String SQS_QUEUES = "sqs";

    /** What dev runs on the servers: the application (HTTP, recorder, worker, beat) and the SQS function. */
    private record Application(ApplicationContext context, LocalSqsFunction sqsFunction) {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        LocalServers servers;
        try {
            servers = LocalServers.start(EnumSet.allOf(LocalServers.Server.class));
        } catch (IOException | RuntimeException e) {
            // Exits: a server that failed half-way (ElasticMQ's actor system) may hold the JVM open.
            LOG.error("the local servers did not start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        Map<String, String> env = servers.environment();
        String adminPassword = env.getOrDefault("CHARD_ADMIN_PASSWORD", "admin-" + secret());
        String viewerPassword = "viewer-" + secret();
        Application application;
        try {
            application = start(args, env, adminPassword);
        } catch (RuntimeException e) {
            LOG.error("the application did not start; stopping the servers", e);
            servers.close();
            System.exit(1);
            return;
        }
        // Taken once there is something to stop in order; a signal during start-up ends the JVM as usual.
        StopSignals signals = StopSignals.install();
        UserRepository users = application.context().getBean(UserRepository.class);
        boolean viewerCreated = users.list().stream().noneMatch(user -> user.username().equals("viewer"));
        if (viewerCreated) {
            users.create("viewer", viewerPassword, List.of(Role.VIEWER));
        }
        // On a database of an earlier run the administrator exists already, with the password it was made with: the
        // one drawn now was printed all the same, and refused.
        String adminUser = env.getOrDefault("CHARD_ADMIN_USER", "admin");
        String adminSignIn = users.authenticate(adminUser, adminPassword).isPresent()
                ? "sign in as " + adminUser + " / " + adminPassword
                : "sign in with the administrator this database already has (its password is the one it was made with)";
        int port = application.context().getBean(EmbeddedServer.class).getPort();
        System.out.printf("%nChard is running: http://localhost:%d/admin/background-tasks/  (health: /health)%n"
                + "  %s%n%s"
                + "  queues served through SQS (%s): %s%n"
                + "  the README shows how to dispatch with curl%n%n", port, adminSignIn,
                viewerCreated ? "  or as viewer / " + viewerPassword + System.lineSeparator() : "",
                env.get("CHARD_SQS_ENDPOINT"), sqsQueues(env));
        String signal = signals.await();
        long started = System.nanoTime();
        LOG.info("SIG{}: stopping the application, then the servers", signal);
        stop(application, servers);
        LOG.info("stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
        System.exit(0);
    }

    private static Application start(String[] args, Map<String, String> env, String adminPassword) {
        String grace = env.getOrDefault("CHARD_WORKER_SHUTDOWN_GRACE", SHUTDOWN_GRACE);
        String sqsEndpoint = env.get("CHARD_SQS_ENDPOINT");
        Map<String, String> queueUrls = LocalSqsFunction.createQueues(sqsEndpoint, sqsQueues(env));
        Map<String, Object> properties = LaunchProperties.server(env);
        properties.put(ChardSettings.WORKER_ENABLED, true);
        properties.put(ChardSettings.WORKER_QUEUES, "default," + MaintenanceTasks.QUEUE);
        properties.put(ChardSettings.WORKER_SHUTDOWN_GRACE, grace);
        properties.put(ChardSettings.BEAT_ENABLED, true);
        properties.put(ChardSettings.ADMIN_SECURE_COOKIE, false);
        properties.put(ChardSettings.ADMIN_PASSWORD, adminPassword);
        properties.putAll(LocalSqsFunction.sqsProperties(sqsEndpoint, queueUrls));
        ApplicationContext context = AdminMain.builder(args, properties).build().start();
        try {
            context.getBean(EmbeddedServer.class).start();
            return new Application(context, LocalSqsFunction.start(env, sqsEndpoint, queueUrls,
                    Map.of(ChardSettings.WORKER_SHUTDOWN_GRACE, grace)));
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    private static List<String> sqsQueues(Map<String, String> env) {
        return List.of(env.getOrDefault("CHARD_DEV_SQS_QUEUES", SQS_QUEUES).split(","));
    }

    /** The application first, at most its workers' grace and {@link #BEYOND_GRACE}, then its servers. */
    private static void stop(Application application, LocalServers servers) throws InterruptedException {
        Duration patience = application.context().getBean(WorkerConfig.class).shutdownGrace().plus(BEYOND_GRACE);
        Thread closing = Thread.ofPlatform().name("chard-dev-stop").daemon().start(() -> close(application));
        closing.join(patience);
        if (closing.isAlive()) {
            LOG.warn("the application has not stopped after {} ms; stopping the servers anyway", patience.toMillis());
        }
        servers.close();
    }

    /**
     * The worker, the recorder and the SQS function side by side, as separate processes would stop: each may be
     * waiting up to a second on Redis or SQS (for work, for events, for messages), and one after the other those
     * waits added up. The workers give back what they could not finish; the recorder writes what it has read. Then
     * the rest of the application, whose own stops of the worker and the recorder find them stopped.
     */
    private static void close(Application application) {
        ApplicationContext context = application.context();
        HistoryRecorder recorder = context.getBean(HistoryRecorder.class);
        List<Thread> stopping = List.of(
                Thread.ofPlatform().name("chard-dev-stop-recorder").start(recorder::stop),
                Thread.ofPlatform().name("chard-dev-stop-sqs").start(application.sqsFunction()::close));
        context.getBean(Worker.class).stop();
        try {
            for (Thread thread : stopping) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }

    /** A fresh password for this run of the local mode: it is printed, never a default baked in. */
    private static String secret() {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
