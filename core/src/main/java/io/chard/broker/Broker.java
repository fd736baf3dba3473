package io.chard.broker;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The seam between Chard and its message store. Producers enqueue and revoke; workers open a
 * {@link BrokerConsumer}. Every state change is atomic and emits its event for the history in the same step.
 */
public interface Broker {

    /** Enqueues in one atomic step; answers in the same order. */
    default List<Enqueued> enqueue(List<Envelope.Encoded> envelopes) {
        return enqueue(envelopes, (step, answers) -> { });
    }

    /**
     * As {@link #enqueue(List)}, handing {@code stored} each atomic step's envelopes and answers as soon as that step
     * returned. A broker that stores in several steps (one per partition) may be refused at a later one after the
     * earlier ones kept their items: the caller still hears of those, to tell the queue trigger of them.
     */
    List<Enqueued> enqueue(List<Envelope.Encoded> envelopes,
                           BiConsumer<List<Envelope.Encoded>, List<Enqueued>> stored);

    /**
     * Whether concurrent single dispatches may share one {@link #enqueue} call made on a thread of the client's own
     * (TaskClient's group commit). A broker that runs tasks inside {@code enqueue} (test mode) answers false: its
     * tasks run on the caller's thread, and a task's own dispatch must not wait for the call that is running it.
     */
    default boolean sharesEnqueueCalls() {
        return true;
    }

    /**
     * Enqueues every member of a workflow in one atomic step in the partition of its id; members with
     * predecessors wait outside every queue until the script that ends the last of them releases them.
     * A redrive ({@link WorkflowBatch#redriveOf()}) is refused, writing nothing, when that workflow was redriven
     * already or has left the broker.
     */
    WorkflowBatch.Result enqueueWorkflow(WorkflowBatch workflow);

    /** The tree stored with a workflow, while the broker keeps it (until the result TTL after its last member). */
    Optional<String> workflowTree(UUID workflowId);

    /** A workflow member's stored wiring and outcome, while the broker keeps it (to redrive its workflow). */
    Optional<WorkflowBatch.StoredMember> workflowMember(UUID id);

    Revocation revoke(UUID id, String reason);

    /**
     * Makes an execution that waits for its due time (countdown, eta, retry backoff) ready now, atomically.
     *
     * @param seenRetries the retries the caller saw, or null for any: a later attempt's wait is left alone
     */
    Promotion promote(UUID id, @Nullable Integer seenRetries);

    /** The live state, while the broker keeps it (running, waiting, or finished within the result TTL). */
    Optional<ExecutionSnapshot> snapshot(UUID id);

    /** A consumer for one worker, with its own connection for blocking waits. */
    BrokerConsumer consumer(String workerId);

    /** Answers when the broker is reachable; throws {@link BrokerUnavailableException} otherwise. */
    void ping();

    /**
     * The stored settings admin-api copied here from PostgreSQL (key to value), for processes without a database;
     * empty when nothing was copied, or for a broker that keeps no copy (test mode runs on its own configuration).
     */
    default Map<String, String> storedSettings() {
        return Map.of();
    }
}
