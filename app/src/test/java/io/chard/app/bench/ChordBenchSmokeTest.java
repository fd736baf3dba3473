package io.chard.app.bench;

import org.junit.jupiter.api.Test;

import static io.chard.app.bench.BenchmarkSmokeTest.assertEveryRowHasAFigure;
import static io.chard.app.bench.BenchmarkSmokeTest.testServers;

/** The chord benchmark runs end to end in its short form and measures every row (figures not judged). */
class ChordBenchSmokeTest {

    @Test
    void theQuickChordBenchmarkMeasuresEveryRow() throws Exception {
        assertEveryRowHasAFigure(3, ChordBench.run(true, testServers()));
    }
}
