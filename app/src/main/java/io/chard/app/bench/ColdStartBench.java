package io.chard.app.bench;

import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.chard.config.LaunchProperties;
import io.chard.app.LocalServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start, measured through the launcher exactly as a user starts each part: {@code ./chard invoke} (the real
 * Lambda runtime interface client against the local Runtime API) for the timer drain, SQS and beat functions, from
 * JVM start to the response of the first event (each event runs one queued {@code examples.noop}; beat ticks and
 * drains its maintenance queue), and {@code ./chard worker} from process spawn to its first task finished (the
 * task's finish time as Redis recorded it). Beat's figure is its init, JVM start to the handler ready for its first
 * event: the invocation itself then lasts until the maintenance tasks due before its deadline ran. Each figure without the JDK 25 AOT cache ({@code CHARD_AOT=off}, the
 * baseline) and with it, alternating run by run so that both see the same machine load; medians of N runs.
 *
 * <p>Usage: {@code ./chard bench --cold-start [--runs N] [--only worker,worker-timer,worker-sqs,beat]} (default 5
 * runs of every part); {@code ./chard aot} runs only the training runs that (re)build the caches
 * ({@code --train-only}). Uses REDIS_URI / CHARD_JDBC_URL or embedded servers.
 */
public final class ColdStartBench {
    private static final Pattern REPORT = Pattern.compile(
            "REPORT .*Init Duration: (\\d+) ms.*JVM start to response: (\\d+) ms\\tCPU: (\\d+) ms");
    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final Path LAUNCHER = Path.of("chard").toAbsolutePath();

    /** One start: wall milliseconds to the first handled event or task, and the JVM's CPU milliseconds till then. */
    record Start(long millis, long cpuMillis) {
    }

    private final Map<String, String> env;
    private final String namespace = "cold-start-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path events;
    private final List<String[]> rows = new ArrayList<>();
    private ApplicationContext context;
    private TaskClient client;

    private ColdStartBench(Map<String, String> env) throws IOException {
        this.env = env;
        this.events = Files.createTempDirectory("chard-cold-start");
    }

    /** The parts measured, by the names {@code --only} takes; the functions' names are ./chard invoke's. */
    private static final List<String> PARTS = List.of("worker-timer", "worker-sqs", "beat", "worker");

    public static void main(String[] args) throws Exception {
        List<String> options = Arrays.asList(args);
        int at = options.indexOf("--runs");
        int runs = at >= 0 ? Integer.parseInt(options.get(at + 1)) : 5;
        int only = options.indexOf("--only");
        List<String> parts = only >= 0 ? Arrays.asList(options.get(only + 1).split(",")) : PARTS;
        if (!PARTS.containsAll(parts)) {
            throw new IllegalArgumentException("--only takes a list of " + PARTS + ", not " + parts);
        }
        try (LocalServers servers = LocalServers.start()) {
            ColdStartBench bench = new ColdStartBench(servers.environment());
            bench.run(options.contains("--train-only") ? 0 : runs, parts);
        }
        System.exit(0);
    }

    private void run(int runs, List<String> parts) throws Exception {
        Map<String, Object> properties = LaunchProperties.broker(env);
        properties.put(ChardSettings.NAMESPACE, namespace);
        context = ApplicationContext.run(properties);
        client = context.getBean(TaskClient.class);
        try {
            // Training first: each cache is made by a run of the role doing what it does in the measured runs.
            for (String part : parts) {
                System.out.println("training the AOT cache of " + part + "...");
                start(part, "train");
            }
            if (runs == 0) {
                System.out.println("AOT caches written to target/aot/");
                return;
            }
            for (String part : parts) {
                String measure = switch (part) {
                    case "beat" -> "beat: JVM start to ready for its first event (init)";
                    case "worker" -> "worker: spawn (./chard worker) to first task finished";
                    default -> part + ": JVM start to first event handled";
                };
                compare(measure, runs, mode -> start(part, mode));
            }
        } finally {
            context.close();
            removeNamespace();
        }
        print(runs);
    }

    /** A measure, run {@code runs} times in each mode, alternating; adds its wall and CPU rows. */
    private void compare(String measure, int runs, Measurement measurement) throws Exception {
        List<Start> cached = new ArrayList<>();
        List<Start> baseline = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            baseline.add(measurement.start("off"));
            cached.add(measurement.start("auto"));
            System.out.printf("  %s: run %d: %d ms (CPU %d ms) with the cache, %d ms (CPU %d ms) without%n", measure,
                    i + 1, cached.getLast().millis(), cached.getLast().cpuMillis(), baseline.getLast().millis(),
                    baseline.getLast().cpuMillis());
        }
        long with = median(cached, Start::millis);
        long without = median(baseline, Start::millis);
        rows.add(new String[]{measure, with + " ms", without + " ms", String.format("%.2f", (double) with / without)});
        if (cached.getFirst().cpuMillis() >= 0) {
            long cpuWith = median(cached, Start::cpuMillis);
            long cpuWithout = median(baseline, Start::cpuMillis);
            rows.add(new String[]{"  CPU time of that process till then", cpuWith + " ms", cpuWithout + " ms",
                    String.format("%.2f", (double) cpuWith / cpuWithout)});
        }
    }

    @FunctionalInterface
    private interface Measurement {
        Start start(String aotMode) throws Exception;
    }

    private Start start(String part, String aotMode) throws Exception {
        return part.equals("worker") ? worker(aotMode) : invoke(part, aotMode);
    }

    /**
     * One {@code ./chard invoke FUNCTION}: the worker functions find one queued no-op (the SQS event names it),
     * beat ticks; answers the invocation's own REPORT figures (JVM start to response, CPU).
     */
    private Start invoke(String function, String aotMode) throws Exception {
        UUID id = function.equals("beat") ? null : client.dispatch("examples.noop").id();
        Path event = events.resolve(function + ".json");
        Files.writeString(event, function.equals("worker-sqs") ? sqsEvent(id) : SCHEDULED_EVENT);
        ProcessBuilder builder = launcher(aotMode, "invoke", function, event.toString());
        builder.environment().put("CHARD_INVOKE_PORT", Integer.toString(LocalServers.freePort()));
        if (function.equals("worker-sqs")) {
            // What an SQS deployment configures; the no-op succeeds, so nothing is sent to it.
            builder.environment().put("CHARD_SQS_QUEUE_URLS", "default=http://127.0.0.1:9/000000000000/chard-default");
        }
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Start start = null;
        StringBuilder errors = new StringBuilder();
        try (BufferedReader stderr = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = stderr.readLine(); line != null; line = stderr.readLine()) {
                Matcher report = REPORT.matcher(line);
                if (report.find()) {
                    // Beat's invocation then waits for the maintenance tasks due before its deadline: its cold start
                    // is its init (JVM start to the handler ready: context, Redis, PostgreSQL pool, migrations).
                    start = new Start(Long.parseLong(report.group(function.equals("beat") ? 1 : 2)),
                            Long.parseLong(report.group(3)));
                } else {
                    errors.append(line).append('\n');
                }
            }
        }
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0 || start == null) {
            process.destroyForcibly();
            throw new IllegalStateException("./chard invoke " + function + " failed:\n" + errors);
        }
        if (id != null && snapshot(id).status() != ExecutionStatus.SUCCESS) {
            throw new IllegalStateException(function + " answered before running its no-op: " + snapshot(id));
        }
        return start;
    }

    /**
     * One {@code ./chard worker} with one queued no-op: from the spawn to the task's finish time in Redis (same
     * host clock), then a graceful stop (which writes the cache on a training run). Its CPU is read from the process
     * (the launcher execs the JVM, so one process) when the task is seen finished, a few milliseconds late.
     */
    private Start worker(String aotMode) throws Exception {
        UUID id = client.dispatch("examples.noop").id();
        ProcessBuilder builder = launcher(aotMode, "worker").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        long spawned = System.currentTimeMillis();
        Process worker = builder.start();
        try {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            ExecutionSnapshot done = snapshot(id);
            while (done.status() != ExecutionStatus.SUCCESS) {
                if (System.nanoTime() > deadline || !worker.isAlive()) {
                    throw new IllegalStateException("./chard worker did not run its first task: " + done);
                }
                Thread.sleep(5);
                done = snapshot(id);
            }
            long cpu = worker.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
            return new Start(done.finishedAt().toEpochMilli() - spawned, cpu);
        } finally {
            worker.destroy();
            if (!worker.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
    }

    private ProcessBuilder launcher(String aotMode, String... args) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("CHARD_NAMESPACE", namespace);
        builder.environment().put("CHARD_AOT", aotMode);
        return builder;
    }

    private ExecutionSnapshot snapshot(UUID id) {
        return client.snapshot(id).orElseThrow(() -> new IllegalStateException("execution " + id + " vanished"));
    }

    private void removeNamespace() {
        RedisClient redis = RedisClient.create(env.get("REDIS_URI"));
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            Benchmark.unlinkNamespace(connection.sync(), namespace);
        } finally {
            redis.shutdown();
        }
    }

    private void print(int runs) {
        System.out.printf("%nChard cold start (%d cores, Java %s; medians of %d runs each; load average %s)%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), runs, loadAverage());
        String format = "| %-58s | %-16s | %-19s | %-5s |%n";
        System.out.printf(format, "measure", "AOT cache", "baseline (no cache)", "ratio");
        System.out.printf(format, "-".repeat(58), "-".repeat(16), "-".repeat(19), "-".repeat(5));
        for (String[] row : rows) {
            System.out.printf(format, (Object[]) row);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0] + " (1 min, at the end)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long median(List<Start> starts, java.util.function.ToLongFunction<Start> value) {
        List<Long> sorted = new ArrayList<>(starts.stream().map(value::applyAsLong).toList());
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** What EventBridge sends for a schedule rule. */
    private static final String SCHEDULED_EVENT = """
            {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "time": "2015-10-08T16:53:06Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/chard-cold-start"], "detail": {}}
            """;

    /** What SQS sends Lambda for one message carrying an execution id. */
    private static String sqsEvent(UUID id) {
        return """
                {"Records": [{"messageId": "%s", "receiptHandle": "cold-start", "body": "%s",
                  "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "%d", "SenderId": "chard",
                                 "ApproximateFirstReceiveTimestamp": "%d"},
                  "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                  "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:chard-default", "awsRegion": "us-east-1"}]}
                """.formatted(UUID.randomUUID(), id, Instant.now().toEpochMilli(), Instant.now().toEpochMilli());
    }
}
