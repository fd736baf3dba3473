package io.chard.random;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The random numbers behind Chard's ids (UUIDv7s, worker ids) and retry jitter, made so that copies of one
 * process restored from a snapshot (AWS Lambda SnapStart, a CRaC JDK) do not repeat each other: restore hooks call
 * {@link #reseed()}, which replaces the state with fresh entropy. {@code ThreadLocalRandom} cannot be reseeded,
 * and its per-thread seeds all derive from one static seed that every restored copy inherits, so two copies would
 * mint the same ids in the same order.
 *
 * <p>The generator is SplittableRandom's: a 64-bit state advanced by an odd constant and output through a mixing
 * function, so one process never repeats a 64-bit output within 2^64 draws; the state is one {@code AtomicLong},
 * shared by every thread (an uncontended add costs a few nanoseconds; ids are drawn once per dispatch).
 */
public final class RestoreSafeRandom implements RandomGenerator {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final RestoreSafeRandom SHARED = new RestoreSafeRandom(freshSeed());

    private final AtomicLong state;

    /** With a given state: what two copies restored from one snapshot hold (tests). */
    RestoreSafeRandom(long seed) {
        this.state = new AtomicLong(seed);
    }

    /** The process's generator. */
    public static RestoreSafeRandom shared() {
        return SHARED;
    }

    @Override
    public long nextLong() {
        return mix64(state.addAndGet(GOLDEN_GAMMA));
    }

    /**
     * Replaces the state with entropy read now from the operating system (SecureRandom's native source reads
     * /dev/urandom on every call, so it is fresh in each restored copy too).
     */
    public void reseed() {
        state.set(freshSeed());
    }

    private static long freshSeed() {
        return new SecureRandom().nextLong();
    }

    /** David Stafford's mix variant 13, SplittableRandom's output function. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
