package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.Delivery;
import io.chard.broker.LeaseRef;
import io.chard.broker.Outcome;
import io.chard.broker.Settlement;
import io.chard.task.TaskOptions;
import io.chard.trace.TaskLogScope;
import io.chard.worker.metrics.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs leased executions: each on a virtual thread once a run slot is free, under its task's soft and hard
 * time limits. Ends each exactly once, by reporting its outcome or by abandoning it unreported (its lease is
 * gone, or is being given back), and frees its slots. Knows which executions this worker holds.
 */
final class ExecutionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionRunner.class);
    /** The longest envelope (in chars) read on the lease loop's thread; about the parser's recycled read buffer. */
    private static final int READ_ON_LEASE_THREAD_UP_TO = 8_000;

    private final TaskInvoker invoker;
    private final BrokerConsumer broker;
    private final Slots slots;
    private final Clock clock;
    private final Consumer<Settlement> report;
    private final WorkerMetrics metrics;
    private final StartListener started;
    private final Map<UUID, Execution> active = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledThreadPoolExecutor timers;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The drain in progress, if any: an execution starts only while its time limit (or budget) fits before it. */
    private volatile Drain drain;
    /** A stop began: what has not started goes back ({@link #stopStarting}). */
    private volatile boolean stopping;

    /** A drain's deadline and the run budget of executions without a hard time limit. */
    record Drain(Instant deadline, Duration runBudget) {
    }

    /** Told of each start (a drain tallies the waits for its invocation's metrics). */
    interface StartListener {
        /** @param waitedNanos how long the execution waited to start since it became ready; negative: unknown */
        void started(String task, String queue, long waitedNanos);
    }

    ExecutionRunner(TaskInvoker invoker, BrokerConsumer broker, Slots slots, Clock clock, Consumer<Settlement> report,
                    WorkerMetrics metrics, StartListener started) {
        this.invoker = invoker;
        this.metrics = metrics;
        this.started = started;
        this.broker = broker;
        this.slots = slots;
        this.clock = clock;
        this.report = report;
        this.timers = new ScheduledThreadPoolExecutor(2, Thread.ofPlatform().name("chard-worker-timer-", 0)
                .daemon().factory());
        // A cancelled timer otherwise stays queued, holding its execution and envelope, until its delay
        // passes: at 5,000 executions/s under a 60 s limit that is 300,000 executions kept alive.
        timers.setRemoveOnCancelPolicy(true);
    }

    /**
     * Whether the delivery is of an execution this worker still runs (handed back to it after its heartbeat came
     * later than the lease): the run carries on under the new lease instead of starting again, and the new lease's
     * slot goes back.
     */
    boolean adopt(Delivery delivery) {
        Execution held = active.get(delivery.id());
        if (held != null && held.adopt(delivery)) {
            slots.returnLeaseSlots(1);
            return true;
        }
        return false;
    }

    /** Takes on a delivery that holds a lease slot and runs it when a run slot is free. */
    void start(Delivery delivery) {
        if (adopt(delivery)) {
            return;
        }
        Execution execution = new Execution(delivery, clock.instant());
        Execution earlier = active.put(delivery.id(), execution);
        if (earlier != null) {
            // The earlier run ended while its report was refused (its lease had lapsed): this lease runs anew.
            abandon(earlier);
        }
        // A small envelope (nearly every one) is read here, on the lease loop's thread: the JSON parser recycles its
        // buffers per thread, so reading it on the execution's new virtual thread allocated them anew for every task
        // (docs/architecture.md, "The envelope read where the parser's buffers are kept"). A large one is read on
        // its own thread, where it cannot hold up the loop.
        String envelope = delivery.envelope();
        TaskInvoker.Prepared prepared = envelope != null && envelope.length() <= READ_ON_LEASE_THREAD_UP_TO
                ? invoker.prepare(execution) : null;
        threads.execute(() -> run(execution, prepared != null ? prepared : invoker.prepare(execution)));
    }

    void draining(Drain drain) {
        this.drain = drain;
    }

    private boolean fits(TaskOptions options, Drain draining) {
        Duration limit = options.timeLimit().isPositive() ? options.timeLimit() : draining.runBudget();
        return !clock.instant().plus(limit).isAfter(draining.deadline());
    }

    /** The executions this worker holds, running or waiting for a run slot. */
    Collection<Execution> active() {
        return active.values();
    }

    boolean idle() {
        return active.isEmpty();
    }

    long processed() {
        return processed.get();
    }

    long failed() {
        return failed.get();
    }

    /**
     * A revoke reached this execution: stop it (at once when it has not started yet). The flag is written before the
     * thread is read, and {@link #run} writes the thread before it reads the flag, so at least one of the two sees
     * the other: a revoke that saw no thread yet settled the execution while its run, past its check of the end,
     * started the body uninterrupted with its slot already freed.
     */
    void cancel(Execution execution) {
        execution.cancelRequested = true;
        if (execution.thread == null) {
            finish(execution, new Outcome.Revoked("revoked"));
        } else {
            execution.interrupt();
        }
    }

    /** Drops an execution without reporting (its lease is gone, or is being given back). */
    boolean abandon(Execution execution) {
        if (!execution.end()) {
            return false;
        }
        slots.free(execution.releaseRunSlot());
        active.remove(execution.delivery.id(), execution);
        execution.interrupt();
        return true;
    }

    /** Abandons everything still held and answers the leases to give back. */
    List<LeaseRef> abandonAll() {
        List<LeaseRef> abandoned = new ArrayList<>();
        for (Execution execution : active.values()) {
            if (abandon(execution)) {
                abandoned.add(execution.lease());
            }
        }
        return abandoned;
    }

    /** The broker took (or refused) these reports: the executions are no longer this worker's. */
    void settled(List<Settlement> settlements) {
        for (Settlement settlement : settlements) {
            active.computeIfPresent(settlement.lease().id(),
                    (id, execution) -> execution.lease().token().equals(settlement.lease().token()) ? null : execution);
        }
    }

    int pendingTimers() {
        return timers.getQueue().size();
    }

    void close() {
        timers.shutdownNow();
        threads.shutdownNow();
    }

    /**
     * Runs one execution to its end. Whatever escapes (an Error while reading a task's error, a fault in the
     * worker's own bookkeeping) still ends it, as a failure naming what escaped: escaped, it left the execution
     * running for ever, its lease renewed by the heartbeat and its run slot held.
     */
    private void run(Execution execution, TaskInvoker.Prepared prepared) {
        try {
            runPrepared(execution, prepared);
        } catch (Throwable escaped) {
            Thread.interrupted();
            LOG.error("execution {} ended by an error around its task", execution.delivery.id(), escaped);
            finish(execution, new Outcome.Failure(escaped.getClass().getName(), "the worker could not run or report "
                    + "this task: " + escaped.getClass().getSimpleName() + " around it", ""));
        }
    }

    private void runPrepared(Execution execution, TaskInvoker.Prepared prepared) {
        if (prepared.poison() != null) {
            finish(execution, prepared.poison());
            return;
        }
        execution.taskName = prepared.envelope().task();
        execution.queue = prepared.envelope().queue();
        // Set before anything can interrupt it: a revoke from here on interrupts this thread instead of settling.
        execution.thread = Thread.currentThread();
        if (stopping && !execution.cancelRequested) {
            // The stop found no thread to wake here; read after the write above, the flag is seen.
            giveBackUnstarted(execution);
            return;
        }
        try {
            slots.acquireRun();
        } catch (InterruptedException e) {
            if (stopping && !execution.cancelRequested) {
                giveBackUnstarted(execution);
            } else {
                finish(execution, new Outcome.Revoked("revoked"));
            }
            return;
        }
        execution.holdRunSlot();
        if (execution.cancelRequested) {
            finish(execution, new Outcome.Revoked("revoked")); // nothing when the revoke already ended it
        }
        if (execution.ended()) {
            if (execution.releaseRunSlot()) {
                slots.releaseRun();
            }
            return;
        }
        Drain draining = drain;
        if (stopping || draining != null && !fits(prepared.task().options(), draining)) {
            // Leased ahead of a run slot: a stopping worker starts nothing more (started in the grace, it was cut
            // at its end, half run, and given back); in a drain, it waited behind other work past its last start
            // and would be cut at the deadline mid-run. It goes back unstarted.
            giveBackUnstarted(execution);
            return;
        }
        Instant expires = prepared.envelope().expires();
        if (expires != null && !clock.instant().isBefore(expires)) {
            // Leased ahead before its expiry, it waited for a run slot past it: never started, as the lease would
            // have it had it been leased now.
            finish(execution, new Outcome.Revoked("expired"));
            return;
        }
        execution.startedAt = clock.instant();
        long waitedNanos = waitedNanos(execution);
        metrics.started(execution.taskName, execution.queue, waitedNanos);
        started.started(execution.taskName, execution.queue, waitedNanos);
        armTimeLimits(execution, prepared.task().options());
        try (TaskLogScope logs = TaskLogScope.open(execution.delivery.id(), execution.taskName,
                execution.delivery.retries() + 1, prepared.envelope().headers())) {
            finish(execution, invoker.invoke(prepared, execution, new RunningTaskContext(execution, broker)));
        } finally {
            execution.thread = null;
            Thread.interrupted();
        }
    }

    /** Gives an execution that has not started back to the broker, for another worker or invocation. */
    private void giveBackUnstarted(Execution execution) {
        if (abandon(execution)) {
            Thread.interrupted(); // abandon interrupts the execution's thread: this one, which still calls Redis
            try {
                broker.release(List.of(execution.lease()));
            } catch (RuntimeException e) {
                LOG.warn("could not give back {} unstarted; it is delivered again when its lease lapses: {}",
                        execution.delivery.id(), e.toString());
            }
        }
    }

    /**
     * A stop began: nothing more starts here. Executions still waiting for a run slot are woken and go back at
     * once, for a worker that stays (the design: what was leased ahead goes back instead of starting in the
     * grace). One that holds its slot already checks the flag before it starts. The flag is set before the slots
     * are read, and a run holds its slot before it reads the flag, so at least one of the two sees the other.
     */
    void stopStarting() {
        stopping = true;
        for (Execution execution : active.values()) {
            if (!execution.holdsRunSlot()) {
                execution.interrupt();
            }
        }
    }

    /**
     * The broker's figure up to the lease (its clock) plus the time from the lease to the start (ours: the wait for a
     * run slot when prefetched), so no skew between the two clocks enters it. Arithmetic on the instants' fields
     * rather than a Duration: nothing allocated per execution.
     */
    private static long waitedNanos(Execution execution) {
        long broker = execution.delivery.waitedMillis();
        if (broker < 0) {
            return -1;
        }
        Instant leased = execution.leasedAt;
        Instant started = execution.startedAt;
        long here = (started.getEpochSecond() - leased.getEpochSecond()) * 1_000_000_000L
                + (started.getNano() - leased.getNano());
        return broker * 1_000_000L + Math.max(0, here);
    }

    private void armTimeLimits(Execution execution, TaskOptions options) {
        if (options.softTimeLimit().isPositive()) {
            execution.softLimit = timers.schedule(() -> {
                execution.softLimitPassed = true;
                execution.interrupt();
            }, options.softTimeLimit().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (options.timeLimit().isPositive()) {
            execution.hardLimit = timers.schedule(() -> {
                if (finish(execution, new Outcome.Failure("TimeLimitExceeded", "hard time limit of "
                        + options.timeLimit().toMillis() / 1000.0 + " s exceeded", ""))) {
                    execution.interrupt();
                }
            }, options.timeLimit().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (execution.ended()) {
            // Abandoned while the timers were being armed: end() cancelled only those armed before it.
            execution.cancelTimers();
        }
    }

    /** Ends the execution with {@code outcome} unless something else ended it first. */
    private boolean finish(Execution execution, Outcome outcome) {
        if (!execution.end()) {
            return false;
        }
        slots.free(execution.releaseRunSlot());
        if (outcome instanceof Outcome.Failure) {
            failed.incrementAndGet();
        } else if (!(outcome instanceof Outcome.Retry)) {
            processed.incrementAndGet();
        }
        // Counted before it is reported, so a reader who sees the execution ended sees it counted. The task and
        // queue are known once the envelope parsed and named a registered task (the queue is set then).
        boolean known = execution.queue != null;
        Instant started = execution.startedAt;
        metrics.ended(known ? execution.taskName : WorkerMetrics.NONE, known ? execution.queue : WorkerMetrics.NONE,
                outcome, started == null ? null : Duration.between(started, clock.instant()));
        report.accept(new Settlement(execution.lease(), outcome));
        return true;
    }
}
