package io.chard.admin;

import io.chard.broker.ExecutionStatus;
import io.chard.broker.Revocation;
import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/**
 * What an admin action on one execution did. {@link Executions} answers these without knowing HTTP;
 * {@link ActionAnswers} turns each into the API's answer. Each action's outcomes are a sealed interface of
 * their own, so a route's switch lists exactly the outcomes its action can have.
 */
sealed interface ActionResult {

    /** What {@link Executions#retry} can answer. */
    sealed interface OfRetry extends ActionResult {
    }

    /** What {@link Executions#revoke} can answer. */
    sealed interface OfRevoke extends ActionResult {
    }

    /** What {@link Executions#runNow} can answer. */
    sealed interface OfRunNow extends ActionResult {
    }

    /** It left its wait (countdown, eta, retry backoff) and is ready for the next free worker. */
    record RanNow(UUID id) implements OfRunNow {
    }

    /** Dispatched again; {@code created} is the new execution, pointing back at the original. */
    record Retried(ExecutionDetail created) implements OfRetry {
    }

    /** Revoked at once ({@link Revocation#REVOKED}) or its worker told to stop ({@link Revocation#STOP_REQUESTED}). */
    record Revoked(UUID id, Revocation revocation) implements OfRevoke {
    }

    /** Neither the history nor the broker knows the execution. */
    record NotFound(UUID id) implements OfRetry, OfRevoke, OfRunNow {
    }

    /**
     * The transition table refuses the action from the execution's status ({@code current}: null when its
     * status can no longer be read, the broker having forgotten it in between).
     */
    record NotAllowed(UUID id, @Nullable ExecutionStatus current, String reason)
            implements OfRetry, OfRevoke, OfRunNow {
    }

    /** Redis did not answer; nothing was done. */
    record BrokerUnavailable(String message) implements OfRetry, OfRevoke, OfRunNow {
    }
}
