package io.chard.app.bench;

import io.chard.broker.Broker;
import io.chard.broker.BrokerMonitor;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.Partitions;
import io.chard.broker.RedisBroker;
import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.database.DatabaseProperties;
import io.chard.history.HistoryRecorder;
import io.chard.history.HistoryWriter;
import io.chard.history.TaskFailed;
import io.chard.trace.TraceParent;
import io.chard.trace.Tracing;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures Chard beside a raw-Redis baseline in one run and prints a table: enqueue throughput (one call each,
 * and batched), processing throughput of one worker process (queue pre-filled; from the worker's start until
 * the last success is in the history table), dispatch-to-start latency at a steady 200 dispatches/s, and the
 * worker's memory. The baseline does the least the same job needs with plain Redis lists (no leases, no
 * events, no history), so the gap is what Chard's guarantees cost.
 *
 * <p>Usage: {@code ./chard bench [--quick]}; uses REDIS_URI / CHARD_JDBC_URL or starts embedded servers.
 * Longer than our other files: it is a script of measurements, each a few lines beside its baseline, and
 * reads best top to bottom; it lives in the launcher module and ships in no image.
 * {@code ./chard bench --cluster [--quick]} measures Redis work per task on a Redis Cluster instead
 * ({@link ClusterBench}); {@code ./chard bench --chord [--quick]} a chord beside a plain group ({@link ChordBench});
 * {@code ./chard bench --dispatch [--quick]} only the dispatch rows, after a warm-up ({@link DispatchBench}).
 */
public final class Benchmark {
    private static final int BATCH = 500;
    /** Executions per {@code started} or {@code succeeded} entry in the ingest row's events. */
    private static final int EVENT_RUN = 16;
    /**
     * The worker JVM's flags, as recommended for small machines: C1 only (C2 compiling competes with the work on
     * 2 cores), the serial collector and a bounded heap (lower RSS). Override with CHARD_BENCH_WORKER_JAVA_OPTS.
     */
    private static final String WORKER_JAVA_OPTS = "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private final int tasks;
    private final int ingestRows;
    private final Duration latencyRun;
    private final Map<String, String> env;
    private final String namespace = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String[]> rows = new ArrayList<>();
    /** From the first start to the last settlement, in epoch ms: the worker's allocation is counted over it. */
    private long[] processingWindow;
    private ApplicationContext context;
    private TaskClient client;
    private RedisCommands<String, String> redis;
    private RedisClient rawClient;

    private Benchmark(boolean quick, Map<String, String> env) {
        this.tasks = quick ? 2_000 : 20_000;
        this.ingestRows = quick ? 2_000 : 50_000;
        this.latencyRun = quick ? Duration.ofSeconds(3) : Duration.ofSeconds(30);
        this.env = env;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        if (Arrays.asList(args).contains("--cluster")) {
            ClusterBench.run(quick, System.getenv());
        } else if (Arrays.asList(args).contains("--dispatch")) {
            try (io.chard.app.LocalServers servers = io.chard.app.LocalServers.start()) {
                DispatchBench.alone(quick, servers.environment());
            }
        } else if (Arrays.asList(args).contains("--processing")) {
            try (io.chard.app.LocalServers servers = io.chard.app.LocalServers.start()) {
                new Benchmark(quick, servers.environment()).processingRounds(intOption(args, "--tasks", 50_000),
                        intOption(args, "--rounds", 3), !Arrays.asList(args).contains("--no-history"));
            }
        } else if (Arrays.asList(args).contains("--ingest")) {
            try (io.chard.app.LocalServers servers = io.chard.app.LocalServers.start()) {
                new Benchmark(quick, servers.environment()).ingestRounds(intOption(args, "--rounds", 3));
            }
        } else if (Arrays.asList(args).contains("--latency")) {
            try (io.chard.app.LocalServers servers = io.chard.app.LocalServers.start()) {
                new Benchmark(quick, servers.environment()).latencyRounds(intOption(args, "--rounds", 3));
            }
        } else if (Arrays.asList(args).contains("--chord")) {
            try (io.chard.app.LocalServers servers = io.chard.app.LocalServers.start()) {
                ChordBench.run(quick, servers.environment());
            }
        } else {
            try (io.chard.app.LocalServers servers = io.chard.app.LocalServers.start()) {
                run(quick, servers.environment());
            }
        }
        System.exit(0);
    }

