package io.chard.canvas;

import java.util.List;
import java.util.UUID;

/**
 * A dispatched workflow: its id (every member's root id) and its members in tree order.
 *
 * @param created false when a workflow with this id was there already (nothing was enqueued)
 */
public record WorkflowDispatched(UUID id, List<Member> members, boolean created) {

    /** @param path the member's JSON path in the canvas ({@code $.chord.group[1]}) */
    public record Member(UUID id, String task, String path) {
    }
}
