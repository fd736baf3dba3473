package io.chard.random;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestoreSafeRandomTest {

    @Test
    void twoCopiesOfOneSnapshotDrawTheSameNumbersUntilEachIsReseeded() {
        RestoreSafeRandom first = new RestoreSafeRandom(42);
        RestoreSafeRandom second = new RestoreSafeRandom(42);
        assertEquals(first.nextLong(), second.nextLong(), "copies of one state repeat each other");

        first.reseed();
        second.reseed();
        long[] fromFirst = LongStream.generate(first::nextLong).limit(4).toArray();
        long[] fromSecond = LongStream.generate(second::nextLong).limit(4).toArray();
        for (int i = 0; i < 4; i++) {
            assertNotEquals(fromFirst[i], fromSecond[i], "draw " + i + " after the restore hooks reseeded");
        }
    }

    @Test
    void oneGeneratorNeverRepeatsAnOutputAndBoundsHold() {
        RestoreSafeRandom random = new RestoreSafeRandom(7);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(random.nextLong()), "draw " + i);
            long bounded = random.nextLong(1000);
            assertTrue(bounded >= 0 && bounded < 1000, "nextLong(1000) gave " + bounded);
        }
    }
}
