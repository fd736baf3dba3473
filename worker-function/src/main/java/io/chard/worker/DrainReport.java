package io.chard.worker;

import io.chard.broker.BrokerConsumer.IdLease;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What one drain did: how many executions it leased, how they ended, and how many it gave back unfinished.
 *
 * @param lapsed  leases of silent workers its lease calls took back (to run them here)
 * @param settled the executions whose outcome Redis took (any outcome, a retry included: its next attempt is
 *                triggered anew)
 * @param found   for a drain of named ids, what leasing each id found (ids it never reached are absent)
 * @param waited  per task and queue, how long each execution it started had waited to start, ms, in start order
 *                (executions whose wait the broker did not know are left out)
 */
public record DrainReport(int leased, int succeeded, int failed, int retried, int revoked, int givenBack,
                          int lapsed, Set<UUID> settled, Map<UUID, IdLease> found, Map<TaskQueue, List<Long>> waited) {

    /** A task on a queue: the key of the per-task figures, ordered by task then queue. */
    public record TaskQueue(String task, String queue) implements Comparable<TaskQueue> {
        @Override
        public int compareTo(TaskQueue other) {
            int byTask = task.compareTo(other.task);
            return byTask != 0 ? byTask : queue.compareTo(other.queue);
        }
    }

    /** The one log line of an invocation, without its time left. */
    public String summary() {
        return "ran " + leased + " (" + succeeded + " succeeded, " + failed + " failed, " + retried + " retrying, "
                + revoked + " revoked), gave back " + givenBack;
    }
}
