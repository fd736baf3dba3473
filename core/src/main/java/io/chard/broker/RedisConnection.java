package io.chard.broker;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * One connection, to a single Redis or to a Redis Cluster, seen through the commands both have: a cluster
 * connection routes each command (and each script, by its first key) to the master of the key's slot.
 */
public record RedisConnection(StatefulConnection<String, String> connection, BlockingCommands commands)
        implements AutoCloseable {

    static RedisConnection of(StatefulRedisConnection<String, String> single) {
        return new RedisConnection(single, new BlockingCommands(single, single.async()));
    }

    static RedisConnection of(StatefulRedisClusterConnection<String, String> cluster) {
        return new RedisConnection(cluster, new BlockingCommands(cluster, cluster.async()));
    }

    /** Lettuce's whole synchronous API on this connection, built on first use (see {@link BlockingCommands}). */
    public RedisClusterCommands<String, String> sync() {
        return connection instanceof StatefulRedisConnection<String, String> single ? single.sync()
                : ((StatefulRedisClusterConnection<String, String>) connection).sync();
    }

    @Override
    public void close() {
        connection.close();
    }
}
