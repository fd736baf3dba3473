package io.chard.worker;

import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Delivery;
import io.chard.broker.LeaseRef;
import io.chard.broker.Outcome;
import io.chard.broker.Settlement;
import io.chard.config.ChardConfig;
import io.chard.trigger.ReadyTrigger;
import io.chard.loop.Loop;
import io.chard.random.RestoreSafeRandom;
import io.chard.worker.metrics.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * The worker: wires the lease loop, the execution runner, the heartbeater and the settler together, and runs
 * them as a long-lived process ({@link #start()}/{@link #stop()}) or until a deadline, for short-lived
 * invocations ({@link #drain(Instant, Duration)}, {@link #drainIds(List, Instant, Duration)}), any number of
 * times in a row: a warm function instance keeps its worker between invocations. Stopping gives the running
 * tasks a grace period; a loop that dies on an Error stops the worker at once and exits the process with
 * status 1 (see {@link LoopGuard}). Somewhat over our usual length because both lifecycles end the same way
 * (stop leasing, let what runs finish, give back the rest, settle): kept here, that ending is written once.
 */
public final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long stopping waits for a lease round in flight (its blocking wait lasts at most the poll interval). */
    private static final Duration ROUND_PATIENCE = Duration.ofSeconds(5);
    /** How long a drain, past its deadline, waits for Redis to take the outcomes (inside the safety margin). */
    private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(3);
    /** How often a drain looks whether it is done when no idle lease round told it to (runs and settles ending). */
    private static final Duration CHECK_PERIOD = Duration.ofMillis(20);

    private final WorkerConfig config;
    private final Clock clock;
    private final String id;
    private final BrokerConsumer broker;
    private final Settler settler;
    private final Slots slots;
    private final ExecutionRunner runner;
    private final LeaseLoop leasing;
    private final Loop heartbeat;
    private final LoopGuard loops;
    private final IntConsumer exit;
    private final ReadyTrigger trigger;
    private final WorkerMetrics metrics;
    private final Heartbeater heartbeater;
    private final Duration leaseDuration;
    /** The drain in progress, if any: counts what it leases and how those executions end. */
    private volatile DrainTally tally;
    /** The drain in progress' idle wait, if any: woken as its tasks' outcomes are settled. */
    private volatile DrainWake drainWake;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean stopping;
    private Loop leaseLoop;
    /** Whether a lease round's batch may start: always once {@link #start()}ed, else while a drain lasts. */
    private volatile boolean batchesStart;

    Worker(Broker broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker, JsonMapper json, Clock clock,
           ReadyTrigger trigger, WorkerMetrics metrics) {
        this(newId(), broker, config, chard, invoker, json, clock, trigger, metrics);
    }

    private Worker(String id, Broker broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker,
                   JsonMapper json, Clock clock, ReadyTrigger trigger, WorkerMetrics metrics) {
        this(id, broker.consumer(id), config, chard, invoker, json, clock, System::exit, trigger, metrics);
    }

    Worker(String id, BrokerConsumer broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker,
           JsonMapper json, Clock clock, IntConsumer exit) {
        this(id, broker, config, chard, invoker, json, clock, exit, ReadyTrigger.NONE,
                new WorkerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    }

    /**
     * With a consumer and an exit of the caller's choosing: tests wrap the real consumer to inject faults, and
     * must not end their JVM.
     */
    Worker(String id, BrokerConsumer broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker,
           JsonMapper json, Clock clock, IntConsumer exit, ReadyTrigger trigger, WorkerMetrics metrics) {
        config.requireWithin(chard.redisTimeout());
        this.config = config;
        this.trigger = trigger;
        this.metrics = metrics;
        this.clock = clock;
        this.id = id;
        this.broker = broker;
        this.exit = exit;
        this.loops = new LoopGuard(this::failed);
        this.slots = new Slots(config.concurrency(), config.prefetch(), config.leaseBatch());
        this.settler = new Settler(broker, this::settled, this::accepted, loops, metrics);
        this.runner = new ExecutionRunner(invoker, broker, slots, clock, settler::submit, metrics, this::started);
        metrics.slots(config.concurrency(), slots::freeRunSlots, slots::prefetch);
        LeaseCalls leaseCalls = new LeaseCalls();
        this.leaseDuration = chard.leaseDuration();
        this.heartbeater = new Heartbeater(broker, runner, leaseCalls,
                new Heartbeater.Identity(id, host(), config, clock.instant()), chard.leaseDuration(), json, clock);
        this.leasing = new LeaseLoop(broker, config, chard.leaseDuration(), slots, this::leased, settler,
                heartbeater, leaseCalls, clock);
        this.heartbeat = loops.loop("chard-heartbeat", heartbeater::beat);
        heartbeat.start();
    }

    public String id() {
        return id;
    }

    /** Starts leasing on a thread of its own; returns at once. */
    public synchronized void start() {
        if (leaseLoop == null) {
            LeaseLoop.Source queues = leasing.queues(Duration.ZERO);
            // A stopping worker leases nothing more while its loop winds down: what it gave back unstarted at the
            // stop would otherwise be leased again at once, and given back again, until the loop ended.
            leaseLoop = loops.loop("chard-lease", () -> stopping ? config.pollInterval()
                    : leasing.round(Instant.MAX, queues));
            batchesStart = true;
            leaseLoop.start();
            LOG.info("worker {} consuming {} with concurrency {}", id, config.queues(), config.concurrency());
        }
    }

    /**
     * Drains the configured queues until {@code deadline}: leases only executions whose hard time limit (or,
     * without one, {@code runBudget}) fits in the time left, returns early once nothing is left that could
     * run before the deadline, gives back at the deadline what still runs, and waits (briefly) until every
     * outcome is settled. The worker stays usable: the next invocation drains again.
     */
    public DrainReport drain(Instant deadline, Duration runBudget) {
        DrainWake idle = new DrainWake();
        return drain(new ExecutionRunner.Drain(deadline, runBudget),
                new DrainSource(leasing.queues(runBudget), idle, false), idle, null);
    }

    /** Drains exactly the executions named (a queue trigger's batch), as {@link #drain(Instant, Duration)}. */
    public DrainReport drainIds(List<UUID> ids, Instant deadline, Duration runBudget) {
        IdSource source = new IdSource(broker, ids, runBudget, clock);
        DrainWake idle = new DrainWake();
        return drain(new ExecutionRunner.Drain(deadline, runBudget), new DrainSource(source, idle, true), idle,
                source);
    }

    /**
     * @param drain its deadline, and the run budget the runner checks once an execution leased ahead has a run slot
     * @param idle  what the drain's source reports its idle rounds to, and what the timer drain's wait sleeps on
     */
    private synchronized DrainReport drain(ExecutionRunner.Drain drain, LeaseLoop.Source source, DrainWake idle,
                                           IdSource ids) {
        Instant deadline = drain.deadline();
        runner.draining(drain);
        try {
            return drained(deadline, source, idle, ids);
        } finally {
            runner.draining(null);
        }
    }

    private DrainReport drained(Instant deadline, LeaseLoop.Source source, DrainWake idle, IdSource ids) {
        Instant began = clock.instant();
        DrainTally counting = new DrainTally();
        tally = counting;
        drainWake = idle;
        leasing.wet();
        Loop draining = loops.loop("chard-lease", () -> leasing.round(deadline, source));
        batchesStart = true;
        draining.start();
        // Read in this order: a settlement is counted before its execution leaves the runner (settled), so a look
        // that finds the runner idle also finds the count that tells it the last idle round is out of date.
        while (!stopping && clock.instant().isBefore(deadline)
                && !(leasing.dry() && runner.idle() && settler.idle() && idle.idleRoundCurrent())
                && !unreachable(began)) {
            Duration left = Duration.between(clock.instant(), deadline);
            idle.awaitMayBeDone(left.compareTo(CHECK_PERIOD) < 0 ? left : CHECK_PERIOD);
        }
        boolean unreachable = unreachable(began);
        if (unreachable) {
            LOG.warn("Redis has not taken a heartbeat for {} (a lease duration): the drain ends before its deadline; "
                    + "what still runs is given back or lapses, outcomes not settled are settled once Redis answers "
                    + "(else their executions run again)", leaseDuration);
        }
        idle.end();
        drainWake = null;
        if (!draining.stop(config.pollInterval().plus(ROUND_PATIENCE))) {
            LOG.warn("a lease call outlasted the drain; what it leased is given back when it answers");
        }
        batchesStart = leaseLoop != null; // drain and start hold the worker's lock
        int givenBack = giveBackAll(unreachable ? clock.instant() : deadline);
        if (!settler.flush(unreachable ? Duration.ZERO : SETTLE_PATIENCE)) {
            LOG.warn("some outcomes are not settled yet; they are delivered again when their leases lapse");
        }
        tally = null;
        return counting.report(givenBack, ids == null ? Map.of() : Map.copyOf(ids.found()));
    }

    /**
     * Whether Redis has taken no heartbeat for a lease duration, counted from the later of the last one it took and
     * the drain's start (a warm instance's last heartbeat may be from its previous invocation): every lease this
     * worker holds has lapsed on Redis' clock by then, and the drain would only back off until its deadline.
     */
    private boolean unreachable(Instant began) {
        if (!heartbeater.failing()) {
            return false;
        }
        Instant renewed = heartbeater.renewedAt();
        Instant since = renewed.isAfter(began) ? renewed : began;
        return !clock.instant().isBefore(since.plus(leaseDuration));
    }

    /**
     * A drain's source: leases as the given one does, and tells the drain of each round that leased nothing (the
     * round that may have left it dry), so an invocation answers as soon as its last outcome is settled rather than
     * at the drain's next look. The queues' source then waits on a local sleep the drain cuts short when it ends
     * ({@code ownWait} false), instead of a blocking Redis read that would hold every invocation's response for up
     * to a poll interval (a second) past its last task; work dispatched while a drained queue is empty and tasks
     * still run is found by the next round, at most a poll interval later. A list of ids waits its own way.
     */
    private record DrainSource(LeaseLoop.Source source, DrainWake idle, boolean ownWait) implements LeaseLoop.Source {
        @Override
        public BrokerConsumer.LeaseBatch lease(int max, Duration lease, Instant deadline) {
            idle.roundBegins();
            return source.lease(max, lease, deadline);
        }

        @Override
        public void await(Duration max) {
            idle.idleRound();
            if (ownWait) {
                source.await(max);
            } else {
                idle.await(max);
            }
        }
    }

    /**
     * What a drain's lease loop waits on after an empty round. It wakes when Redis took outcomes of the drain's
     * tasks, not only after a poll interval: the lease of a task still running counts as work that may come due (a
     * lease may lapse), so the round that finds the queue empty while the last task runs does not find it dry, and
     * without this wake the drain answered a poll interval (a second) after its last task. It wakes for good when
     * the drain ends. It also wakes the drain itself, which looks whether it is done after each idle round rather
     * than only every {@link #CHECK_PERIOD}. A round's "dry" holds only if the round began after the last settlement:
     * a settlement may have made work ready (a retry due soon, a workflow's next step) that an earlier round did not
     * see, so the drain counts settlements and waits for an idle round that began after all of them.
     */
    private static final class DrainWake {
        private final Semaphore outcomes = new Semaphore(0);
        /** Released whenever the drain may have become done: it then looks at once. */
        private final Semaphore mayBeDone = new Semaphore(0);
        private final AtomicLong settlements = new AtomicLong();
        /** Settlements counted when the current lease round began (the lease loop's thread alone writes it). */
        private long settlementsAtRoundStart;
        /** Settlements counted when the last idle round began. */
        private volatile long settlementsBeforeIdleRound;
        private volatile boolean ended;

        void roundBegins() {
            settlementsAtRoundStart = settlements.get();
        }

        /** A lease round found nothing: the drain may be done. */
        void idleRound() {
            settlementsBeforeIdleRound = settlementsAtRoundStart;
            mayBeDone.release();
        }

        /** Whether the last idle round began after every settlement so far. */
        boolean idleRoundCurrent() {
            return settlementsBeforeIdleRound == settlements.get();
        }

        /** The drain's own wait between looks: at most {@code max}, cut short by an idle round or a stop. */
        void awaitMayBeDone(Duration max) {
            take(mayBeDone, max);
        }

        /** The worker stops: the drain looks at once, and sees it. */
        void stopping() {
            mayBeDone.release();
        }

        /** Outcomes are about to leave the runner: counted first (see the drain's look). */
        void settling() {
            settlements.incrementAndGet();
        }

        /** Redis took outcomes: the lease loop looks again for what they made ready. */
        void outcomes() {
            outcomes.release();
        }

        void end() {
            ended = true;
            outcomes.release();
        }

        void await(Duration max) {
            if (!ended) {
                take(outcomes, max);
            }
        }

        private static void take(Semaphore signals, Duration max) {
            try {
                if (signals.tryAcquire(max.toNanos(), TimeUnit.NANOSECONDS)) {
                    signals.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Graceful stop: no more leasing, running tasks get the grace period, then their leases go back. */
    public void stop() {
        shutdown(config.shutdownGrace());
    }

    /** The Error that killed one of the worker's loops and stopped it, if one did. */
    public Optional<Error> failure() {
        return loops.failure();
    }

    private void shutdown(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        // The grace counts from the stop: running tasks go on while the lease loop ends its wait for work.
        Instant graceEnds = clock.instant().plus(grace);
        stopping = true;
        runner.stopStarting();
        DrainWake draining = drainWake;
        if (draining != null) {
            draining.stopping();
        }
        Loop leaseRounds;
        synchronized (this) {
            leaseRounds = leaseLoop;
        }
        if (leaseRounds != null) {
            leaseRounds.stop(config.pollInterval().plus(ROUND_PATIENCE));
        }
        giveBackAll(graceEnds);
        settler.close(Duration.ofSeconds(10));
        heartbeat.stop(ROUND_PATIENCE);
        runner.close();
        try {
            broker.deregister();
        } catch (BrokerUnavailableException e) {
            LOG.warn("could not remove worker {} from the registry: {}", id, e.getMessage());
        }
        broker.close();
        LOG.info("worker {} stopped ({} processed, {} failed)", id, runner.processed(), runner.failed());
    }

    /** Whether a stop has begun (for tests). */
    boolean stopping() {
        return stopping;
    }

    /** Time-limit timers not yet run or released (for tests). */
    int pendingTimers() {
        return runner.pendingTimers();
    }

    /**
     * A loop died on an Error: the worker cannot keep its promises (a dead heartbeat lets leases lapse under
     * running tasks), so it stops without a grace period, settles what has finished, gives back what runs,
     * and exits non-zero so that its supervisor starts a fresh one.
     */
    private void failed(String loop, Error error) {
        LOG.error("worker {}: the {} loop died; giving back what it holds and exiting with status 1", id, loop,
                error);
        Thread.ofPlatform().name("chard-worker-failed").start(() -> {
            try {
                shutdown(Duration.ZERO);
            } catch (Throwable e) {
                LOG.error("worker {}: giving back after the failure failed too", id, e);
            } finally {
                exit.accept(1);
            }
        });
    }

    private void settled(List<Settlement> settlements) {
        DrainWake wake = drainWake;
        if (wake != null) {
            wake.settling();
        }
        runner.settled(settlements);
        if (wake != null) {
            wake.outcomes();
        }
    }

    private void leased(BrokerConsumer.LeaseBatch batch) {
        if (!batch.lapsed().isEmpty()) {
            metrics.leasesLapsed(batch.lapsed());
        }
        if ((stopping || !batchesStart) && !batch.deliveries().isEmpty()) {
            // A lease behind a wait was in flight when the stop began: what it leased goes back at once instead of
            // starting in the grace period. A batch that passed this check as the stop began still starts before
            // the stop looks at what runs: the stop waits for the lease round in flight, this call, to end, and then
            // gives it the grace as any running task. So does a batch whose call outlasted its drain (a slow Redis):
            // started then, it ran after the invocation answered, frozen with it, and again elsewhere once its lease
            // lapsed. Its slots come back: a warm function's worker drains again at the next invocation, and with
            // one slot it never leased again. An execution this worker still runs, handed back to it, carries on
            // under the new lease, as at any time: given back, another worker ran it beside this one's grace.
            List<Delivery> notRunHere = batch.deliveries().stream().filter(delivery -> !runner.adopt(delivery))
                    .toList();
            giveBack(notRunHere.stream().map(Delivery::lease).toList());
            slots.returnLeaseSlots(notRunHere.size());
            return;
        }
        DrainTally counting = tally;
        if (counting != null) {
            counting.leased(batch);
        }
        batch.deliveries().forEach(runner::start);
    }

    private void started(String task, String queue, long waitedNanos) {
        DrainTally counting = tally;
        if (counting != null && waitedNanos >= 0) {
            counting.waited(task, queue, waitedNanos / 1_000_000);
        }
    }

    /**
     * Redis took these outcomes: count them, and trigger the retries (the execution is ready again after its
     * delay) on queues that have a trigger. Runs before the executions leave the runner, which knows their queue.
     */
    private void accepted(List<Settlement> settlements) {
        DrainTally counting = tally;
        List<ReadyTrigger.Ready> retries = new ArrayList<>();
        Map<UUID, String> queues = new java.util.HashMap<>();
        for (Execution execution : runner.active()) {
            if (execution.queue != null) {
                queues.put(execution.delivery.id(), execution.queue);
            }
        }
        for (Settlement settlement : settlements) {
            if (counting != null) {
                counting.count(settlement.outcome());
                counting.settled.add(settlement.lease().id());
            }
            if (settlement.outcome() instanceof Outcome.Retry retry && queues.containsKey(settlement.lease().id())) {
                retries.add(new ReadyTrigger.Ready(settlement.lease().id(), queues.get(settlement.lease().id()),
                        retry.delay()));
            }
        }
        if (!retries.isEmpty()) {
            trigger.ready(retries);
        }
    }

    /** Lets what runs finish until {@code graceEnds}, then gives back the rest; answers how many went back. */
    private int giveBackAll(Instant graceEnds) {
        try {
            while (!runner.idle() && clock.instant().isBefore(graceEnds)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LeaseRef> unfinished = runner.abandonAll();
        giveBack(unfinished);
        return unfinished.size();
    }

    private void giveBack(List<LeaseRef> leases) {
        if (leases.isEmpty()) {
            return;
        }
        try {
            broker.release(leases);
            LOG.info("gave back {} unfinished executions", leases.size());
        } catch (BrokerUnavailableException e) {
            LOG.warn("could not give back {} executions; they are delivered again when their leases lapse",
                    leases.size());
        }
    }

    /**
     * Host, pid and 32 random bits: restored copies of one snapshot share host name and pid, so the random part
     * comes from the generator their restore hooks reseed, and is wide enough that thousands of copies do not meet.
     */
    private static String newId() {
        return host() + "-" + ProcessHandle.current().pid() + "-"
                + String.format("%08x", RestoreSafeRandom.shared().nextInt());
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
