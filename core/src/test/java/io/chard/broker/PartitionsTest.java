package io.chard.broker;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PartitionsTest {

    @Test
    void oneCommonPartitionIsTheSingleSlotLayout() {
        Partitions one = new Partitions("chard", 1);
        assertEquals("{chard}:", one.keys(0).prefix());
        assertEquals(RedisKeys.of("chard"), one.keys(0));
    }

    @Test
    void anIdIsAVersion7UuidThatCarriesItsPartitionAndTime() {
        Partitions six = new Partitions("chard", 6);
        Instant now = Instant.parse("2026-03-01T12:00:00.123Z");
        for (int p = 0; p < 6; p++) {
            UUID id = Partitions.newId(now.toEpochMilli(), p);
            assertEquals(7, id.version());
            assertEquals(2, id.variant());
            assertEquals(p, six.of(id));
            assertEquals(now.toEpochMilli(), id.getMostSignificantBits() >>> 16);
        }
    }

    @Test
    void partitionSlotsAreEvenlySpacedFromTheNamespaceSlot() {
        int base = SlotHash.getSlot("orders");
        Partitions six = new Partitions("orders", 6);
        IntStream.range(0, 6).forEach(p -> {
            String prefix = six.keys(p).prefix();
            int expected = (base + (int) Math.round(p * 16384 / 6.0)) % 16384;
            assertEquals(expected, SlotHash.getSlot(prefix + "t:x"), prefix);
        });
    }

    @Test
    void anIdempotencyKeyAlwaysMapsToTheSamePartition() {
        Partitions six = new Partitions("chard", 6);
        assertEquals(six.forKey("invoice-42"), six.forKey("invoice-42"));
    }
}
