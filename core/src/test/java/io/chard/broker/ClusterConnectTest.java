package io.chard.broker;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which cluster nodes a connection opens eagerly: the masters commands are routed to. A master that died stays
 * listed as one, flagged, until it returns or is forgotten; opening its connection would fail the worker's start.
 */
class ClusterConnectTest {
    @Test
    void onlyMastersThatServeSlotsAreConnectedAhead() {
        assertTrue(RedisConnector.Cluster.serving(node(List.of(1, 2), RedisClusterNode.NodeFlag.UPSTREAM)));
        assertFalse(RedisConnector.Cluster.serving(node(List.of(1, 2), RedisClusterNode.NodeFlag.UPSTREAM,
                RedisClusterNode.NodeFlag.FAIL)), "a failed master");
        assertFalse(RedisConnector.Cluster.serving(node(List.of(1, 2), RedisClusterNode.NodeFlag.UPSTREAM,
                RedisClusterNode.NodeFlag.EVENTUAL_FAIL)), "a master others suspect");
        assertFalse(RedisConnector.Cluster.serving(node(List.of(), RedisClusterNode.NodeFlag.UPSTREAM)),
                "a master whose slots moved to its promoted replica");
        assertFalse(RedisConnector.Cluster.serving(node(List.of(1), RedisClusterNode.NodeFlag.REPLICA)), "a replica");
    }

    private static RedisClusterNode node(List<Integer> slots, RedisClusterNode.NodeFlag... flags) {
        return new RedisClusterNode(RedisURI.create("redis://127.0.0.1:7001"), "node-" + slots, true, null, 0, 0, 0,
                slots, Set.of(flags));
    }
}
