package io.chard.broker;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionRestTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final PartitionRest rest = new PartitionRest(3, "leasing",
            LoggerFactory.getLogger(PartitionRestTest.class), now::get);

    @Test
    void aFailedPartitionRestsForItsBackoffWhichDoublesWhileItKeepsFailing() {
        rest.failed(1, new BrokerUnavailableException("down", null));
        assertTrue(rest.resting(1));
        assertFalse(rest.resting(0), "the others are still called");
        advanceMillis(150);
        assertEquals(Duration.ofMillis(50), rest.restLeft(1));
        advanceMillis(49);
        assertTrue(rest.resting(1));
        advanceMillis(1);
        assertFalse(rest.resting(1), "called again after 200 ms");
        assertEquals(Duration.ZERO, rest.restLeft(1));

        rest.failed(1, new BrokerUnavailableException("still down", null));
        advanceMillis(399);
        assertTrue(rest.resting(1), "the second failure rests twice as long");
        advanceMillis(1);
        assertFalse(rest.resting(1));
    }

    @Test
    void aPartitionThatAnswersAgainRestsNoMoreAndItsNextFailureStartsAFreshBackoff() {
        rest.failed(2, new BrokerUnavailableException("down", null));
        rest.failed(2, new BrokerUnavailableException("down", null));
        rest.answered(2);
        assertFalse(rest.resting(2));
        rest.failed(2, new BrokerUnavailableException("down again", null));
        advanceMillis(200);
        assertFalse(rest.resting(2));
    }

    @Test
    void aRefusedCallRestsAndBacksOffAsAnOutageDoes() {
        rest.failed(0, new IllegalStateException("WRONGTYPE"));
        advanceMillis(199);
        assertTrue(rest.resting(0));
        advanceMillis(1);
        rest.failed(0, new IllegalStateException("WRONGTYPE"));
        advanceMillis(399);
        assertTrue(rest.resting(0), "a refusal counts toward the backoff though its outage does not log it");
        advanceMillis(1);
        assertFalse(rest.resting(0));
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
