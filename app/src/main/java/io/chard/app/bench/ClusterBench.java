package io.chard.app.bench;

import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.config.ChardSettings;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.micronaut.context.ApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The cluster mode of the benchmark ({@code ./chard bench --cluster}): Redis work per task and its spread over
 * the masters of the Redis Cluster named by {@code CHARD_REDIS_CLUSTER} (or {@code REDIS_CLUSTER_URI}).
 * Dispatches no-ops one by one over six queues into {@code CHARD_PARTITIONS} (6) partitions, runs them on an
 * in-process worker (no recorder: the history's Redis work is its own), and reads each master's
 * {@code INFO commandstats} (reset first) and its share of the namespace's keys.
 *
 * <p>Commands per task count every command, those run inside scripts too. CPU per task is the time of the
 * commands sent by clients: the scripts (whose time includes their inner commands) and the others, leaving
 * out the inner commands so they are not counted twice, and this program's own probes (INFO, XLEN, SCAN).
 */
public final class ClusterBench {
    private static final List<String> QUEUES = List.of("q0", "q1", "q2", "q3", "q4", "q5");
    /** Commands Chard's scripts call inside; their time is already in EVALSHA's. */
    private static final Set<String> INSIDE_SCRIPTS = Set.of("hset", "hmget", "hget", "hgetall", "hincrby", "zadd",
            "zrem", "zrangebyscore", "zrange", "zpopmin", "zcard", "incr", "incrby", "xadd", "lpush", "ltrim", "set",
            "get", "sadd", "expire", "time");
    private static final Set<String> PROBES = Set.of("info", "xlen", "scan", "config", "cluster", "ping", "command",
            "hello", "client");

    private ClusterBench() {
    }

    static List<String[]> run(boolean quick, Map<String, String> env) throws Exception {
        String seeds = env.getOrDefault("CHARD_REDIS_CLUSTER", env.get("REDIS_CLUSTER_URI"));
        if (seeds == null || seeds.isBlank()) {
            throw new IllegalArgumentException("--cluster needs CHARD_REDIS_CLUSTER (or REDIS_CLUSTER_URI)");
        }
        int tasks = quick ? 2_000 : 10_000;
        int partitions = Integer.parseInt(env.getOrDefault("CHARD_PARTITIONS", "6"));
        String namespace = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        RedisClusterClient statsClient = RedisClusterClient.create(Arrays.stream(seeds.split(","))
                .map(String::trim).map(RedisURI::create).toList());
        try (StatefulRedisClusterConnection<String, String> stats = statsClient.connect();
             ApplicationContext context = ApplicationContext.run(Map.of(
                     ChardSettings.REDIS_CLUSTER, seeds, ChardSettings.PARTITIONS, partitions,
                     ChardSettings.NAMESPACE, namespace, ChardSettings.WORKER_ENABLED, true,
                     ChardSettings.WORKER_QUEUES, String.join(",", QUEUES),
                     ChardSettings.WORKER_CONCURRENCY, 64))) {
            List<RedisClusterNode> masters = masters(stats);
            masters.forEach(m -> node(stats, m).configResetstat());
            dispatch(context.getBean(TaskClient.class), tasks);
            awaitEvents(stats, context, tasks * 3L);
            return rows(stats, masters, namespace, tasks, partitions);
        } finally {
            statsClient.shutdown();
        }
    }

    private static void dispatch(TaskClient client, int tasks) throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = thread; i < tasks; i += 4) {
                        client.dispatch(DispatchRequest.of("examples.noop", null).withQueue(QUEUES.get(i % 6)));
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
    }

    /** A no-op writes three events (enqueued, started, succeeded): done when the streams hold them all. */
    private static void awaitEvents(StatefulRedisClusterConnection<String, String> stats, ApplicationContext context,
                                    long expected) throws InterruptedException {
        var partitions = context.getBean(io.chard.broker.RedisBroker.class).partitions();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            long events = 0;
            for (int p = 0; p < partitions.count(); p++) {
                events += stats.sync().xlen(partitions.keys(p).events());
            }
            if (events >= expected) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the tasks did not finish in 5 minutes");
    }

    private static List<String[]> rows(StatefulRedisClusterConnection<String, String> stats,
                                       List<RedisClusterNode> masters, String namespace, int tasks, int partitions) {
        Map<String, long[]> perMaster = new TreeMap<>();
        List<String> all = new ArrayList<>();
        long calls = 0;
        long scripts = 0;
        long usec = 0;
        for (RedisClusterNode master : masters) {
            long[] counts = new long[2];
            RedisClusterCommands<String, String> node = node(stats, master);
            for (String line : node.info("commandstats").split("\r?\n")) {
                if (!line.startsWith("cmdstat_")) {
                    continue;
                }
                String name = line.substring(8, line.indexOf(':'));
                long lineCalls = field(line, "calls=");
                if (PROBES.contains(name)) {
                    continue;
                }
                counts[0] += lineCalls;
                calls += lineCalls;
                if (name.equals("evalsha") || name.equals("eval")) {
                    scripts += lineCalls;
                }
                if (!INSIDE_SCRIPTS.contains(name)) {
                    usec += field(line, "usec=");
                }
            }
            List<String> keys = keys(node, namespace);
            counts[1] = keys.size();
            all.addAll(keys);
            perMaster.put(master.getUri().getHost() + ":" + master.getUri().getPort(), counts);
        }
        cleanUp(stats, all);
        long allCalls = perMaster.values().stream().mapToLong(c -> c[0]).sum();
        long allKeys = perMaster.values().stream().mapToLong(c -> c[1]).sum();
        StringBuilder commandShare = new StringBuilder();
        StringBuilder keyShare = new StringBuilder();
        perMaster.forEach((master, c) -> {
            commandShare.append(commandShare.isEmpty() ? "" : " / ").append(percent(c[0], allCalls));
            keyShare.append(keyShare.isEmpty() ? "" : " / ").append(percent(c[1], allKeys));
        });
        List<String[]> rows = new ArrayList<>();
        String label = tasks + " no-ops, " + QUEUES.size() + " queues, " + partitions + " partitions, "
                + masters.size() + " masters";
        rows.add(new String[]{"cluster: Redis commands per task (script calls) - " + label,
                String.format("%.1f (%.2f)", (double) calls / tasks, (double) scripts / tasks), "-"});
        rows.add(new String[]{"cluster: Redis CPU per task (commandstats)",
                String.format("%.1f µs", (double) usec / tasks), "-"});
        rows.add(new String[]{"cluster: commands per master " + perMaster.keySet(), commandShare.toString(), "-"});
        rows.add(new String[]{"cluster: keys per master", keyShare.toString(), "-"});
        rows.forEach(row -> System.out.printf("  %s: %s%n", row[0], row[1]));
        return rows;
    }

    /** The namespace's keys on one master, read by SCAN there (the cluster system test counts them too). */
    public static List<String> keys(RedisClusterCommands<String, String> node, String namespace) {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = node.scan(cursor, ScanArgs.Builder.matches("{" + namespace + "*").limit(1000));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    /** Removes the benchmark's keys (the cluster connection splits UNLINK by slot). */
    private static void cleanUp(StatefulRedisClusterConnection<String, String> stats, List<String> keys) {
        for (int i = 0; i < keys.size(); i += 1000) {
            stats.sync().unlink(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new));
        }
    }

    private static List<RedisClusterNode> masters(StatefulRedisClusterConnection<String, String> stats) {
        return stats.getPartitions().stream().filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM)).toList();
    }

    private static RedisClusterCommands<String, String> node(StatefulRedisClusterConnection<String, String> stats,
                                                             RedisClusterNode master) {
        return stats.getConnection(master.getNodeId()).sync();
    }

    static long field(String line, String name) {
        int at = line.indexOf(name) + name.length();
        int end = at;
        while (end < line.length() && (Character.isDigit(line.charAt(end)) || line.charAt(end) == '.')) {
            end++;
        }
        return (long) Double.parseDouble(line.substring(at, end));
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "0%" : Math.round(100.0 * part / whole) + "%";
    }
}
