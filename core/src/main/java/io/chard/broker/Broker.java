package io.chard.broker;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The seam between Chard and its message store. Producers enqueue and revoke; workers open a
 * {@link BrokerConsumer}. Every state change is atomic and emits its event for the history in the same step.
 */
public interface Broker {

    /** Enqueues in one atomic step; answers in the same order. */
    List<Enqueued> enqueue(List<Envelope.Encoded> envelopes);

    Revocation revoke(UUID id, String reason);

    /** The live state, while the broker keeps it (running, waiting, or finished within the result TTL). */
    Optional<ExecutionSnapshot> snapshot(UUID id);

    /** A consumer for one worker, with its own connection for blocking waits. */
    BrokerConsumer consumer(String workerId);

    /** Answers when the broker is reachable; throws {@link BrokerUnavailableException} otherwise. */
    void ping();
}
