package io.chard.canvas;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A workflow as the broker sees it now: its status, its result once it succeeded, the member that failed it, and
 * every member in tree order.
 *
 * @param status     pending | running while a member has not ended; then success | failed | revoked
 * @param resultJson the workflow's result (its last node's) once it succeeded
 * @param failed     the first member, in tree order, that failed or was revoked (null when none did)
 * @param redriveOf  the failed workflow this one redrives (it reuses that one's successful members)
 */
public record WorkflowState(UUID id, String status, @Nullable String resultJson, @Nullable Member failed,
                            @Nullable UUID redriveOf, List<Member> members) {

    /**
     * @param status  the member's execution status; {@code unknown} once the broker dropped it (result TTL)
     * @param error   exception type and message of a failed member
     * @param reason  why it was revoked or cancelled (a cancelled step names the step that failed)
     * @param run     when its last attempt started and ended, for its duration
     */
    public record Member(UUID id, String task, String path, String status, @Nullable String resultJson,
                         @Nullable String error, @Nullable String reason, Run run) {
    }

    /** When a member's last attempt started and ended; null until it did (a cancelled step ends, never started). */
    public record Run(@Nullable Instant startedAt, @Nullable Instant finishedAt) {
        public static final Run NOT_STARTED = new Run(null, null);
    }
}
