package io.chard.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerConfigTest {
    @Test
    void aPollIntervalTheRedisTimeoutWouldCutShortIsRefusedAtStart() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> polling(Duration.ofSeconds(10)).requireWithin(Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().contains("chard.worker.poll-interval"), refused.getMessage());
        assertDoesNotThrow(() -> polling(Duration.ofSeconds(1)).requireWithin(Duration.ofSeconds(10)));
    }

    @Test
    void aCountThatCouldRunNothingIsRefusedAtStartNamingTheSetting() {
        assertEquals("chard.worker.concurrency must be at least 1, got 0", refused(0, 0, 256));
        assertEquals("chard.worker.prefetch must be at least 0, got -1", refused(4, -1, 256));
        assertEquals("chard.worker.lease-batch must be at least 1, got 0", refused(4, 0, 0));
        assertDoesNotThrow(() -> counts(1, 0, 1));
    }

    private static String refused(int concurrency, int prefetch, int leaseBatch) {
        return assertThrows(IllegalStateException.class, () -> counts(concurrency, prefetch, leaseBatch)).getMessage();
    }

    private static WorkerConfig counts(int concurrency, int prefetch, int leaseBatch) {
        return new WorkerConfig(true, List.of("default"), concurrency, prefetch, leaseBatch, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    private static WorkerConfig polling(Duration pollInterval) {
        return new WorkerConfig(true, List.of("default"), 4, 0, 256, pollInterval, Duration.ofSeconds(30));
    }
}