    /** Runs the benchmark against the servers {@code env} names; answers the table's rows. */
    public static List<String[]> run(boolean quick, Map<String, String> env) throws Exception {
        Benchmark benchmark = new Benchmark(quick, env);
        benchmark.run();
        return benchmark.rows;
    }

    /** The benchmark's own application context: the servers {@code env} names, no HTTP, a recorder. */
    static Map<String, Object> contextProperties(Map<String, String> env, String namespace) {
        Map<String, Object> properties = new HashMap<>(DatabaseProperties.defaults());
        properties.putAll(LaunchProperties.server(env));
        properties.remove("micronaut.server.port");
        properties.put(ChardSettings.NAMESPACE, namespace);
        properties.put(ChardSettings.RECORDER_ENABLED, true);
        return properties;
    }

    /** What a measuring run does with the servers open: the benchmark's context, its client and raw Redis. */
    private interface Measurements {
        void run(StatefulRedisConnection<String, String> connection) throws Exception;
    }

    /** Opens the context (with its recorder) and the raw Redis connection, runs {@code measurements}, cleans up. */
    private void measure(Measurements measurements) throws Exception {
        measure(true, measurements);
    }

    /** {@link #measure(Measurements)}, with or without the context's recorder; prints the table. */
    private void measure(boolean withRecorder, Measurements measurements) throws Exception {
        Map<String, Object> properties = contextProperties(env, namespace);
        properties.put(ChardSettings.RECORDER_ENABLED, withRecorder);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        rawClient = RedisClient.create(env.get("REDIS_URI"));
        StatefulRedisConnection<String, String> connection = rawClient.connect();
        redis = connection.sync();
        try {
            measurements.run(connection);
        } finally {
            context.close();
            cleanUp();
            connection.close();
            rawClient.shutdown();
        }
        print(rows);
    }

    private void run() throws Exception {
        measure(connection -> {
            List<UUID> queued = new ArrayList<>(enqueueOneByOne());
            queued.addAll(enqueueBatched());
            DataSource history = context.getBean(DataSource.class);
            awaitRecorded(history, queued, false);
            historyIngest();
            Path recording = Files.createTempFile("chard-bench-worker", ".jfr");
            // The allocation samples alone (150 a second, as JFR's default settings take them), so the recording
            // costs the worker little time and memory.
            Process worker = startWorker(env, namespace, List.of("-XX:StartFlightRecording:settings=none,"
                    + "+jdk.ObjectAllocationSample#enabled=true,+jdk.ObjectAllocationSample#throttle=150/s,"
                    + "dumponexit=true,filename=" + recording));
            try {
                processing(worker, history, queued);
                memory(worker);
                latency();
            } finally {
                worker.destroy();
                worker.waitFor(60, TimeUnit.SECONDS);
            }
            allocation(recording, queued.size());
            Files.deleteIfExists(recording);
            new DispatchBench(env, namespace, tasks, context, connection, samplePayload(), this::row).run();
        });
    }

    private static int intOption(String[] args, String name, int otherwise) {
        int at = Arrays.asList(args).indexOf(name);
        return at >= 0 && at + 1 < args.length ? Integer.parseInt(args[at + 1]) : otherwise;
    }

    /** The latency row alone, {@code rounds} times against one worker: to compare builds of the dispatch path. */
    private void latencyRounds(int rounds) throws Exception {
        measure(connection -> {
            Process worker = startWorker(env, namespace);
            try {
                // The first rounds would otherwise time the worker's start.
                awaitResult(context.getBean(Broker.class), client.dispatch("examples.clock").id(),
                        System.nanoTime() + Duration.ofMinutes(1).toNanos());
                for (int round = 1; round <= rounds; round++) {
                    latency();
                }
            } finally {
                worker.destroy();
                worker.waitFor(60, TimeUnit.SECONDS);
            }
        });
    }

    /** The history ingest row alone, {@code rounds} times: the recorder's ceiling, to compare recorder builds. */
    private void ingestRounds(int rounds) throws Exception {
        measure(connection -> {
            for (int round = 1; round <= rounds; round++) {
                historyIngest();
            }
        });
    }

