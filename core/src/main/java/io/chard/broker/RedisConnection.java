package io.chard.broker;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * One connection, to a single Redis or to a Redis Cluster, seen through the commands both have: a cluster
 * connection routes each command (and each script, by its first key) to the master of the key's slot.
 */
public record RedisConnection(StatefulConnection<String, String> connection, RedisClusterCommands<String, String> sync)
        implements AutoCloseable {

    @Override
    public void close() {
        connection.close();
    }
}
