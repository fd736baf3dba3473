package io.chard.history;

import io.micronaut.core.annotation.Nullable;

/**
 * The overview's mergeable percentile sketch: a fixed log-scale histogram of durations, {@value #PER_DOUBLING}
 * buckets per doubling from 1 ms, {@value #BUCKETS} buckets in all (bucket i holds [2^(i/4), 2^((i+1)/4)) ms;
 * bucket 0 also holds everything under 1 ms, the last everything from about 6.9 h). Histograms with the same
 * buckets add up element by element, so a window's percentile is read from the sum of its minutes' histograms;
 * a percentile answers its bucket's geometric middle, within 2^(1/8), about 9 %, of the true value.
 */
public final class RuntimeHistogram {
    static final int PER_DOUBLING = 4;
    static final int BUCKETS = 100;

    private RuntimeHistogram() {
    }

    /** SQL for the bucket of the duration {@code millis} (a double precision expression; NULL stays NULL). */
    static String bucketSql(String millis) {
        return "LEAST(" + (BUCKETS - 1) + ", GREATEST(0, floor(" + PER_DOUBLING + " * ln(GREATEST(" + millis
                + ", 1)) / ln(2))))::int";
    }

    /** SQL turning an int[] of bucket numbers (NULL: none) into the dense histogram, one count per bucket. */
    static String denseSql(String buckets) {
        return "ARRAY(SELECT count(b) FROM generate_series(0, " + (BUCKETS - 1) + ") i LEFT JOIN unnest("
                + buckets + ") b ON b = i GROUP BY i ORDER BY i)::int[]";
    }

    /** SQL adding two dense histograms element by element. */
    static String sumSql(String left, String right) {
        return "ARRAY(SELECT l + r FROM unnest(" + left + ", " + right + ") AS h(l, r))";
    }

    /**
     * The {@code quantile} (0 to 1) of the durations a dense histogram counts, in milliseconds: the middle of the
     * bucket holding it; null when it counts nothing.
     */
    public static @Nullable Double percentile(long[] counts, double quantile) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int bucket = 0; bucket < counts.length; bucket++) {
            seen += counts[bucket];
            if (seen >= rank) {
                return Math.pow(2, (bucket + 0.5) / PER_DOUBLING);
            }
        }
        throw new IllegalStateException("unreachable: the rank is at most the total");
    }
}