    /**
     * The processing rows alone, {@code rounds} times: {@code count} no-ops pre-filled in batches, their rows awaited
     * in the history, then a fresh worker process drains them. For comparing builds or worker flags
     * (CHARD_BENCH_WORKER_JAVA_OPTS) in one sitting; the whole run's other rows are left out. Without
     * {@code withHistory} no recorder runs, and the worker alone is timed.
     */
    private void processingRounds(int count, int rounds, boolean withHistory) throws Exception {
        measure(withHistory, connection -> {
            DataSource history = context.getBean(DataSource.class);
            List<DispatchRequest> batch = Collections.nCopies(BATCH, DispatchRequest.of("examples.noop", null));
            for (int round = 1; round <= rounds; round++) {
                List<UUID> queued = new ArrayList<>(count);
                for (int i = 0; i < count; i += BATCH) {
                    client.dispatchAll(batch).forEach(d -> queued.add(d.id()));
                }
                if (withHistory) {
                    awaitRecorded(history, queued, false);
                }
                Process worker = startWorker(env, namespace);
                try {
                    if (withHistory) {
                        processing(worker, history, queued);
                    } else {
                        processingWithoutHistory(worker, queued);
                    }
                } finally {
                    worker.destroy();
                    worker.waitFor(60, TimeUnit.SECONDS);
                }
            }
        });
    }

    private List<UUID> enqueueOneByOne() {
        String payload = samplePayload();
        String key = "{" + namespace + "}:baseline";
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            redis.rpush(key, payload);
        }
        double baseline = rate(tasks, start);
        redis.del(key);

