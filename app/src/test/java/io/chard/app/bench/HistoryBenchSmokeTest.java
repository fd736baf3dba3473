package io.chard.app.bench;

import io.chard.testing.TestPostgres;
import io.chard.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history bench runs end to end on 20,000 rows: every page is timed and the purge drops a partition. */
class HistoryBenchSmokeTest {

    @Test
    void theSmallHistoryBenchTimesEveryPageAndDropsTheOldestDay() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("REDIS_URI", TestRedis.uri());
        env.put("CHARD_JDBC_URL", TestPostgres.server().urlOf(TestPostgres.freshDatabase()));
        env.put("CHARD_JDBC_USER", TestPostgres.server().user());
        env.put("CHARD_JDBC_PASSWORD", TestPostgres.server().password());
        List<String[]> rows = HistoryBench.run(20_000, 3, env);
        assertEquals(8, rows.size());
        for (String[] row : rows.subList(2, 6)) {
            assertTrue(row[1].matches("p50 .* ms, p95 .* ms") && row[2].matches("p50 .* ms, p95 .* ms"),
                    "no figures for " + row[0] + ": " + String.join(" | ", row));
        }
        assertTrue(rows.get(6)[1].endsWith("(estimate)"), "20,000 rows are counted by estimate: " + rows.get(6)[1]);
        assertTrue(rows.get(7)[0].contains("partition dropped"), rows.get(7)[0]);
    }
}
