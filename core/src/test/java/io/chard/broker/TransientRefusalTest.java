package io.chard.broker;

import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Refusals that pass are reported as the broker being unavailable, which every caller retries with backoff;
 * anything else would make the settler drop its batch. (Real-Redis tests of the settler: RefusedWritesTest.)
 */
class TransientRefusalTest {

    @Test
    void aRefusalThatPassesIsReportedAsTheBrokerBeingUnavailable() {
        for (String refusal : List.of(
                "LOADING Redis is loading the dataset in memory",
                "READONLY You can't write against a read only replica.",
                "BUSY Redis is busy running a script.",
                "OOM command not allowed when used memory > 'maxmemory'.",
                "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                "TRYAGAIN Multiple keys request during rehashing of slot",
                "CLUSTERDOWN The cluster is down",
                "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
                "NOREPLICAS Not enough good replicas to write.")) {
            assertThrows(BrokerUnavailableException.class, () -> RedisBroker.call(() -> {
                throw new RedisCommandExecutionException(refusal);
            }), refusal);
        }
    }

    @Test
    void anyOtherRefusalIsAnErrorInChard() {
        assertThrows(IllegalStateException.class, () -> RedisBroker.call(() -> {
            throw new RedisCommandExecutionException("ERR wrong number of arguments for 'hset' command");
        }));
    }
}