        List<UUID> ids = new ArrayList<>(tasks);
        start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            ids.add(client.dispatch("examples.noop").id());
        }
        row("enqueue " + tasks + " x examples.noop, one call each", perSecond(rate(tasks, start)), perSecond(baseline));
        return ids;
    }

    private List<UUID> enqueueBatched() {
        String[] payloads = Collections.nCopies(BATCH, samplePayload()).toArray(String[]::new);
        String key = "{" + namespace + "}:baseline";
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i += BATCH) {
            redis.rpush(key, payloads);
        }
        double baseline = rate(tasks, start);
        redis.del(key);

        List<DispatchRequest> batch = Collections.nCopies(BATCH, DispatchRequest.of("examples.noop", null));
        List<UUID> ids = new ArrayList<>(tasks);
        start = System.nanoTime();
        for (int i = 0; i < tasks; i += BATCH) {
            client.dispatchAll(batch).forEach(d -> ids.add(d.id()));
        }
        row("enqueue " + tasks + " x examples.noop, batches of " + BATCH, perSecond(rate(tasks, start)),
                perSecond(baseline));
        return ids;
    }

    /**
     * Times one worker process draining the pre-filled queue: Redis alone is polled while it works (cheap), the
     * history once the queue is empty, so the measuring does not compete with what it measures.
     */
    private void processing(Process worker, DataSource history, List<UUID> queued) throws Exception {
        long spawned = spawned(worker);
        Drained drained = awaitDrained(worker, queued.size());
        Instant workerDone = drained.done();
        awaitRecorderDrained();
        Instant lastRecorded = Instant.now();
        long firstStart = awaitRecorded(history, queued, true);
        CpuShares atLastRecorded = CpuShares.read(worker.pid(), redis);
        processingWindow = new long[]{firstStart, workerDone.toEpochMilli()};
        double seconds = (lastRecorded.toEpochMilli() - firstStart) / 1000.0;
        double baseline = baselineDrain(queued.size());
        row("process " + queued.size() + " pre-filled no-ops, one worker, until all in history",
                perSecond(queued.size() / seconds) + " (" + perSecond(queued.size()
                        / ((lastRecorded.toEpochMilli() - spawned) / 1000.0)) + " incl. JVM start)",
                perSecond(baseline));
        row("  of which: until the worker settled the last one (Redis only)", perSecond(queued.size()
                / ((workerDone.toEpochMilli() - firstStart) / 1000.0)), "-");
        row("  CPU per task until the worker settled the last one", drained.used()
                .perTask(queued.size(), (workerDone.toEpochMilli() - firstStart) / 1000.0), "-");
        row("  CPU per task until all in history", atLastRecorded.since(drained.atFirstLease())
                .perTask(queued.size(), seconds), "-");
    }

    /**
     * The worker alone with no recorder running: its events wait in the stream, as a queue that keeps no history
     * keeps its completed jobs in Redis (BullMQ, measured by infra/bench/bullmq on the same Redis). The window runs
     * from the first poll (every 20 ms) that saw the queue shorter to the one that saw it empty.
     */
    private void processingWithoutHistory(Process worker, List<UUID> queued) throws Exception {
        long spawned = spawned(worker);
        Drained drained = awaitDrained(worker, queued.size());
        double seconds = Duration.between(drained.firstLease(), drained.done()).toNanos() / 1e9;
        row("process " + queued.size() + " pre-filled no-ops, one worker, no recorder (events left in Redis)",
                perSecond(queued.size() / seconds) + " (" + perSecond(queued.size()
                        / ((drained.done().toEpochMilli() - spawned) / 1000.0)) + " incl. JVM start)",
                perSecond(baselineDrain(queued.size())));
        row("  CPU per task", drained.used().perTask(queued.size(), seconds), "-");
    }

    private static long spawned(Process worker) {
        return worker.info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
    }

    /** When the worker first leased (the first poll that saw the queue shorter) and drained the queue. */
    private record Drained(Instant firstLease, CpuShares atFirstLease, Instant done, CpuShares atDone) {
        /** The CPU spent from the first lease until the queue was empty. */
        CpuShares used() {
            return atDone.since(atFirstLease);
        }
    }

    /** Polls Redis alone (cheap) every 20 ms until the queue is empty: nothing ready, nothing leased. */
    private Drained awaitDrained(Process worker, int queued) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Instant firstLease = null;
        CpuShares atFirstLease = null;
        while (true) {
            long ready = redis.zcard(queueKey("ready"));
            long left = ready + redis.zcard(queueKey("leased"));
            if (left == 0) {
                break;
            }
            if (atFirstLease == null && ready < queued) {
                firstLease = Instant.now();
                atFirstLease = CpuShares.read(worker.pid(), redis);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not drain the queue in 10 minutes (" + left + " left)");
            }
            Thread.sleep(20);
        }
        Instant done = Instant.now();
        CpuShares atDone = CpuShares.read(worker.pid(), redis);
        // Drained between two polls: no window to split.
        return atFirstLease == null ? new Drained(done, atDone, done, atDone)
                : new Drained(firstLease, atFirstLease, done, atDone);
    }

    /**
     * The recorder alone: {@code ingestRows} executions' events (enqueued, started, succeeded) pre-filled in a
     * namespace of their own, then one recorder reads, folds, writes and acknowledges them batch by batch (reading
     * the next while one is written, as the running recorder does) until the stream is drained. Rows per second is
     * the history's ceiling on the processing rate above. Each envelope starts a trace of its own, as a dispatch
     * outside a trace does, so the trace index is written as it is for real executions.
     */
    private void historyIngest() throws Exception {
        String ingestNamespace = namespace + "-ingest";
        Map<String, Object> properties = contextProperties(env, ingestNamespace);
        properties.put(ChardSettings.RECORDER_ENABLED, false);
        try (ApplicationContext ingest = ApplicationContext.run(properties);
             StatefulRedisConnection<String, String> pipeline = rawClient.connect()) {
            fillEvents(pipeline, "{" + ingestNamespace + "}:events", ingestRows);
            HistoryRecorder recorder = new HistoryRecorder(
                    ingest.getBean(RedisBroker.class).eventStream("bench-ingest"), ingest.getBean(HistoryWriter.class),
                    ingest.getBean(JsonMapper.class), ingest.getEventPublisher(TaskFailed.class),
                    HistoryRecorder.LINGER);
            long start = System.nanoTime();
            int events = 0;
            while (events < 3 * ingestRows) {
                events += recorder.recordNext(Duration.ofMillis(100));
            }
            recorder.flush();
            row("history ingest: " + ingestRows + " no-ops' events (enqueued, then started and succeeded), one "
                    + "recorder", perSecond(rate(ingestRows, start)) + " executions (" + perSecond(rate(events, start))
                    + " events)", "-");
            recorder.stop();
        } finally {
            unlinkNamespace(redis, ingestNamespace);
        }
    }

    /**
     * Appends what the scripts would for {@code count} no-ops dispatched, then run: every {@code enqueued} first
     * (a pre-filled queue), then their {@code started} and {@code succeeded}, {@link #EVENT_RUN} executions to an
     * entry as a lease and a settle call write them, so each row is inserted once and updated once or twice, as in
     * the processing above. Pipelined, one flush per 3,000 entries.
     */
    private static void fillEvents(StatefulRedisConnection<String, String> connection, String stream, int count) {
        long now = System.currentTimeMillis();
        List<String> ids = new ArrayList<>(count);
        List<Map<String, String>> entries = new ArrayList<>(3 * count);
        for (int i = 0; i < count; i++) {
            String id = Partitions.newId(now, 0).toString();
            ids.add(id);
            entries.add(Map.of("type", "enqueued", "id", id, "eta", "", "env", "{\"id\":\"" + id
                    + "\",\"task\":\"examples.noop\",\"args\":[],\"kwargs\":{},\"queue\":\"default\","
                    + "\"priority\":5,\"queuedAt\":\"" + Instant.ofEpochMilli(now) + "\",\"headers\":{\""
                    + Tracing.TRACEPARENT + "\":\"" + TraceParent.newTrace().header() + "\"}}"));
        }
        for (int from = 0; from < count; from += EVENT_RUN) {
            List<String> run = ids.subList(from, Math.min(count, from + EVENT_RUN));
            String listed = String.join(",", run);
            entries.add(Map.of("type", "started", "id", run.getFirst(), "ids", listed, "worker", "bench",
                    "deliveries", "1", "retries", "0"));
            entries.add(Map.of("type", "succeeded", "id", run.getFirst(), "ids", listed, "result", "null",
                    "finished", Long.toString(now)));
        }
        connection.setAutoFlushCommands(false);
        try {
            for (int from = 0; from < entries.size(); from += 3_000) {
                List<RedisFuture<String>> sent = new ArrayList<>();
                for (Map<String, String> entry : entries.subList(from, Math.min(entries.size(), from + 3_000))) {
                    sent.add(connection.async().xadd(stream, entry));
                }
                connection.flushCommands();
                LettuceFutures.awaitAll(Duration.ofMinutes(1), sent.toArray(new RedisFuture[0]));
            }
        } finally {
            connection.setAutoFlushCommands(true);
        }
    }

    /**
     * Waits until the recorder has acknowledged every event of the namespace (the lag its metrics report), which it
     * does only once their rows are committed: the moment the history is complete, read from Redis every 20 ms.
     * Polling PostgreSQL for the rows instead took a share of its CPU from the recorder it waited for (every poll
     * probed the index for each id not seen yet). {@link #awaitRecorded} then checks the rows once.
     */
    private void awaitRecorderDrained() throws InterruptedException {
        BrokerMonitor monitor = context.getBean(BrokerMonitor.class);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (monitor.recorderLag().events() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Waits until every id has a history row (a success, if {@code succeeded}); answers the earliest start. Each poll
     * asks only for the ids not seen yet, joined from an array so that each probes its own day's partition: asking for
     * all 40,000 on every poll (10 a second) probed every partition's key for each and took a core away from the
     * recorder it was waiting for.
     */
    private static long awaitRecorded(DataSource history, List<UUID> ids, boolean succeeded) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Set<UUID> missing = new HashSet<>(ids);
        long firstStart = Long.MAX_VALUE;
        while (true) {
            firstStart = Math.min(firstStart, recorded(history, missing, succeeded));
            if (missing.isEmpty()) {
                return firstStart == Long.MAX_VALUE ? 0 : firstStart;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (ids.size() - missing.size()) + " of " + ids.size()
                        + " recorded");
            }
            Thread.sleep(100);
        }
    }

    /** Removes from {@code missing} the ids recorded (as successes, if asked); answers their earliest started_at. */
    private static long recorded(DataSource history, Set<UUID> missing, boolean succeeded) throws Exception {
        long firstStart = Long.MAX_VALUE;
        try (Connection connection = history.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT t.id, "
                     + "(extract(epoch from t.started_at) * 1000)::bigint, t.status FROM unnest(?::uuid[]) AS w(id) "
                     + "JOIN background_tasks_task_execution t ON t.id = w.id")) {
            query.setArray(1, connection.createArrayOf("uuid", missing.toArray()));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    // The status is checked here, not in the query: a condition on it made the planner read every
                    // success of the table (by the status index) to hash-join them with the ids, 0.3-1 s a poll.
                    if (succeeded && !"success".equals(result.getString(3))) {
                        continue;
                    }
                    missing.remove(result.getObject(1, UUID.class));
                    long started = result.getLong(2);
                    if (!result.wasNull()) {
                        firstStart = Math.min(firstStart, started);
                    }
                }
            }
        }
        return firstStart;
    }

    /** The floor: pop the same number of envelopes from a plain list in batches and parse each. */
    private double baselineDrain(int count) throws Exception {
        String key = "{" + namespace + "}:baseline";
        String[] payloads = Collections.nCopies(BATCH, samplePayload()).toArray(String[]::new);
        for (int i = 0; i < count; i += BATCH) {
            redis.rpush(key, payloads);
        }
        var json = context.getBean(io.micronaut.json.JsonMapper.class);
        long start = System.nanoTime();
        int done = 0;
        while (done < count) {
            List<String> popped = redis.lpop(key, 256);
            for (String envelope : popped) {
                json.readValue(envelope, io.chard.broker.Envelope.class);
            }
            done += popped.size();
        }
        return rate(count, start);
    }

    /**
     * Bytes the worker allocated per task while it processed (from its first start until it settled the last), from
     * its flight recording's allocation samples (each weighs the bytes its thread allocated since the last sample, so
     * their sum estimates the total). The recording is written when the worker exits.
     */
    private void allocation(Path recording, int count) throws Exception {
        long bytes = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            long at = event.getStartTime().toEpochMilli();
            if (event.getEventType().getName().equals("jdk.ObjectAllocationSample") && at >= processingWindow[0]
                    && at <= processingWindow[1]) {
                bytes += event.getLong("weight");
            }
        }
        row("bytes allocated by the worker per task while processing (JFR allocation samples)",
                String.format("%,d B", bytes / count), "-");
    }

    private void memory(Process worker) throws Exception {
        Path status = Path.of("/proc/" + worker.pid() + "/status");
        String rss = "n/a";
        String peak = "n/a";
        if (Files.exists(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) rss = mib(line);
                if (line.startsWith("VmHWM:")) peak = mib(line);
            }
        }
        row("worker RSS after processing (peak)", rss + " (" + peak + ")", "-");
    }

    private void latency() throws Exception {
        int rate = 200;
        int count = (int) (latencyRun.toSeconds() * rate);
        Broker broker = context.getBean(Broker.class);
        Map<UUID, Long> sentMicros = new ConcurrentHashMap<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        var sent = new java.util.concurrent.CountDownLatch(count);
        ticker.scheduleAtFixedRate(() -> {
            if (sent.getCount() == 0) {
                return;
            }
            long micros = nowMicros();
            Dispatched dispatched = client.dispatch("examples.clock");
            sentMicros.put(dispatched.id(), micros);
            sent.countDown();
        }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        sent.await();
        ticker.shutdownNow();
        List<Double> latencies = new ArrayList<>(count);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (Map.Entry<UUID, Long> entry : sentMicros.entrySet()) {
            ExecutionSnapshot done = awaitResult(broker, entry.getKey(), deadline);
            if (done != null) {
                latencies.add((Long.parseLong(done.resultJson()) - entry.getValue()) / 1000.0);
            }
        }
        row("dispatch-to-start latency at " + rate + "/s for " + latencyRun.toSeconds() + " s, p50 / p95 / p99",
                percentiles(latencies), percentiles(baselineLatency(rate, count)));
    }

    /** The execution once it has a result, looked at every 5 ms; null when {@code deadline} (nanoTime) passes. */
    private static ExecutionSnapshot awaitResult(Broker broker, UUID id, long deadline) throws InterruptedException {
        while (true) {
            ExecutionSnapshot done = broker.snapshot(id).filter(s -> s.resultJson() != null).orElse(null);
            if (done != null || System.nanoTime() >= deadline) {
                return done;
            }
            Thread.sleep(5);
        }
    }

    /** The floor: a producer LPUSHes a timestamp at the same rate, a consumer on its own connection BLPOPs. */
    private List<Double> baselineLatency(int rate, int count) throws Exception {
        String key = "{" + namespace + "}:baseline-latency";
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>(count));
        StatefulRedisConnection<String, String> blocking = rawClient.connect();
        Thread consumer = Thread.ofPlatform().start(() -> {
            while (latencies.size() < count) {
                var popped = blocking.sync().blpop(1, key);
                if (popped != null) {
                    latencies.add((nowMicros() - Long.parseLong(popped.getValue())) / 1000.0);
                }
            }
        });
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> redis.lpush(key, Long.toString(nowMicros())), 0, 1_000_000 / rate,
                TimeUnit.MICROSECONDS);
        consumer.join(Duration.ofSeconds(latencyRun.toSeconds() + 30));
        ticker.shutdownNow();
        blocking.close();
        return latencies;
    }

    /** One worker process on the namespace, with the benchmark's JVM flags (shared with {@link ChordBench}). */
    static Process startWorker(Map<String, String> env, String namespace) throws Exception {
        return startWorker(env, namespace, List.of());
    }

    private static Process startWorker(Map<String, String> env, String namespace, List<String> jvmOptions)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        String options = env.getOrDefault("CHARD_BENCH_WORKER_JAVA_OPTS", WORKER_JAVA_OPTS);
        command.addAll(Arrays.asList(options.trim().split("\\s+")));
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow"); // as ./chard starts a worker: Netty's fast buffers
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.chard.worker.WorkerMain"));
        // The worker's own defaults unless asked otherwise: they are what a user gets without tuning.
        if (env.containsKey("CHARD_BENCH_CONCURRENCY")) {
            command.addAll(List.of("--concurrency", env.get("CHARD_BENCH_CONCURRENCY")));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("REDIS_URI", env.get("REDIS_URI"));
        builder.environment().put("CHARD_NAMESPACE", namespace);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private String queueKey(String part) {
        return "{" + namespace + "}:q:default:" + part;
    }

    private void cleanUp() {
        unlinkNamespace(redis, namespace);
    }

    /** Removes every key of a benchmark's namespace (they share its hash tag), in batches of 1,000. */
    static void unlinkNamespace(RedisCommands<String, String> redis, String namespace) {
        ScanIterator<String> keys = ScanIterator.scan(redis, ScanArgs.Builder.matches("{" + namespace + "}:*").limit(1000));
        List<String> batch = new ArrayList<>();
        while (keys.hasNext()) {
            batch.add(keys.next());
            if (batch.size() == 1000) {
                redis.unlink(batch.toArray(String[]::new));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            redis.unlink(batch.toArray(String[]::new));
        }
    }

    private String samplePayload() {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"task\":\"examples.noop\",\"args\":null,\"kwargs\":null,"
                + "\"queue\":\"default\",\"priority\":5,\"queuedAt\":\"" + Instant.now() + "\"}";
    }

    private void row(String measure, String chard, String baseline) {
        rows.add(new String[]{measure, chard, baseline});
        System.out.printf("  %s: %s (baseline %s)%n", measure, chard, baseline);
    }

    /**
     * The table, with each rate's ratio to its baseline in the same run: this machine's speed moves from run to run
     * and between machines of its kind, and the ratio is what carries (rows without two rates show "-").
     */
    static void print(List<String[]> rows) {
        List<String[]> table = rows.stream().map(row -> new String[]{row[0], row[1], row[2], ratio(row[1], row[2])})
                .toList();
        int[] widths = {7, 5, 20, 5};
        for (String[] row : table) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        String format = "| %-" + widths[0] + "s | %-" + widths[1] + "s | %-" + widths[2] + "s | %-" + widths[3]
                + "s |%n";
        System.out.printf("%nChard benchmark (%d cores, Java %s)%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        System.out.printf(format, "measure", "Chard", "baseline (raw Redis)", "ratio");
        System.out.printf(format, "-".repeat(widths[0]), "-".repeat(widths[1]), "-".repeat(widths[2]),
                "-".repeat(widths[3]));
        for (String[] row : table) {
            System.out.printf(format, (Object[]) row);
        }
    }

    private static final Pattern LEADING_RATE = Pattern.compile("^([0-9][0-9,]*(?:\\.[0-9]+)?)/s");

    /** Chard's rate over the baseline's, when both cells begin with one (as {@link #perSecond} writes it). */
    static String ratio(String chard, String baseline) {
        Matcher ours = LEADING_RATE.matcher(chard);
        Matcher theirs = LEADING_RATE.matcher(baseline);
        if (!ours.find() || !theirs.find()) {
            return "-";
        }
        double base = Double.parseDouble(theirs.group(1).replace(",", ""));
        return base == 0 ? "-" : String.format("%.3f", Double.parseDouble(ours.group(1).replace(",", "")) / base);
    }

    static double rate(int count, long startNanos) {
        return count / ((System.nanoTime() - startNanos) / 1e9);
    }

    static String perSecond(double rate) {
        return String.format("%,.0f/s", rate);
    }

    static String percentiles(List<Double> values) {
        if (values.isEmpty()) {
            return "n/a";
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("%.2f / %.2f / %.2f ms", at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99));
    }

    private static double at(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    private static String mib(String statusLine) {
        long kib = Long.parseLong(statusLine.replaceAll("\\D", ""));
        return (kib / 1024) + " MiB";
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
