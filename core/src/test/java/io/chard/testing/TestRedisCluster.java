package io.chard.testing;

import io.chard.config.ChardSettings;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.RedisClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The Redis Cluster that cluster tests use (three masters with a replica each): {@code REDIS_CLUSTER_URI} when
 * set, else the one {@code .ci/redis-cluster} starts on 127.0.0.1:7001-7006 (idempotent). Each test class gets
 * its own namespace. Also reads the layout (which node is master) and performs a manual failover.
 */
public final class TestRedisCluster {
    private static String uri;

    private TestRedisCluster() {
    }

    public static synchronized String uri() {
        if (uri == null) {
            String configured = System.getenv("REDIS_CLUSTER_URI");
            uri = configured != null && !configured.isBlank() ? configured.trim() : start();
        }
        return uri;
    }

    /** Micronaut properties for a context on the cluster with {@code partitions} partitions, in a new namespace. */
    public static Map<String, Object> properties(int partitions) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ChardSettings.REDIS_CLUSTER, uri());
        properties.put(ChardSettings.PARTITIONS, partitions);
        properties.put(ChardSettings.NAMESPACE, "test-" + UUID.randomUUID().toString().substring(0, 8));
        return properties;
    }

    /** The nodes serving slots now, as "host:port", read from the seed node. */
    public static List<String> masters() {
        return withNode(seed(), redis -> {
            List<String> masters = new ArrayList<>();
            for (String line : redis.clusterNodes().split("\n")) {
                String[] fields = line.split(" ");
                if (fields.length > 8 && fields[2].contains("master") && !fields[2].contains("fail")) {
                    masters.add(fields[1].substring(0, fields[1].indexOf('@')));
                }
            }
            return masters;
        });
    }

    /** The replicas of the master at {@code master} ("host:port"). */
    public static String replicaOf(String master) {
        String id = withNode(master, RedisCommands::clusterMyId);
        return withNode(seed(), redis -> {
            for (String line : redis.clusterNodes().split("\n")) {
                String[] fields = line.split(" ");
                if (fields[2].contains("slave") && fields[3].equals(id)) {
                    return fields[1].substring(0, fields[1].indexOf('@'));
                }
            }
            throw new IllegalStateException("no replica of " + master);
        });
    }

    /**
     * Makes {@code replica} the master of its shard (CLUSTER FAILOVER, the coordinated manual failover: the
     * master stops writes until the replica has caught up) and waits until the cluster agrees.
     */
    public static void failover(String replica) {
        withNode(replica, redis -> redis.clusterFailover(false));
        Await.until(replica + " is a master", Duration.ofSeconds(20), () -> masters().contains(replica)
                && withNode(replica, r -> r.clusterInfo().contains("cluster_state:ok")));
    }

    public static <T> T withNode(String hostPort, Function<RedisCommands<String, String>, T> use) {
        RedisClient client = RedisClient.create(RedisURI.create("redis://" + hostPort));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return use.apply(connection.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static String seed() {
        String seed = uri().split(",")[0].trim();
        return seed.substring(seed.indexOf("//") + 2);
    }

    private static String start() {
        Path script = locateScript();
        try {
            Process process = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("No Redis Cluster for the tests: " + script + " failed: " + output);
            }
            String[] lines = output.split("\n");
            return lines[lines.length - 1].trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code .ci/redis-cluster} in the working directory or a parent (Maven runs tests in the module's directory). */
    private static Path locateScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve(".ci/redis-cluster");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new IllegalStateException("No Redis Cluster for the tests: set REDIS_CLUSTER_URI or run from the "
                + "repository, whose .ci/redis-cluster starts one");
    }
}
