package io.chard.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    @Test
    void withoutJitterTheWaitDoublesPerRetryUpToTheCap() {
        Backoff backoff = new Backoff.Exponential(Duration.ofSeconds(1), Duration.ofSeconds(10), false);
        assertEquals(Duration.ofSeconds(1), backoff.delayBefore(0));
        assertEquals(Duration.ofSeconds(2), backoff.delayBefore(1));
        assertEquals(Duration.ofSeconds(8), backoff.delayBefore(3));
        assertEquals(Duration.ofSeconds(10), backoff.delayBefore(4));
        assertEquals(Duration.ofSeconds(10), backoff.delayBefore(500));
    }

    @Test
    void fullJitterDrawsFromZeroToTheCappedExponential() {
        Backoff backoff = new Backoff.Exponential(Duration.ofSeconds(1), Duration.ofSeconds(10), true);
        long smallest = Long.MAX_VALUE;
        long largest = 0;
        for (int i = 0; i < 2_000; i++) {
            long millis = backoff.delayBefore(3).toMillis();
            assertTrue(millis >= 0 && millis <= 8_000, "out of range: " + millis);
            smallest = Math.min(smallest, millis);
            largest = Math.max(largest, millis);
        }
        assertTrue(smallest < 1_000 && largest > 7_000, "not spread over [0, 8 s]: " + smallest + ".." + largest);
    }
}
