package io.chard.broker;

import io.chard.config.ChardConfig;
import io.chard.config.RedisOutageOptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Opens Chard's Redis connections: to the one Redis of {@code redis.uri}, or, when {@code chard.redis-cluster}
 * names seed nodes, to a Redis Cluster. The cluster client follows the topology (refreshed every 10 s, and at
 * once on MOVED, ASK, a failed reconnect or an unknown node) so a failover is followed within a command's
 * redirections; MOVED and ASK are followed by Lettuce (up to 5 redirections per command).
 */
public sealed interface RedisConnector extends AutoCloseable {
    Duration PERIODIC_REFRESH = Duration.ofSeconds(10);

    RedisConnection connect();

    boolean isCluster();

    @Override
    void close();

    /**
     * @param single Micronaut Redis's client ({@code redis.uri}) and where it connects: asked for only without a
     *               cluster
     */
    static RedisConnector of(ChardConfig config, Supplier<RedisClient> single, Supplier<RedisURI> singleUri) {
        List<String> seeds = config.redisCluster();
        if (seeds == null || seeds.stream().allMatch(String::isBlank)) {
            return new Single(LeanRedisClient.like(single.get(), singleUri.get()), config.redisTimeout());
        }
        return Cluster.create(seeds, config.redisTimeout());
    }

    /**
     * One Redis; Chard's own client, on the resources and options of Micronaut Redis's, so that its connections
     * skip Lettuce's synchronous API ({@link LeanRedisClient}). Closing it leaves those resources to their owner
     * (Lettuce never shuts down resources it was given).
     */
    record Single(LeanRedisClient client, Duration timeout) implements RedisConnector {
        @Override
        public RedisConnection connect() {
            StatefulRedisConnection<String, String> opened = client.connect();
            opened.setTimeout(timeout);
            return RedisConnection.of(opened);
        }

        @Override
        public boolean isCluster() {
            return false;
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }

    /** A Redis Cluster; the client is Chard's own and closed with the broker. */
    record Cluster(RedisClusterClient client, ClientResources resources, Duration timeout) implements RedisConnector {
        private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

        static Cluster create(List<String> seeds, Duration timeout) {
            ClientResources resources = ClientResources.builder()
                    .reconnectDelay(RedisOutageOptions.reconnectDelay()).build();
            RedisClusterClient client = RedisClusterClient.create(resources, seeds.stream()
                    .filter(s -> !s.isBlank()).map(String::trim).map(RedisURI::create).toList());
            // As for a single Redis (RedisOutageOptions): refuse at once while disconnected, reconnect quickly.
            client.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(PERIODIC_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .build())
                    .socketOptions(SocketOptions.builder().connectTimeout(RedisOutageOptions.CONNECT_TIMEOUT).build())
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .build());
            return new Cluster(client, resources, timeout);
        }

        /**
         * Opens the connections to every serving master at once, so no first command pays for one (and its
         * timeout). Best effort: a master that died stays listed as one (flagged failing, its slots moved to the
         * promoted replica) until it returns or is forgotten, and opening its connection fails; that must neither
         * stop a worker from starting on the masters that serve nor leave this connection open behind it.
         */
        @Override
        public RedisConnection connect() {
            StatefulRedisClusterConnection<String, String> opened = client.connect();
            opened.setTimeout(timeout);
            for (RedisClusterNode node : opened.getPartitions()) {
                if (serving(node)) {
                    try {
                        // By host and port: the key commands routed by slot look their connection up by (a
                        // connection opened by node id is another one, and was never used by them).
                        opened.getConnection(node.getUri().getHost(), node.getUri().getPort());
                    } catch (RedisException e) {
                        LOG.warn("Redis Cluster master {} did not answer ({}); its connection opens at its first "
                                + "command", node.getUri(), e.getMessage());
                    }
                }
            }
            return RedisConnection.of(opened);
        }

        /** A master that holds slots and is not known to be failing: the ones commands are routed to. */
        static boolean serving(RedisClusterNode node) {
            return node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()
                    && !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
                    && !node.is(RedisClusterNode.NodeFlag.NOADDR);
        }

        @Override
        public boolean isCluster() {
            return true;
        }

        @Override
        public void close() {
            client.shutdown();
            resources.shutdown();
        }
    }
}
