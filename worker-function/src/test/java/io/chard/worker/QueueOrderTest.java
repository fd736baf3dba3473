package io.chard.worker;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing chard.worker.queues, and the weighted draw's proportions (a seeded generator: the counts are fixed). */
class QueueOrderTest {

    @Test
    void namesAloneAreServedInStrictOrderEveryCall() {
        QueueOrder order = QueueOrder.parse(List.of("critical", " default", "low"));
        assertInstanceOf(QueueOrder.Strict.class, order);
        assertEquals(List.of("critical", "default", "low"), order.next(new SplittableRandom(1)));
    }

    @Test
    void weightsSetHowOftenEachQueueComesFirstAndEveryQueueIsInEveryOrder() {
        QueueOrder order = QueueOrder.parse(List.of("critical:6", "default:2", "low:1"));
        assertEquals(List.of("critical", "default", "low"), order.names());
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Integer> first = new HashMap<>();
        int calls = 9_000;
        for (int i = 0; i < calls; i++) {
            List<String> next = order.next(random);
            assertEquals(3, next.stream().distinct().count(), "each queue once: " + next);
            first.merge(next.getFirst(), 1, Integer::sum);
        }
        assertNear(6_000, first.get("critical"));
        assertNear(2_000, first.get("default"));
        assertNear(1_000, first.get("low"));
    }

    @Test
    void quotasShareTheSlotsOfOneLeaseByWeight() {
        QueueOrder.Weighted order = (QueueOrder.Weighted) QueueOrder.parse(List.of("critical:6", "default:2", "low:1"));
        Map<String, Integer> quotas = order.quotas(9_000, new SplittableRandom(7));
        assertEquals(9_000, quotas.values().stream().mapToInt(Integer::intValue).sum());
        assertNear(6_000, quotas.get("critical"));
        assertNear(2_000, quotas.get("default"));
        assertNear(1_000, quotas.get("low"));
    }

    @Test
    void aMalformedListIsRefusedNamingTheEntryAtFault() {
        assertRefused(List.of("critical:0", "low:1"), "the weight in 'critical:0' must be a whole number from 1");
        assertRefused(List.of("critical:high", "low:1"), "the weight in 'critical:high'");
        assertRefused(List.of("critical:1001"), "the weight in 'critical:1001'");
        assertRefused(List.of("critical:6", "low"), "give every queue a weight (weighted) or none");
        assertRefused(List.of("critical:6", "critical:1"), "names 'critical' twice");
        assertRefused(List.of("bad queue:1"), "'bad queue:1' does not start with a queue name");
        assertRefused(List.of(":3"), "':3' does not start with a queue name");
    }

    private static void assertRefused(List<String> entries, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> QueueOrder.parse(entries)).getMessage();
        assertTrue(message.contains(expected), message);
    }

    private static void assertNear(int expected, int actual) {
        assertTrue(Math.abs(expected - actual) < expected / 10, "expected about " + expected + ", got " + actual);
    }
}
