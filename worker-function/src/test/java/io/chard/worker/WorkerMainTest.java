package io.chard.worker;

import io.chard.config.ChardSettings;
import io.chard.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./chard worker}'s command line. */
class WorkerMainTest {
    @Test
    void anOptionIsReadWithItsValueAfterASpaceOrAnEqualsSign() {
        assertEquals(List.of("--queues", "emails,reports", "--concurrency", "4"),
                WorkerMain.options(new String[] {"--queues=emails,reports", "--concurrency", "4"}));
    }

    /**
     * An option without its value: the options were read in pairs, a lone last one never looked at, so the worker
     * started on the default queue and ran its tasks, the work the operator meant to keep off that host. It is
     * refused, and the process exits non-zero, as for an unknown option.
     */
    @Test
    void aWorkerCommandLineWithAnOptionMissingItsValueIsRefusedNotRunOnTheDefaultQueue() throws Exception {
        assertThrows(IllegalArgumentException.class,
                () -> WorkerMain.options(new String[] {"--concurrency", "2", "--queues"}));
        Path output = Files.createTempFile("chard-worker-main", ".log");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(), "--queues")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("REDIS_URI", TestRedis.uri());
        builder.environment().put("CHARD_NAMESPACE", (String) TestRedis.properties().get(ChardSettings.NAMESPACE));
        Process worker = builder.start();
        try {
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker still runs: " + Files.readString(output));
            assertNotEquals(0, worker.exitValue(), Files.readString(output));
            assertTrue(Files.readString(output).contains("'--queues' has no value"), Files.readString(output));
        } finally {
            worker.destroyForcibly();
            worker.waitFor();
            Files.deleteIfExists(output);
        }
    }
}
