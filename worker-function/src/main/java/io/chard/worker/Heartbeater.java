package io.chard.worker;

import io.chard.broker.BrokerConsumer;
import io.chard.broker.BrokerUnavailableException;
import io.chard.broker.HeartbeatReply;
import io.chard.broker.LeaseRef;
import io.chard.loop.Outage;
import io.micronaut.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every lease/3, renews the leases of what the worker holds and its entry in the worker registry, in one
 * call. Stops the executions the reply says were revoked, and drops those whose lease was lost.
 */
final class Heartbeater {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeater.class);

    private final BrokerConsumer broker;
    private final ExecutionRunner runner;
    private final LeaseCalls leaseCalls;
    private final Identity identity;
    private final Duration lease;
    private final Duration every;
    private final JsonMapper json;
    private final Clock clock;
    private final Outage outage = new Outage(LOG, "heartbeat to Redis");
    /** When Redis last took a heartbeat (at first, when the worker started). */
    private volatile Instant renewedAt;

    /** What the registry entry says about this worker besides its running tasks. */
    record Identity(String id, String host, WorkerConfig config, Instant startedAt) {
    }

    Heartbeater(BrokerConsumer broker, ExecutionRunner runner, LeaseCalls leaseCalls, Identity identity,
                Duration lease, JsonMapper json, Clock clock) {
        this.broker = broker;
        this.runner = runner;
        this.leaseCalls = leaseCalls;
        this.identity = identity;
        this.lease = lease;
        // Not lease.dividedBy(3): Duration divides through BigDecimal, whose class initialisation alone cost a
        // worker's start 60 ms of CPU (measured with async-profiler), and nothing else on its way to a task needs it.
        this.every = Duration.ofNanos(lease.toNanos() / 3);
        this.json = json;
        this.clock = clock;
        this.renewedAt = identity.startedAt();
    }

    /** One heartbeat; answers the pause before the next. */
    Duration beat() {
        renew();
        return every;
    }

    /** True while heartbeats fail: the leases held may be lapsing on Redis' clock. */
    boolean failing() {
        return outage.failures() > 0;
    }

    /** When Redis last took a heartbeat. */
    Instant renewedAt() {
        return renewedAt;
    }

    /** Renews every lease held now (also called by the lease loop after an outage); true when Redis took it. */
    boolean renew() {
        try {
            // The reply speaks of the leases sent, by id: it applies to the executions sent under the tokens sent,
            // not to whatever holds the id when it arrives (a lease that lapsed meanwhile may be this worker's again,
            // re-tokened: a new execution, or the same one carrying on under the new lease).
            Map<UUID, Execution> sent = new HashMap<>();
            Map<UUID, String> sentTokens = new HashMap<>();
            List<LeaseRef> leases = new ArrayList<>();
            List<WorkerEntry.ActiveTask> running = new ArrayList<>();
            for (Execution execution : runner.active()) {
                LeaseRef held = execution.lease();
                sent.put(held.id(), execution);
                sentTokens.put(held.id(), held.token());
                leases.add(held);
                running.add(new WorkerEntry.ActiveTask(execution.delivery.id(), execution.taskName,
                        execution.startedAt != null ? execution.startedAt : execution.leasedAt));
            }
            HeartbeatReply reply = broker.heartbeat(leases, lease, registryEntry(running), every.multipliedBy(3));
            for (UUID id : reply.cancel()) {
                Execution execution = sent.get(id);
                if (execution != null) {
                    runner.cancel(execution);
                }
            }
            for (UUID id : reply.lost()) {
                Execution execution = sent.get(id);
                if (execution != null) {
                    // The lease call that took the lapsed lease back may have handed it to this worker again, its
                    // reply still on the way: the verdict waits for it, so that the run is not dropped and started
                    // again but carries on under the new token.
                    String token = sentTokens.get(id);
                    leaseCalls.afterLeasesInFlight(() -> dropIfStillUnder(execution, token));
                }
            }
            renewedAt = clock.instant();
            outage.recovered();
            return true;
        } catch (BrokerUnavailableException e) {
            outage.failed(e);
        } catch (RuntimeException e) {
            LOG.error("heartbeat error", e);
        }
        return false;
    }

    private void dropIfStillUnder(Execution execution, String token) {
        if (execution.lease().token().equals(token) && runner.abandon(execution)) {
            LOG.warn("lease on {} was lost (this worker was silent longer than {}); dropped it",
                    execution.delivery.id(), lease);
        }
    }

    private String registryEntry(List<WorkerEntry.ActiveTask> running) {
        WorkerConfig config = identity.config();
        try {
            return json.writeValueAsString(new WorkerEntry(identity.id(), identity.host(),
                    ProcessHandle.current().pid(), config.queueOrder().names(), config.concurrency(), running,
                    runner.processed(), runner.failed(), identity.startedAt(), clock.instant()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
