package io.chard.examples.probe;

import io.chard.task.AllArgs;
import io.chard.task.AllKwargs;
import io.chard.task.Task;
import io.chard.task.TaskContext;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tasks with known behaviour, for smoke tests, documentation and benchmarks: each does one thing a real task
 * does (return, wait, fail, fail then succeed, report progress).
 */
@Singleton
public class ProbeTasks {

    @Task("background_tasks.demo_echo")
    public Map<String, JsonNode> demoEcho(@AllArgs JsonNode args, @AllKwargs JsonNode kwargs) {
        Map<String, JsonNode> echo = new LinkedHashMap<>();
        echo.put("args", args);
        echo.put("kwargs", kwargs);
        return echo;
    }

    @Task("examples.noop")
    public void noop() {
    }

    @Task("examples.add")
    public long add(long a, long b) {
        return a + b;
    }

    /** Sleeps; returns the seconds slept. Stops early (and fails) when revoked or past its soft limit. */
    @Task("examples.sleep")
    public double sleep(double seconds) throws InterruptedException {
        Thread.sleep(Math.round(seconds * 1000));
        return seconds;
    }

    /** As examples.sleep under a hard time limit of 30 s: a short-lived worker leases it only with 30 s left. */
    @Task(value = "examples.limited_sleep", timeLimit = 30)
    public double limitedSleep(double seconds) throws InterruptedException {
        return sleep(seconds);
    }

    /**
     * Fails with a retryable error on its first {@code failures} attempts, retrying after one second, then
     * returns the attempt number. Counts attempts through the context, so it behaves the same on any worker.
     */
    @Task(value = "examples.flaky", autoretryFor = FlakyFailure.class, maxRetries = 10, retryBackoff = 1,
            retryBackoffMax = 1, retryJitter = false)
    public int flaky(String key, int failures, TaskContext context) {
        if (context.attempt() <= failures) {
            throw new FlakyFailure("attempt " + context.attempt() + " of '" + key + "' fails on purpose");
        }
        return context.attempt();
    }

    /**
     * Fails (at once, no retry) until the flag named {@code flag} is raised, then returns {@code value}: a step
     * that fails until an outside condition is fixed, to show a workflow's redrive. A redriven step starts again
     * at attempt 1, so an attempt-counting task such as {@code examples.flaky} cannot stand for it. A flag is a file
     * under the temporary directory ({@link #raiseFlag}), so it holds for every worker on the machine.
     */
    @Task("examples.fail_until")
    public JsonNode failUntil(JsonNode value, String flag) {
        if (!Files.exists(flagFile(flag))) {
            throw new ProbeFailure("flag '" + flag + "' is not raised yet");
        }
        return value;
    }

    /** Raises the flag {@code examples.fail_until} waits for. */
    public static void raiseFlag(String flag) throws IOException {
        Files.createDirectories(flagFile(flag).getParent());
        Files.writeString(flagFile(flag), "raised");
    }

    private static Path flagFile(String flag) {
        if (!flag.matches("[A-Za-z0-9_.-]{1,100}") || flag.startsWith(".")) {
            throw new IllegalArgumentException("a flag is 1-100 letters, digits, '_', '-' or '.', not starting "
                    + "with '.': " + flag);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "chard-flags", flag);
    }

    /** Returns the worker's wall clock, in microseconds since the epoch, as the task starts (for latency). */
    @Task("examples.clock")
    public long clock() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    @Task("examples.fail")
    public void fail(String message) {
        throw new ProbeFailure(message);
    }

    /** Walks {@code steps} steps of {@code step_ms} each, reporting progress after each. */
    @Task("examples.progress")
    public int progress(int steps, long step_ms, TaskContext context) throws InterruptedException {
        for (int step = 1; step <= steps; step++) {
            Thread.sleep(step_ms);
            context.checkCancelled();
            context.progress(step * 100 / steps, "step " + step + " of " + steps);
        }
        return steps;
    }

    /** The retryable error of {@code examples.flaky}. */
    public static final class FlakyFailure extends RuntimeException {
        public FlakyFailure(String message) {
            super(message);
        }
    }

    /** The error of {@code examples.fail}: not in any autoretry list, so it fails at once. */
    public static final class ProbeFailure extends RuntimeException {
        public ProbeFailure(String message) {
            super(message);
        }
    }
}
