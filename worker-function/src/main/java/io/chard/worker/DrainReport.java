package io.chard.worker;

import io.chard.broker.BrokerConsumer.IdLease;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What one drain did: how many executions it leased, how they ended, and how many it gave back unfinished.
 *
 * @param settled the executions whose outcome Redis took (any outcome, a retry included: its next attempt is
 *                triggered anew)
 * @param found   for a drain of named ids, what leasing each id found (ids it never reached are absent)
 */
public record DrainReport(int leased, int succeeded, int failed, int retried, int revoked, int givenBack,
                          Set<UUID> settled, Map<UUID, IdLease> found) {

    /** The one log line of an invocation, without its time left. */
    public String summary() {
        return "ran " + leased + " (" + succeeded + " succeeded, " + failed + " failed, " + retried + " retrying, "
                + revoked + " revoked), gave back " + givenBack;
    }
}
