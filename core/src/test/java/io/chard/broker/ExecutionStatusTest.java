package io.chard.broker;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.chard.broker.ExecutionStatus.CANCELLED;
import static io.chard.broker.ExecutionStatus.FAILED;
import static io.chard.broker.ExecutionStatus.PENDING;
import static io.chard.broker.ExecutionStatus.RETRYING;
import static io.chard.broker.ExecutionStatus.REVOKED;
import static io.chard.broker.ExecutionStatus.RUNNING;
import static io.chard.broker.ExecutionStatus.STUCK;
import static io.chard.broker.ExecutionStatus.SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutionStatusTest {

    @Test
    void successFailedRevokedAndCancelledHaveEndedAndNothingChangesThem() {
        assertEquals(EnumSet.of(SUCCESS, FAILED, REVOKED, CANCELLED),
                EnumSet.copyOf(List.of(ExecutionStatus.values()).stream().filter(ExecutionStatus::ended).toList()));
        assertEquals(List.of("success", "failed", "revoked", "cancelled"), ExecutionStatus.endedValues());
        for (ExecutionStatus ended : ExecutionStatus.endedValues().stream().map(ExecutionStatus::of).toList()) {
            assertEquals(Set.of(), ended.next());
        }
    }

    @Test
    void stuckHasNotEndedAndALateEventMovesItOn() {
        assertFalse(STUCK.ended());
        assertEquals(EnumSet.of(RUNNING, PENDING, SUCCESS, FAILED, RETRYING, REVOKED), STUCK.next());
    }

    @Test
    void onlyARunningExecutionBecomesStuck() {
        for (ExecutionStatus status : ExecutionStatus.values()) {
            assertEquals(status == RUNNING, status.canBecome(STUCK), status.value());
        }
    }

    @Test
    void waitingExecutionsStartOrAreRevokedAndNeverFinishWithoutRunning() {
        assertEquals(EnumSet.of(RUNNING, REVOKED, CANCELLED), PENDING.next(), "a waiting workflow step is cancelled");
        assertEquals(EnumSet.of(RUNNING, REVOKED), RETRYING.next());
        for (ExecutionStatus waiting : List.of(PENDING, RETRYING)) {
            assertFalse(waiting.canBecome(SUCCESS));
        }
    }

    @Test
    void anOperatorRetriesOnlyWhatFailedOrLostItsWorker() {
        assertEquals(List.of("failed", "stuck"), ExecutionStatus.retryableValues());
        assertFalse(SUCCESS.retryable(), "a success retried would run twice");
        assertFalse(RUNNING.retryable(), "a running execution retried would run twice");
    }

    @Test
    void everyEventLeadsToAStatusTheTableCanReach() {
        for (ExecutionEvent event : ExecutionEvent.values()) {
            event.status().ifPresent(to -> assertTrue(to == PENDING
                    || List.of(ExecutionStatus.values()).stream().anyMatch(from -> from.canBecome(to)),
                    event.value() + " leads to " + to.value()));
        }
        assertEquals(ExecutionEvent.LEASE_EXPIRED, ExecutionEvent.of("lease_expired").orElseThrow());
        assertTrue(ExecutionEvent.of("from_a_newer_chard").isEmpty());
    }

    @Test
    void valuesAreTheLowerCaseNames() {
        for (ExecutionStatus status : ExecutionStatus.values()) {
            assertEquals(status, ExecutionStatus.of(status.value()));
        }
        assertEquals("revoke_requested", ExecutionEvent.REVOKE_REQUESTED.value());
    }
}
