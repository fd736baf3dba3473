package io.chard.worker;

import io.chard.task.Task;
import io.chard.task.TaskContext;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Tasks with known behaviour for the worker tests. */
@Singleton
public class WorkerTestTasks {
    static final AtomicInteger runs = new AtomicInteger();

    @Task("w.add")
    public long add(long a, long b) {
        runs.incrementAndGet();
        return a + b;
    }

    @Task(value = "w.flaky", autoretryFor = IllegalStateException.class, maxRetries = 5, retryBackoff = 0.05,
            retryBackoffMax = 0.05, retryJitter = false)
    public int flaky(int failures, TaskContext context) {
        if (context.attempt() <= failures) {
            throw new IllegalStateException("attempt " + context.attempt() + " fails");
        }
        return context.attempt();
    }

    /** {@link #flaky} without a retry limit of its own: the stored max_retries, else chard.max-retries, applies. */
    @Task(value = "w.flaky_default_retries", autoretryFor = IllegalStateException.class, retryBackoff = 0.05,
            retryBackoffMax = 0.05, retryJitter = false)
    public int flakyWithDefaultRetries(int failures, TaskContext context) {
        return flaky(failures, context);
    }

    @Task(value = "w.rated", rateLimit = "10/s")
    public void rated() {
    }

    /** Runs long enough that two workers with free slots would overlap many of them without the cap. */
    @Task(value = "w.capped", concurrency = 2)
    public void capped() throws InterruptedException {
        Thread.sleep(100);
    }

    @Task("w.progress")
    public void progress(String step, TaskContext context) {
        context.progress(50, step);
    }

    @Task("w.nothing")
    public void nothing() {
    }

    /** The labels of w.record's runs, in the order they ran. */
    static final java.util.Queue<String> recorded = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Task("w.record")
    public void record(String label) {
        recorded.add(label);
    }

    @Task("w.fail")
    public void fail(String message) {
        throw new UnsupportedOperationException(message);
    }

    static final AtomicInteger sleepsStarted = new AtomicInteger();

    @Task("w.sleep")
    public double sleep(double seconds) throws InterruptedException {
        sleepsStarted.incrementAndGet();
        Thread.sleep(Math.round(seconds * 1000));
        return seconds;
    }

    /** Ignores interrupts, as careless code does: only the hard time limit can end it. */
    @Task(value = "w.stubborn", timeLimit = 0.5)
    public void stubborn(double seconds) {
        long until = System.nanoTime() + Duration.ofMillis(Math.round(seconds * 1000)).toNanos();
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** Quick, under limits far longer than it runs. */
    @Task(value = "w.limited", softTimeLimit = 50, timeLimit = 60)
    public int limited(int n) {
        return n;
    }

    @Task(value = "w.soft", softTimeLimit = 0.3)
    public void soft(double seconds) throws InterruptedException {
        Thread.sleep(Math.round(seconds * 1000));
    }

    /** Loops until cancelled, the way cooperative code checks its context. */
    @Task("w.cancellable")
    public void cancellable(TaskContext context) throws InterruptedException {
        while (true) {
            context.checkCancelled();
            Thread.sleep(20);
        }
    }

    @Task(value = "w.retry_once", maxRetries = 1)
    public int retryOnce(TaskContext context) {
        if (context.retries() == 0) {
            throw context.retry(Duration.ofMillis(100));
        }
        return context.attempt();
    }

    @Task(value = "w.always_retry", maxRetries = 2)
    public int alwaysRetry(TaskContext context) {
        throw context.retry(Duration.ofMillis(50));
    }

    static final AtomicInteger foreverRuns = new AtomicInteger();

    /** Asks to run again "never sooner than forever": a countdown no millisecond count holds. */
    @Task(value = "w.retry_forever", maxRetries = 3)
    public int retryForever(TaskContext context) {
        foreverRuns.incrementAndGet();
        throw context.retry(Duration.ofSeconds(Long.MAX_VALUE));
    }

    static final Set<String> limitedStarted = ConcurrentHashMap.newKeySet();
    static final Set<String> limitedEnded = ConcurrentHashMap.newKeySet();

    /** Runs 1.6 s under a hard limit of 2 s. */
    @Task(value = "w.limited_run", timeLimit = 2)
    public String limitedRun(String label) throws InterruptedException {
        limitedStarted.add(label);
        Thread.sleep(1_600);
        limitedEnded.add(label);
        return label;
    }

    /** Fails with an error whose own message throws (and so does printing its stack trace). */
    @Task(value = "w.poisoned_error", maxRetries = 0)
    public void poisonedError() {
        throw new IllegalStateException() {
            @Override
            public String getMessage() {
                throw new UnsupportedOperationException("no message");
            }
        };
    }

    /**
     * Fails with an error whose message names the error itself, a common slip: Throwable.toString() reads
     * getMessage(), so reading the message recurses until the stack overflows (a StackOverflowError, not a
     * RuntimeException).
     */
    @Task(value = "w.self_describing_error", maxRetries = 0)
    public void selfDescribingError() {
        throw new IllegalStateException() {
            @Override
            public String getMessage() {
                return "failed: " + this;
            }
        };
    }

    static final java.util.Map<String, AtomicInteger> sleepStarts = new ConcurrentHashMap<>();

    /** Sleeps, counting its starts by label. */
    @Task("w.sleep_labelled")
    public String sleepLabelled(String label, double seconds) throws InterruptedException {
        sleepStarts.computeIfAbsent(label, l -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(Math.round(seconds * 1000));
        return label;
    }
}
