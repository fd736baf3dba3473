package io.chard.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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

    private static WorkerConfig polling(Duration pollInterval) {
        return new WorkerConfig(true, List.of("default"), 4, 0, 256, pollInterval, Duration.ofSeconds(30));
    }
}
