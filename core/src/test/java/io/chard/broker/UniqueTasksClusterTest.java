package io.chard.broker;

import io.chard.testing.TestRedisCluster;

import java.util.Map;

/**
 * Every test of {@link UniqueTasksTest} on the Redis Cluster with the namespace in six partitions: a lock and the
 * executions it answers meet in one partition (the lock name's), wherever a dispatch would otherwise go.
 */
class UniqueTasksClusterTest extends UniqueTasksTest {

    @Override
    Map<String, Object> properties() {
        return TestRedisCluster.properties(6);
    }
}
