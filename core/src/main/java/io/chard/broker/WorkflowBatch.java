package io.chard.broker;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Every member of one canvas workflow, enqueued in one script call in the partition of {@code id} (all member ids
 * are minted there). See enqueue_workflow.lua and workflow.lua.
 *
 * @param tree       the workflow's shape with its member ids (JSON), read back by the API
 * @param redriveOf  the failed workflow this one redrives (in the same partition), or null for a new workflow
 */
public record WorkflowBatch(UUID id, String tree, @Nullable UUID redriveOf, List<Member> members) {

    public WorkflowBatch(UUID id, String tree, List<Member> members) {
        this(id, tree, null, members);
    }

    /** How a member takes its predecessors' values; READY for a member with none (queued at once). */
    public enum Join {
        READY(""), ONE("one"), LIST("list"), IMMUTABLE("none");

        final String value;

        Join(String value) {
            this.value = value;
        }

        static Join of(@Nullable String value) {
            return Arrays.stream(values()).filter(j -> j.value.equals(value == null ? "" : value)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("unknown join '" + value + "'"));
        }
    }

    /**
     * What a member's end does to a successor: a chain's next step or a {@code link} callback (runs on success),
     * a chord's callback (fail or call), or a {@code link_error} callback (ERROR: runs on failure, with the
     * member's id and error as its first two arguments, and is cancelled on success).
     */
    public enum Link {
        NEXT, FAIL, CALL, ERROR;

        String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A successor of a member: its id, the slot its value takes, and what a failure does to it. */
    public record Successor(UUID id, int slot, Link link) {
        String encoded() {
            return id + "|" + slot + "|" + link.value();
        }

        static List<Successor> decodeAll(@Nullable String encoded) {
            List<Successor> successors = new ArrayList<>();
            for (String entry : encoded == null || encoded.isEmpty() ? new String[0] : encoded.split(",")) {
                String[] parts = entry.split("\\|");
                successors.add(new Successor(UUID.fromString(parts[0]), Integer.parseInt(parts[1]),
                        Link.valueOf(parts[2].toUpperCase(Locale.ROOT))));
            }
            return successors;
        }
    }

    /**
     * @param slots       how many predecessors it waits for (0 when ready at once)
     * @param delayMillis a waiting member's countdown, counted from its release
     * @param expiresInMillis a waiting member's default expiry (its task's; 0 = none), counted from its release: a
     *                    step after a long one must not expire before it could be released
     * @param given       values of slots known at enqueue (a redrive: the results of the steps it reuses); the
     *                    member waits only for the other slots, and is released at once when none is left
     */
    public record Member(Envelope.Encoded envelope, Join join, int slots, long delayMillis, long expiresInMillis,
                         List<Successor> successors, @Nullable UUID parent, @Nullable UUID group,
                         Map<Integer, Given> given) {

        public Member(Envelope.Encoded envelope, Join join, int slots, long delayMillis, long expiresInMillis,
                      List<Successor> successors, @Nullable UUID parent, @Nullable UUID group) {
            this(envelope, join, slots, delayMillis, expiresInMillis, successors, parent, group, Map.of());
        }
    }

    /**
     * A slot's value known at enqueue: the result of a step a redrive reuses. The member keeps {@code from}, since
     * the reused step's {@code succ} names the member this one replaces: a redrive of this redrive reads it back.
     */
    public record Given(UUID from, String valueJson) {
    }

    /** What enqueuing a workflow did. */
    public enum Result {
        CREATED,
        /** a workflow with this id exists already: nothing was written */
        ALREADY_EXISTS,
        /** the workflow to redrive was redriven already (once only): nothing was written */
        ALREADY_REDRIVEN,
        /** the workflow to redrive is no longer in the broker: nothing was written */
        ORIGINAL_EXPIRED
    }

    /**
     * A member as the broker stored it, read back to redrive its workflow.
     *
     * @param template   its envelope JSON before its predecessors' values were spliced in
     * @param resultJson its result, when it succeeded
     * @param givenFrom  the slots given at enqueue and the reused step each value came from (see {@link Given})
     */
    public record StoredMember(UUID id, String task, ExecutionStatus status, String template, Join join, int slots,
                               long delayMillis, long expiresInMillis, List<Successor> successors,
                               @Nullable String resultJson,
                               @Nullable UUID parent, @Nullable UUID group, Map<Integer, UUID> givenFrom) {
    }
}
