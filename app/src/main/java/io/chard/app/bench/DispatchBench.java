package io.chard.app.bench;

import io.chard.admin.AdminMain;
import io.chard.admin.auth.Role;
import io.chard.admin.auth.User;
import io.chard.admin.auth.UserRepository;
import io.chard.broker.Broker;
import io.chard.broker.Envelope;
import io.chard.broker.Partitions;
import io.chard.client.DispatchRequest;
import io.chard.client.Dispatched;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The dispatch rows of {@link Benchmark}: {@link TaskClient#dispatchAsync} pipelined from one thread, and over HTTP
 * against an admin-api in this process (authentication on, its recorder running) single dispatches from
 * {@link #CONNECTIONS} keep-alive connections and batches of {@link #HTTP_BATCH}. Each beside plain Redis doing the
 * least of the same job (RPUSH, pipelined alike). wrk's figures for single dispatch, with a separate load
 * generator, are in the README ({@code infra/bench/wrk-dispatch.sh}).
 */
final class DispatchBench {
    static final int CONNECTIONS = 8;
    static final int HTTP_BATCH = 1_000;
    private static final String NOOP = "{\"task\":\"examples.noop\"}";

    /** Adds one row of the benchmark's table. */
    interface Rows {
        void add(String measure, String chard, String baseline);
    }

    private final Map<String, String> env;
    private final String namespace;
    private final int tasks;
    private final TaskClient client;
    private final Broker broker;
    private final StatefulRedisConnection<String, String> redis;
    private final Rows rows;
    private final String payload;

    DispatchBench(Map<String, String> env, String namespace, int tasks, ApplicationContext context,
                  StatefulRedisConnection<String, String> redis, String payload, Rows rows) {
        this.env = env;
        this.namespace = namespace;
        this.tasks = tasks;
        this.client = context.getBean(TaskClient.class);
        this.broker = context.getBean(Broker.class);
        this.redis = redis;
        this.payload = payload;
        this.rows = rows;
    }

    /**
     * {@code ./chard bench --dispatch}: the dispatch rows alone, after a pass whose figures are dropped (the JIT
     * compiles the paths measured), on a namespace of their own.
     */
    static void alone(boolean quick, Map<String, String> env) throws Exception {
        String namespace = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        int tasks = quick ? 2_000 : 20_000;
        List<String[]> table = new ArrayList<>();
        RedisClient raw = RedisClient.create(env.get("REDIS_URI"));
        try (StatefulRedisConnection<String, String> redis = raw.connect()) {
            try (ApplicationContext context = ApplicationContext.run(Benchmark.contextProperties(env, namespace))) {
                String payload = "{\"task\":\"examples.noop\",\"args\":null,\"kwargs\":null,\"queue\":\"default\"}";
                new DispatchBench(env, namespace, tasks, context, redis, payload, (measure, chard, baseline) -> { })
                        .run();
                new DispatchBench(env, namespace, tasks, context, redis, payload,
                        (measure, chard, baseline) -> table.add(new String[]{measure, chard, baseline})).run();
            } finally {
                // After the context closed: its recorder reads the namespace's stream until then.
                Benchmark.unlinkNamespace(redis.sync(), namespace);
            }
        } finally {
            raw.shutdown();
        }
        Benchmark.print(table);
    }

    void run() throws Exception {
        pipelined();
        Map<String, Object> properties = new HashMap<>(Benchmark.contextProperties(env, namespace));
        properties.put("micronaut.server.port", -1);
        String password = UUID.randomUUID().toString();
        String username = "bench-" + namespace;
        // Only used when the database has no users yet: then the first administrator is this one, deleted below.
        properties.put(ChardSettings.ADMIN_USER, username);
        properties.put(ChardSettings.ADMIN_PASSWORD, password);
        try (ApplicationContext admin = AdminMain.start(new String[0], properties)) {
            UserRepository users = admin.getBean(UserRepository.class);
            User user = users.findByName(username).orElseGet(() -> users.create(username, password,
                    List.of(Role.OPERATOR)));
            try {
                String base = "http://127.0.0.1:" + admin.getBean(EmbeddedServer.class).getPort();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String token = login(http, base, username, password);
                httpSingle(http, base, token);
                httpBatches(http, base, token);
            } finally {
                users.delete(user.id(), false);
            }
        }
    }

    private List<UUID> pipelined() {
        String key = "{" + namespace + "}:baseline";
        long start = System.nanoTime();
        List<RedisFuture<Long>> pushes = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            pushes.add(redis.async().rpush(key, payload));
        }
        pushes.forEach(push -> push.toCompletableFuture().join());
        double baseline = Benchmark.rate(tasks, start);
        redis.sync().del(key);

        List<CompletableFuture<Dispatched>> dispatched = new ArrayList<>(tasks);
        start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            dispatched.add(client.dispatchAsync(DispatchRequest.of("examples.noop", null)));
        }
        List<UUID> ids = dispatched.stream().map(d -> d.join().id()).toList();
        rows.add("enqueue " + tasks + " x examples.noop, dispatchAsync from one thread (pipelined)",
                Benchmark.perSecond(Benchmark.rate(tasks, start)), Benchmark.perSecond(baseline));
        return ids;
    }

    /** Each connection sends its share one request after the other; latency per request, send to answer. */
    private List<UUID> httpSingle(HttpClient http, String base, String token) throws Exception {
        String key = "{" + namespace + "}:baseline";
        List<Double> baselineLatency = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        concurrently(() -> {
            for (int i = 0; i < tasks / CONNECTIONS; i++) {
                long sent = System.nanoTime();
                redis.sync().rpush(key, payload);
                baselineLatency.add((System.nanoTime() - sent) / 1e6);
            }
            return List.of();
        });
        double baseline = Benchmark.rate(tasks / CONNECTIONS * CONNECTIONS, start);
        redis.sync().del(key);

        List<Double> latency = Collections.synchronizedList(new ArrayList<>());
        HttpRequest request = post(base + "/api/background_tasks/tasks", token, NOOP);
        start = System.nanoTime();
        List<UUID> ids = concurrently(() -> {
            List<UUID> mine = new ArrayList<>();
            for (int i = 0; i < tasks / CONNECTIONS; i++) {
                long sent = System.nanoTime();
                mine.add(UUID.fromString(field(send(http, request, 202), "id")));
                latency.add((System.nanoTime() - sent) / 1e6);
            }
            return mine;
        });
        rows.add("HTTP POST /tasks, " + ids.size() + " x examples.noop from " + CONNECTIONS
                + " connections (auth, recorder on)", Benchmark.perSecond(Benchmark.rate(ids.size(), start)),
                Benchmark.perSecond(baseline) + " (RPUSH, " + CONNECTIONS + " threads)");
        rows.add("  of which latency p50 / p95 / p99", Benchmark.percentiles(latency),
                Benchmark.percentiles(baselineLatency));
        return ids;
    }

    /** Batches of {@link #HTTP_BATCH} from two connections: one fills while the server stores the other's. */
    private List<UUID> httpBatches(HttpClient http, String base, String token) throws Exception {
        int batches = Math.max(2, tasks * 5 / HTTP_BATCH) / 2 * 2;
        String[] payloads = Collections.nCopies(HTTP_BATCH, payload).toArray(String[]::new);
        String key = "{" + namespace + "}:baseline";
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            redis.sync().rpush(key, payloads);
        }
        double baseline = Benchmark.rate(batches * HTTP_BATCH, start);
        redis.sync().del(key);

        HttpRequest request = post(base + "/api/background_tasks/tasks/batch", token,
                "{\"tasks\":[" + String.join(",", Collections.nCopies(HTTP_BATCH, NOOP)) + "]}");
        start = System.nanoTime();
        List<UUID> ids = concurrently(2, () -> {
            List<UUID> mine = new ArrayList<>();
            for (int i = 0; i < batches / 2; i++) {
                String answer = send(http, request, 202);
                for (int at = answer.indexOf("\"id\":\""); at >= 0; at = answer.indexOf("\"id\":\"", at + 1)) {
                    mine.add(UUID.fromString(answer.substring(at + 6, at + 42)));
                }
            }
            return mine;
        });
        rows.add("HTTP POST /tasks/batch, " + batches + " x " + HTTP_BATCH + " examples.noop from 2 connections",
                Benchmark.perSecond(Benchmark.rate(ids.size(), start)),
                Benchmark.perSecond(baseline) + " (RPUSH of " + HTTP_BATCH + ")");
        scriptAlone(batches);
        return ids;
    }

    /**
     * The bound under the batch rows: the enqueue script alone, envelopes checked and encoded beforehand, one call of
     * {@link #HTTP_BATCH} after the other; and Redis' own time per execution in it (its INFO commandstats for
     * EVALSHA, which other clients of a shared Redis add to).
     */
    private void scriptAlone(int batches) {
        Instant now = Instant.now();
        List<List<Envelope.Encoded>> prepared = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            List<Envelope.Encoded> batch = new ArrayList<>(HTTP_BATCH);
            for (int i = 0; i < HTTP_BATCH; i++) {
                batch.add(client.prepare(DispatchRequest.of("examples.noop", null), now,
                        Partitions.newId(now.toEpochMilli(), 0), true));
            }
            prepared.add(batch);
        }
        double[] before = evalsha();
        long start = System.nanoTime();
        prepared.forEach(broker::enqueue);
        double rate = Benchmark.rate(batches * HTTP_BATCH, start);
        double[] after = evalsha();
        double redisMicros = (after[1] - before[1]) / (batches * HTTP_BATCH);
        rows.add("  of which the enqueue script alone (" + HTTP_BATCH + " per call); Redis' time per execution",
                Benchmark.perSecond(rate) + String.format("; %.1f µs (%,.0f/s on one core)", redisMicros,
                        1e6 / redisMicros), "-");
    }

    /** Redis' EVALSHA calls and microseconds so far ({@code cmdstat_evalsha:calls=..,usec=..}). */
    private double[] evalsha() {
        String stats = redis.sync().info("commandstats");
        int at = stats.indexOf("cmdstat_evalsha:");
        if (at < 0) {
            return new double[]{0, 0};
        }
        String line = stats.substring(at, stats.indexOf('\n', at));
        return new double[]{ClusterBench.field(line, "calls="), ClusterBench.field(line, "usec=")};
    }

    private interface Share {
        List<UUID> run() throws Exception;
    }

    private static List<UUID> concurrently(Share share) throws Exception {
        return concurrently(CONNECTIONS, share);
    }

    private static List<UUID> concurrently(int threads, Share share) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<UUID>>> shares = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                shares.add(pool.submit(share::run));
            }
            List<UUID> ids = new ArrayList<>();
            for (Future<List<UUID>> one : shares) {
                ids.addAll(one.get(10, TimeUnit.MINUTES));
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String login(HttpClient http, String base, String username, String password) throws Exception {
        String answer = send(http, HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\""
                        + password + "\"}")).build(), 200);
        return field(answer, "access_token");
    }

    private static HttpRequest post(String url, String token, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String send(HttpClient http, HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    /** A top-level string field of a small JSON answer, without a JSON library in the timed loop. */
    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(at, json.indexOf('"', at));
    }
}
