package io.chard.worker;

import io.chard.broker.Broker;
import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.LeaseRef;
import io.chard.broker.Settlement;
import io.chard.config.ChardConfig;
import io.chard.loop.Loop;
import io.chard.loop.Waiter;
import io.micronaut.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * The worker: wires the lease loop, the execution runner, the heartbeater and the settler together, and
 * runs them as a long-lived process ({@link #start()}/{@link #stop()}) or until a deadline, for
 * short-lived invocations ({@link #drain(Instant)}). Stopping gives the running tasks a grace period; a loop
 * that dies on an Error stops the worker at once and exits the process with status 1 (see {@link LoopGuard}).
 */
public final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long stopping waits for a lease round in flight (its blocking wait lasts at most the poll interval). */
    private static final Duration ROUND_PATIENCE = Duration.ofSeconds(5);

    private final WorkerConfig config;
    private final Clock clock;
    private final String id;
    private final BrokerConsumer broker;
    private final Settler settler;
    private final ExecutionRunner runner;
    private final LeaseLoop leasing;
    private final Loop heartbeat;
    private final LoopGuard loops;
    private final IntConsumer exit;
    private final Waiter waiter = new Waiter();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean stopping;
    private Loop leaseLoop;

    Worker(Broker broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker, JsonMapper json, Clock clock) {
        this(newId(), broker, config, chard, invoker, json, clock);
    }

    private Worker(String id, Broker broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker,
                   JsonMapper json, Clock clock) {
        this(id, broker.consumer(id), config, chard, invoker, json, clock, System::exit);
    }

    /**
     * With a consumer and an exit of the caller's choosing: tests wrap the real consumer to inject faults, and
     * must not end their JVM.
     */
    Worker(String id, BrokerConsumer broker, WorkerConfig config, ChardConfig chard, TaskInvoker invoker,
           JsonMapper json, Clock clock, IntConsumer exit) {
        this.config = config;
        this.clock = clock;
        this.id = id;
        this.broker = broker;
        this.exit = exit;
        this.loops = new LoopGuard(this::failed);
        Slots slots = new Slots(config.concurrency(), config.prefetch(), config.leaseBatch());
        this.settler = new Settler(broker, this::settled, loops);
        this.runner = new ExecutionRunner(invoker, broker, slots, clock, settler::submit);
        Heartbeater heartbeater = new Heartbeater(broker, runner,
                new Heartbeater.Identity(id, host(), config, clock.instant()), chard.leaseDuration(), json, clock);
        this.leasing = new LeaseLoop(broker, config, chard.leaseDuration(), slots, runner::start, settler,
                heartbeater, clock);
        this.heartbeat = loops.loop("chard-heartbeat", heartbeater::beat);
        heartbeat.start();
    }

    public String id() {
        return id;
    }

    /** Starts leasing on a thread of its own; returns at once. */
    public synchronized void start() {
        if (leaseLoop == null) {
            leaseLoop = loops.loop("chard-lease", () -> leasing.round(Instant.MAX));
            leaseLoop.start();
            LOG.info("worker {} consuming {} with concurrency {}", id, config.queues(), config.concurrency());
        }
    }

    /**
     * Leases until {@code deadline}, then lets what runs finish until the deadline plus the shutdown grace,
     * gives back the rest, and reports everything. Returns how many executions ended here.
     */
    public long drain(Instant deadline) {
        Loop draining = loops.loop("chard-lease", () -> leasing.round(deadline));
        draining.start();
        while (!stopping && clock.instant().isBefore(deadline)) {
            Duration left = Duration.between(clock.instant(), deadline);
            waiter.sleep(left.compareTo(Duration.ofSeconds(1)) < 0 ? left : Duration.ofSeconds(1));
        }
        draining.stop(config.pollInterval().plus(ROUND_PATIENCE));
        finishOrGiveBack(deadline.plus(config.shutdownGrace()));
        return runner.processed() + runner.failed();
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
        stopping = true;
        waiter.wake();
        Loop leaseRounds;
        synchronized (this) {
            leaseRounds = leaseLoop;
        }
        if (leaseRounds != null) {
            leaseRounds.stop(config.pollInterval().plus(ROUND_PATIENCE));
        }
        finishOrGiveBack(clock.instant().plus(grace));
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
        runner.settled(settlements);
    }

    private void finishOrGiveBack(Instant graceEnds) {
        try {
            while (!runner.idle() && clock.instant().isBefore(graceEnds)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LeaseRef> giveBack = runner.abandonAll();
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

    private static String newId() {
        return host() + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
