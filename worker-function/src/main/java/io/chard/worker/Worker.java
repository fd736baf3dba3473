package io.chard.worker;

import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerConsumer.LeaseBatch;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.Delivery;
import io.chard.broker.HeartbeatReply;
import io.chard.broker.LeaseRef;
import io.chard.broker.Outcome;
import io.chard.broker.Settlement;
import io.chard.config.ChardConfig;
import io.chard.loop.Outage;
import io.chard.loop.Waiter;
import io.chard.task.TaskOptions;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker: leases executions into free slots, runs each on a virtual thread, enforces time limits,
 * renews its leases (and its registry entry) every lease/3, and hands outcomes to the {@link Settler}.
 * {@link #start()}/{@link #stop()} run it as a long-lived process; {@link #drain(Instant)} runs it until a
 * deadline, for short-lived invocations.
 */
public final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final Duration lease;
    private final Duration heartbeatEvery;
    private final TaskInvoker invoker;
    private final JsonMapper json;
    private final Clock clock;
    private final String id;
    private final BrokerConsumer broker;
    private final Map<UUID, Execution> active = new ConcurrentHashMap<>();
    private final Semaphore leaseSlots;
    private final Semaphore runSlots;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers;
    private final Settler settler;
    private final Outage leaseOutage = new Outage(LOG, "leasing from Redis");
    private final Outage heartbeatOutage = new Outage(LOG, "heartbeat to Redis");
    private final Waiter waiter = new Waiter();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Instant startedAt;
    private volatile boolean stopping;
    private Thread leaseThread;

    Worker(Broker broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker, JsonMapper json, Clock clock) {
        this.config = config;
        this.lease = chard.leaseDuration();
        this.heartbeatEvery = lease.dividedBy(3);
        this.invoker = invoker;
        this.json = json;
        this.clock = clock;
        this.id = host() + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        this.broker = broker.consumer(id);
        this.leaseSlots = new Semaphore(config.concurrency() + config.prefetch());
        this.runSlots = new Semaphore(config.concurrency());
        this.timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("chard-worker-timer-", 0)
                .daemon().factory());
        this.settler = new Settler(this.broker, this::settled);
        this.startedAt = clock.instant();
        timers.scheduleWithFixedDelay(this::heartbeat, 0, heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String id() {
        return id;
    }

    /** Starts leasing on a thread of its own; returns at once. */
    public synchronized void start() {
        if (leaseThread == null) {
            leaseThread = Thread.ofPlatform().name("chard-lease").start(() -> leaseUntil(Instant.MAX));
            LOG.info("worker {} consuming {} with concurrency {}", id, config.queues(), config.concurrency());
        }
    }

    /**
     * Leases until {@code deadline}, then lets what runs finish until the deadline plus the shutdown grace,
     * gives back the rest, and reports everything. Returns how many executions ended here.
     */
    public long drain(Instant deadline) {
        leaseUntil(deadline);
        finishOrGiveBack(deadline.plus(config.shutdownGrace()));
        return processed.get() + failed.get();
    }

    /** Graceful stop: no more leasing, running tasks get the grace period, then their leases go back. */
    public void stop() {
        stopping = true;
        waiter.wake();
        Thread leasing;
        synchronized (this) {
            leasing = leaseThread;
        }
        if (leasing != null) {
            try {
                leasing.join(config.pollInterval().toMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        finishOrGiveBack(clock.instant().plus(config.shutdownGrace()));
        timers.shutdownNow();
        threads.shutdownNow();
        try {
            broker.deregister();
        } catch (BrokerUnavailableException e) {
            LOG.warn("could not remove worker {} from the registry: {}", id, e.getMessage());
        }
        broker.close();
        LOG.info("worker {} stopped ({} processed, {} failed)", id, processed.get(), failed.get());
    }

    private void leaseUntil(Instant deadline) {
        while (!stopping && clock.instant().isBefore(deadline)) {
            int slots = 0;
            try {
                slots = freeSlots();
                if (slots == 0) {
                    continue;
                }
                LeaseBatch batch = broker.lease(config.queues(), slots, lease);
                leaseSlots.release(slots - batch.deliveries().size());
                slots = 0;
                batch.deliveries().forEach(this::start);
                leaseOutage.recovered();
                if (batch.deliveries().isEmpty()) {
                    broker.awaitWork(config.queues(), idleWait(batch.nextDueIn(), deadline));
                }
            } catch (BrokerUnavailableException e) {
                leaseSlots.release(slots);
                leaseOutage.failed(e);
                waiter.sleep(Duration.ofMillis(leaseOutage.backoffMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                leaseSlots.release(slots);
                LOG.error("lease loop error", e);
                waiter.sleep(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Waits up to 200 ms for one free slot, then takes every free one (at most one lease batch). When only a
     * few are free, it lingers up to 2 ms for a quarter of the capacity: under a stream of short tasks slots
     * free one by one, and leasing them one per round trip would cap throughput at the round-trip rate.
     */
    private int freeSlots() throws InterruptedException {
        if (!leaseSlots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
            return 0;
        }
        int taken = 1 + leaseSlots.drainPermits();
        int worthATrip = Math.min(config.leaseBatch(), Math.max(1, (config.concurrency() + config.prefetch()) / 4));
        if (taken < worthATrip && leaseSlots.tryAcquire(worthATrip - taken, 2, TimeUnit.MILLISECONDS)) {
            taken = worthATrip + leaseSlots.drainPermits();
        }
        int excess = taken - config.leaseBatch();
        if (excess > 0) {
            leaseSlots.release(excess);
            taken -= excess;
        }
        return taken;
    }

    private Duration idleWait(Duration nextDueIn, Instant deadline) {
        Duration wait = config.pollInterval();
        if (nextDueIn != null && nextDueIn.compareTo(wait) < 0) {
            wait = nextDueIn;
        }
        Duration untilDeadline = Duration.between(clock.instant(), deadline);
        return untilDeadline.compareTo(wait) < 0 ? untilDeadline : wait;
    }

    private void start(Delivery delivery) {
        Execution execution = new Execution(delivery, clock.instant());
        Execution earlier = active.put(delivery.id(), execution);
        if (earlier != null) {
            // This worker lost the earlier lease (silent longer than the lease) and was handed it again.
            abandon(earlier);
        }
        threads.execute(() -> run(execution));
    }

    private void run(Execution execution) {
        TaskInvoker.Prepared prepared = invoker.prepare(execution);
        if (prepared.poison() != null) {
            finish(execution, prepared.poison());
            return;
        }
        execution.taskName = prepared.envelope().task();
        // Set before anything can interrupt it: a revoke from here on interrupts this thread instead of settling.
        execution.thread = Thread.currentThread();
        try {
            runSlots.acquire();
        } catch (InterruptedException e) {
            finish(execution, new Outcome.Revoked("revoked"));
            return;
        }
        execution.holdRunSlot();
        if (execution.ended()) {
            if (execution.releaseRunSlot()) {
                runSlots.release();
            }
            return;
        }
        execution.startedAt = clock.instant();
        armTimeLimits(execution, prepared.task().options());
        try {
            finish(execution, invoker.invoke(prepared, execution, new RunningTaskContext(execution, broker)));
        } finally {
            execution.thread = null;
            Thread.interrupted();
        }
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
    }

    /** Ends the execution with {@code outcome} unless something else ended it first. */
    private boolean finish(Execution execution, Outcome outcome) {
        if (!execution.end()) {
            return false;
        }
        releaseSlots(execution);
        if (outcome instanceof Outcome.Failure) {
            failed.incrementAndGet();
        } else if (!(outcome instanceof Outcome.Retry)) {
            processed.incrementAndGet();
        }
        settler.submit(new Settlement(execution.lease(), outcome));
        return true;
    }

    /** Drops an execution without reporting (its lease is gone, or is being given back). */
    private boolean abandon(Execution execution) {
        if (!execution.end()) {
            return false;
        }
        releaseSlots(execution);
        active.remove(execution.delivery.id(), execution);
        execution.interrupt();
        return true;
    }

    private void releaseSlots(Execution execution) {
        if (execution.releaseRunSlot()) {
            runSlots.release();
        }
        leaseSlots.release();
    }

    private void settled(List<Settlement> settlements) {
        for (Settlement settlement : settlements) {
            active.computeIfPresent(settlement.lease().id(),
                    (id, execution) -> execution.lease().token().equals(settlement.lease().token()) ? null : execution);
        }
    }

    private void heartbeat() {
        try {
            List<LeaseRef> leases = new ArrayList<>(active.size());
            List<WorkerEntry.ActiveTask> running = new ArrayList<>(active.size());
            for (Execution execution : active.values()) {
                leases.add(execution.lease());
                running.add(new WorkerEntry.ActiveTask(execution.delivery.id(), execution.taskName,
                        execution.startedAt != null ? execution.startedAt : execution.leasedAt));
            }
            HeartbeatReply reply = broker.heartbeat(leases, lease, registryEntry(running), heartbeatEvery.multipliedBy(3));
            for (UUID id : reply.cancel()) {
                Execution execution = active.get(id);
                if (execution != null) {
                    execution.cancelRequested = true;
                    if (execution.thread == null) {
                        finish(execution, new Outcome.Revoked("revoked"));
                    } else {
                        execution.interrupt();
                    }
                }
            }
            for (UUID id : reply.lost()) {
                Execution execution = active.get(id);
                if (execution != null && abandon(execution)) {
                    LOG.warn("lease on {} was lost (this worker was silent longer than {}); dropped it", id, lease);
                }
            }
            heartbeatOutage.recovered();
        } catch (BrokerUnavailableException e) {
            heartbeatOutage.failed(e);
        } catch (RuntimeException e) {
            LOG.error("heartbeat error", e);
        }
    }

    private String registryEntry(List<WorkerEntry.ActiveTask> running) {
        try {
            return json.writeValueAsString(new WorkerEntry(id, host(), ProcessHandle.current().pid(),
                    config.queues(), config.concurrency(), running, processed.get(), failed.get(), startedAt,
                    clock.instant()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void finishOrGiveBack(Instant graceEnds) {
        try {
            while (!active.isEmpty() && clock.instant().isBefore(graceEnds)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LeaseRef> giveBack = new ArrayList<>();
        for (Execution execution : active.values()) {
            if (abandon(execution)) {
                giveBack.add(execution.lease());
            }
        }
        if (!giveBack.isEmpty()) {
            try {
                broker.release(giveBack);
                LOG.info("gave back {} unfinished executions", giveBack.size());
            } catch (BrokerUnavailableException e) {
                LOG.warn("could not give back {} executions; they are delivered again when their leases lapse",
                        giveBack.size());
            }
        }
        settler.close(Duration.ofSeconds(10));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
