package io.chard.app;

import io.chard.admin.testing.ApiClient;
import io.chard.testing.Await;
import io.chard.testing.TestRedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./chard dev} ({@link DevMain}) as a separate JVM, as the launcher runs it: this test JVM's classpath,
 * the environment given, its output in a file. Answers once {@code /health} says it serves.
 */
final class DevProcess implements AutoCloseable {
    /** Start-up runs initdb and Flyway; on a loaded 2-core machine it has taken over a minute. */
    static final Duration START = Duration.ofMinutes(3);
    static final String ADMIN_PASSWORD = "dev-process-password";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final String base;
    private final Path output;

    private DevProcess(Process process, String base, Path output) {
        this.process = process;
        this.base = base;
        this.output = output;
    }

    /**
     * Starts dev with the servers {@code environment} names (REDIS_URI, CHARD_JDBC_URL, ...); those it leaves
     * out, dev starts itself. The variables of the same names in this JVM's environment are not passed on.
     */
    static DevProcess start(Map<String, String> environment) throws IOException {
        int port = TestRedis.freePort();
        Path output = Files.createTempFile("chard-dev-process", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DevMain.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        for (String name : List.of("REDIS_URI", "CHARD_JDBC_URL", "CHARD_JDBC_USER", "CHARD_JDBC_PASSWORD",
                "CHARD_SQS_ENDPOINT", "CHARD_NAMESPACE")) {
            env.remove(name);
        }
        env.put("CHARD_HTTP_PORT", Integer.toString(port));
        env.put("CHARD_DEV_SQS_PORT", Integer.toString(TestRedis.freePort()));
        env.put("CHARD_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.putAll(environment);
        DevProcess dev = new DevProcess(builder.start(), "http://127.0.0.1:" + port, output);
        try {
            Await.until("dev serves /health (output: " + output + ")", START, dev::serves);
        } catch (AssertionError e) {
            String printed = dev.output();
            dev.close();
            throw new AssertionError(e.getMessage() + "\n" + printed, e);
        }
        return dev;
    }

    private boolean serves() {
        if (!process.isAlive()) {
            throw new AssertionError("dev exited with " + process.exitValue());
        }
        try {
            HttpResponse<Void> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return health.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    ApiClient admin() {
        return new ApiClient(base).as("admin", ADMIN_PASSWORD);
    }

    /** Sends SIGTERM and answers how long the process took to end, or null if it had not ended by {@code limit}. */
    Duration terminate(Duration limit) throws InterruptedException {
        long sent = System.nanoTime();
        process.destroy();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        return Duration.ofNanos(System.nanoTime() - sent);
    }

    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process if it still runs; its output goes to this test's report. */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        System.out.println("---- output of dev at " + base + " ----\n" + output());
        Files.deleteIfExists(output);
    }
}
