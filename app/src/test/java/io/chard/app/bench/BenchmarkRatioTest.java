package io.chard.app.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The table's ratio column: Chard's rate over the baseline's, only where both cells lead with a rate. */
class BenchmarkRatioTest {

    @Test
    void aRateIsDividedByTheBaselinesRateWhateverFollowsEither() {
        assertEquals("0.125", Benchmark.ratio("2,500/s (1,900/s incl. JVM start)", "20,000/s (RPUSH, 8 threads)"));
        assertEquals("1.500", Benchmark.ratio("1,500/s, p99 20.7 ms", "1,000/s"));
    }

    @Test
    void rowsWithoutTwoRatesHaveNoRatio() {
        assertEquals("-", Benchmark.ratio("worker 40, Redis 33 µs", "-"));
        assertEquals("-", Benchmark.ratio("0.92 / 3.45 / 4.76 ms", "0.17 / 0.26 / 0.43 ms"));
        assertEquals("-", Benchmark.ratio("142 MiB", "-"));
        assertEquals("-", Benchmark.ratio("10/s", "0/s"));
    }
}
