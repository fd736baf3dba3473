package io.chard.app.bench;

import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark program runs end to end in its short form and measures every row (figures not judged). */
class BenchmarkSmokeTest {

    @Test
    void theQuickBenchmarkMeasuresEveryRow() throws Exception {
        // 10 rows of enqueue, processing (with its CPU shares), ingest, latency, memory and allocation; 5 of
        // dispatch (DispatchBench).
        assertEveryRowHasAFigure(15, Benchmark.run(true, testServers()));
    }

    /** The test servers, as the launcher's environment names them; a fresh database. */
    static Map<String, String> testServers() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("REDIS_URI", TestRedis.uri());
        env.put("CHARD_JDBC_URL", TestPostgres.server().urlOf(TestPostgres.freshDatabase()));
        env.put("CHARD_JDBC_USER", TestPostgres.server().user());
        env.put("CHARD_JDBC_PASSWORD", TestPostgres.server().password());
        return env;
    }

    static void assertEveryRowHasAFigure(int expectedRows, List<String[]> rows) {
        assertEquals(expectedRows, rows.size());
        for (String[] row : rows) {
            assertTrue(row[1].matches(".*\\d.*"), "no figure for " + row[0] + ": " + row[1]);
        }
    }
}
