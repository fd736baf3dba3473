package io.chard.broker;

import io.chard.random.RestoreSafeRandom;
import io.lettuce.core.cluster.SlotHash;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/**
 * The P partitions of a namespace, each one Redis Cluster hash slot, and the execution ids that carry their
 * partition: UUIDv7 (48-bit milliseconds) with the partition in the low 10 bits, so an id alone finds its slot.
 *
 * <p>Partition 0 has the tag {@code {ns}} (so P = 1 is the single-slot layout). Partition p > 0 has the tag
 * {@code {ns:p:k}}, k the smallest number that puts it exactly on slot {@code slot(ns) + round(p * 16384 / P)}
 * (mod 16384): the P slots are evenly spaced, so the equal slot ranges a cluster is created with give each master
 * the same number of partitions when P is a multiple of the masters. Plain {@code {ns:p}} tags would land on
 * random slots: with six over three masters, each master gets two only one time in eight. Finding k takes about
 * 16,384 CRC16s per partition (a millisecond), once per process.
 */
public final class Partitions {
    /** 10 bits of the id: at most 1024 partitions. */
    public static final int MAX = 1024;
    private static final int SLOTS = SlotHash.SLOT_COUNT;
    private static final Map<String, List<RedisKeys>> LAYOUTS = new ConcurrentHashMap<>();

    private final int count;
    private final List<RedisKeys> keys;

    public Partitions(String namespace, int count) {
        if (count < 1 || count > MAX) {
            throw new IllegalArgumentException("chard.partitions must be between 1 and " + MAX + ", got " + count);
        }
        this.count = count;
        this.keys = LAYOUTS.computeIfAbsent(namespace + "\n" + count, k -> IntStream.range(0, count)
                .mapToObj(p -> RedisKeys.tagged(tag(namespace, p, count))).toList());
    }

    /** The hash tag of {@code partition} out of {@code count}. */
    static String tag(String namespace, int partition, int count) {
        if (partition == 0) {
            return namespace;
        }
        int target = (SlotHash.getSlot(namespace) + (int) Math.round(partition * (double) SLOTS / count)) % SLOTS;
        for (int k = 0; ; k++) {
            String tag = namespace + ":" + partition + ":" + k;
            if (SlotHash.getSlot(tag) == target) {
                return tag;
            }
        }
    }

    public int count() {
        return count;
    }

    public RedisKeys keys(int partition) {
        return keys.get(partition);
    }

    public RedisKeys keys(UUID id) {
        return keys.get(of(id));
    }

    /** The partition an id was minted in (P is fixed for a namespace: the tags depend on it). */
    /**
     * Calls {@code call} once per partition the items' ids name, with that partition's items in their order, and
     * answers the per-item results in the order of {@code items}: a batch spanning partitions becomes one script
     * call per partition (each single-slot), and the caller still sees one answer per item.
     */
    public <T, R> List<R> perPartition(List<T> items, Function<T, UUID> id, BiFunction<RedisKeys, List<T>, List<R>> call) {
        return perPartition(items, id, call, item -> false);
    }

    /**
     * {@link #perPartition(List, Function, BiFunction)}, calling last the partitions that hold an item matching
     * {@code last}: when a call fails, the calls after it have not been made, so the items a caller could not
     * safely send again (see {@link RedisBroker#enqueue}) are stored only if everything before them was.
     */
    public <T, R> List<R> perPartition(List<T> items, Function<T, UUID> id, BiFunction<RedisKeys, List<T>, List<R>> call,
                                       Predicate<T> last) {
        Map<Integer, List<Integer>> positions = new TreeMap<>();
        Set<Integer> lastPartitions = new TreeSet<>();
        for (int i = 0; i < items.size(); i++) {
            int partition = of(id.apply(items.get(i)));
            positions.computeIfAbsent(partition, p -> new ArrayList<>()).add(i);
            if (last.test(items.get(i))) {
                lastPartitions.add(partition);
            }
        }
        List<Integer> order = new ArrayList<>(positions.keySet());
        order.removeAll(lastPartitions);
        order.addAll(lastPartitions);
        List<R> results = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
        for (int partition : order) {
            List<Integer> at = positions.get(partition);
            List<R> answers = call.apply(keys(partition), at.stream().map(items::get).toList());
            for (int i = 0; i < at.size(); i++) {
                results.set(at.get(i), answers.get(i));
            }
        }
        return results;
    }

    public int of(UUID id) {
        return (int) (id.getLeastSignificantBits() & (MAX - 1)) % count;
    }

    /** The partition of an idempotency (or unique) key: every dispatch with that key meets in one slot. */
    public int forKey(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }

    /** A partition for a dispatch that shares nothing: random, so queues spread over every shard. */
    public int random() {
        return count == 1 ? 0 : RestoreSafeRandom.shared().nextInt(count);
    }

    /**
     * The {@code n}th of a run of UUIDv7s in {@code partition} that sort in minting order: the 12 bits after the
     * version count within the millisecond (RFC 9562 method 1), 4,096 ids per millisecond from {@code epochMillis}
     * on. A workflow's members so sort in tree order, in Java and in PostgreSQL.
     */
    public static UUID sequentialId(long epochMillis, int n, int partition) {
        long msb = ((epochMillis + n / 4096) << 16) | 0x7000L | (n % 4096);
        long lsb = (RestoreSafeRandom.shared().nextLong() & 0x3FFFFFFFFFFFFC00L) | Long.MIN_VALUE | partition;
        return new UUID(msb, lsb);
    }

    /** A new UUIDv7 in {@code partition}: 48 bits of {@code epochMillis}, version 7, 64 random bits, variant 2. */
    public static UUID newId(long epochMillis, int partition) {
        RestoreSafeRandom random = RestoreSafeRandom.shared();
        long msb = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFC00L) | Long.MIN_VALUE | partition;
        return new UUID(msb, lsb);
    }

}
