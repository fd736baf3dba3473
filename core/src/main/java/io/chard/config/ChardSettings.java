package io.chard.config;

/** Every configuration key Chard reads, in one place. Environment variables map as Micronaut maps them. */
public final class ChardSettings {
    public static final String PREFIX = "chard";

    public static final String NAMESPACE = PREFIX + ".namespace";
    public static final String DEFAULT_QUEUE = PREFIX + ".default-queue";
    public static final String MAX_RETRIES = PREFIX + ".max-retries";
    public static final String LEASE_DURATION = PREFIX + ".lease-duration";
    public static final String RESULT_TTL = PREFIX + ".result-ttl";
    public static final String MAX_PAYLOAD_BYTES = PREFIX + ".max-payload-bytes";
    /** Partitions (hash slots) per namespace; 1 keeps every key under the one tag {@code {namespace}}. */
    public static final String PARTITIONS = PREFIX + ".partitions";
    /** Seed URIs of a Redis Cluster, comma-separated ({@code CHARD_REDIS_CLUSTER}); wins over {@link #REDIS_URI}. */
    public static final String REDIS_CLUSTER = PREFIX + ".redis-cluster";
    /** How long a queue may go unused (no work entering it, nothing in it) before the maintenance forgets it. */
    public static final String QUEUE_RETENTION = PREFIX + ".queue-retention";
    /** Per queue, cluster-wide: {@code <queue>.rate-limit}, {@code <queue>.concurrency} ({@link QueueLimitConfig}). */
    public static final String QUEUE_LIMITS = PREFIX + ".queue-limits";

    public static final String WORKER = PREFIX + ".worker";
    public static final String WORKER_ENABLED = WORKER + ".enabled";
    public static final String WORKER_QUEUES = WORKER + ".queues";
    public static final String WORKER_CONCURRENCY = WORKER + ".concurrency";
    public static final String WORKER_PREFETCH = WORKER + ".prefetch";
    public static final String WORKER_SHUTDOWN_GRACE = WORKER + ".shutdown-grace";
    /** The worker's Prometheus scrape port (/metrics, /health); unset: no port is opened. */
    public static final String WORKER_METRICS_PORT = WORKER + ".metrics-port";

    public static final String BEAT_ENABLED = PREFIX + ".beat.enabled";
    /** Beat's Prometheus scrape port (/metrics, /health) in the long-lived beat; unset: no port is opened. */
    public static final String BEAT_METRICS_PORT = PREFIX + ".beat.metrics-port";

    /** Test mode (the chard-test module): dispatches run inline in the caller, as Celery's task_always_eager. */
    public static final String TASK_ALWAYS_EAGER = PREFIX + ".task-always-eager";
    /** In test mode, a failing task's exception reaches the dispatcher (Celery's task_eager_propagates); true. */
    public static final String TASK_EAGER_PROPAGATES = PREFIX + ".task-eager-propagates";
    public static final String EVENTS = PREFIX + ".events";
    /** Bound on each partition's event stream, in entries (see {@link EventsConfig}). */
    public static final String EVENTS_MAX_LENGTH = EVENTS + ".max-length";
    /** false: no events are written, so no history is kept (the recorder has nothing to read). */
    public static final String HISTORY_ENABLED = PREFIX + ".history.enabled";
    /** The connections the recorder splits a large batch over (0, the default: 2, or 1 on a pool under 4). */
    public static final String HISTORY_WRITERS = PREFIX + ".history.writers";

    public static final String RECORDER_ENABLED = PREFIX + ".recorder.enabled";
    /** The recorder's consumer name in the stream's group; defaults to one made from the host. */
    public static final String RECORDER_CONSUMER = PREFIX + ".recorder.consumer";
    /** How long a short read of events waits for more before the batch is written (0: writes at once). */
    public static final String RECORDER_LINGER = PREFIX + ".recorder.linger";
    /** Set by admin-api's launcher: this process serves the admin API (and must have an administrator). */
    public static final String ADMIN_ENABLED = PREFIX + ".admin.enabled";
    /**
     * The first administrator, created when there are no users yet: {@code CHARD_ADMIN_USER} (default {@code admin})
     * and {@code CHARD_ADMIN_PASSWORD}. The key is what the variable maps to: named {@code .admin.username}, the
     * documented variable reached no key and the first administrator was always {@code admin}.
     */
    public static final String ADMIN_USER = PREFIX + ".admin.user";
    public static final String ADMIN_PASSWORD = PREFIX + ".admin.password";
    /** The session cookie is {@code Secure} (sent over HTTPS only); {@code ./chard dev} turns it off. */
    public static final String ADMIN_SECURE_COOKIE = PREFIX + ".admin.secure-cookie";

    public static final String REDIS_URI = "redis.uri";
    public static final String JDBC_URL = "datasources.default.url";
    public static final String JDBC_USER = "datasources.default.username";
    public static final String JDBC_PASSWORD = "datasources.default.password";

    private ChardSettings() {
    }
}
