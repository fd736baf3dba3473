package io.chard.broker;

import io.chard.testing.TestRedisCluster;

import java.util.Map;

/**
 * Every limit test of {@link FlowLimitsTest} again on a Redis Cluster of three masters with the namespace in three
 * partitions: a limited task or queue is pinned to its limit's partition, so that partition's lease script counts
 * every start of it.
 */
class FlowLimitsClusterTest extends FlowLimitsTest {

    @Override
    Map<String, Object> properties() {
        return TestRedisCluster.properties(3);
    }
}
