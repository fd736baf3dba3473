package io.chard.broker;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.UUID;

/**
 * Every member of one canvas workflow, enqueued in one script call in the partition of {@code id} (all member ids
 * are minted there). See enqueue_workflow.lua and workflow.lua.
 *
 * @param tree the workflow's shape with its member ids (JSON), read back by the API
 */
public record WorkflowBatch(UUID id, String tree, List<Member> members) {

    /** How a member takes its predecessors' values; READY for a member with none (queued at once). */
    public enum Join {
        READY(""), ONE("one"), LIST("list"), IMMUTABLE("none");

        final String value;

        Join(String value) {
            this.value = value;
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
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A successor of a member: its id, the slot its value takes, and what a failure does to it. */
    public record Successor(UUID id, int slot, Link link) {
        String encoded() {
            return id + "|" + slot + "|" + link.value();
        }
    }

    /**
     * @param slots       how many predecessors it waits for (0 when ready at once)
     * @param delayMillis a waiting member's countdown, counted from its release
     */
    public record Member(Envelope.Encoded envelope, Join join, int slots, long delayMillis, List<Successor> successors,
                         @Nullable UUID parent, @Nullable UUID group) {
    }
}
