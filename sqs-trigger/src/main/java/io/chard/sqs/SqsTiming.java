package io.chard.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How an SQS-triggered function's timeout T, its queue's visibility timeout V and Chard's lease L relate, and
 * why. A message is invisible for V after a function took it. If the function dies (killed at its timeout, T
 * at most), its execution's lease lapses L after the last heartbeat, so at most T + L after the message was
 * received; the redelivered message must find the lease lapsed, or lease_ids answers "running" and the message
 * is acknowledged, leaving the execution to the timer drain. Hence:
 * <ul>
 *   <li>V &ge; 6 T: AWS's advice for SQS event sources (a batch waiting while the function is throttled);</li>
 *   <li>V &ge; T + L: a redelivery after a dead function re-runs the execution itself;</li>
 *   <li>the safety margin is below T: a drain needs time to run anything.</li>
 * </ul>
 * An inconsistent configuration is refused when the function starts, with every violated rule named.
 */
public final class SqsTiming {
    private SqsTiming() {
    }

    public static void check(Duration functionTimeout, Duration visibilityTimeout, Duration lease,
                             Duration safetyMargin) {
        List<String> problems = new ArrayList<>();
        if (visibilityTimeout.compareTo(functionTimeout.multipliedBy(6)) < 0) {
            problems.add("the SQS visibility timeout (" + visibilityTimeout.toSeconds() + " s, CHARD_SQS_VISIBILITY_TIMEOUT)"
                    + " must be at least 6 times the function timeout (" + functionTimeout.toSeconds()
                    + " s, CHARD_FUNCTION_TIMEOUT), as AWS advises for SQS event sources");
        }
        if (visibilityTimeout.compareTo(functionTimeout.plus(lease)) < 0) {
            problems.add("the SQS visibility timeout (" + visibilityTimeout.toSeconds() + " s) must be at least the"
                    + " function timeout plus the lease (" + functionTimeout.toSeconds() + " s + "
                    + lease.toSeconds() + " s, CHARD_LEASE_DURATION), so that a message redelivered after a function"
                    + " died finds its execution's lease lapsed");
        }
        if (safetyMargin.compareTo(functionTimeout) >= 0) {
            problems.add("the safety margin (" + safetyMargin.toSeconds() + " s, CHARD_FUNCTION_SAFETY_MARGIN) must be"
                    + " below the function timeout (" + functionTimeout.toSeconds() + " s)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("inconsistent SQS function configuration: " + String.join("; ", problems));
        }
    }
}
