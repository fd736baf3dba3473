package io.chard.canvas;

import io.chard.broker.Broker;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Partitions;
import io.chard.broker.Revocation;
import io.chard.broker.WorkflowBatch;
import io.chard.client.TaskClient;
import io.chard.config.ChardConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads a running workflow back from the broker (its stored tree and its members' live states) and revokes it.
 * A workflow's status is derived from its members, never stored: it cannot disagree with them.
 */
@Singleton
public final class Workflows {
    private final Broker broker;
    private final TaskClient client;
    private final Partitions partitions;
    private final Clock clock;
    private final JsonMapper json;

    public Workflows(Broker broker, TaskClient client, ChardConfig config, Clock clock, JsonMapper json) {
        this.broker = broker;
        this.client = client;
        this.partitions = new Partitions(config.namespace(), config.partitions());
        this.clock = clock;
        this.json = json;
    }

    public Optional<WorkflowState> find(UUID id) {
        return find(id, member -> Optional.empty());
    }

    /**
     * As {@link #find(UUID)}, reading from {@code elsewhere} (the history) the members the broker let go: a member's
     * hash expires a result TTL after its own end, so an early step of a long workflow, or a step a redrive reused,
     * can leave Redis while the workflow is still there.
     */
    public Optional<WorkflowState> find(UUID id, Function<UUID, Optional<Recorded>> elsewhere) {
        return broker.workflowTree(id).map(tree -> state(id, parse(tree),
                member -> live(member).or(() -> elsewhere.apply(member))));
    }

    /** What a member's record says, from the broker or, once the broker let it go, from the history. */
    public record Recorded(String status, @Nullable String resultJson, @Nullable String error,
                           @Nullable String reason, WorkflowState.Run run) {
    }

    /**
     * A workflow as recorded elsewhere (the history keeps its tree and its members' rows after Redis expired
     * them), derived exactly as {@link #find} derives it from the broker.
     */
    public WorkflowState recorded(UUID id, String tree, Function<UUID, Optional<Recorded>> members) {
        return state(id, parse(tree), members);
    }

    /**
     * Revokes every member that has not ended: waiting ones at once (their successors are cancelled in the same
     * script), running ones at their worker's next heartbeat. Empty when the broker holds no such workflow.
     */
    public Optional<Map<UUID, Revocation>> revoke(UUID id) {
        return find(id).map(state -> {
            Map<UUID, Revocation> done = new LinkedHashMap<>();
            for (WorkflowState.Member member : state.members()) {
                if (!ended(member.status())) {
                    done.put(member.id(), broker.revoke(member.id(), "workflow " + id + " revoked"));
                }
            }
            return done;
        });
    }

    /**
     * Redrives a failed or revoked workflow: a new workflow re-runs its failed steps and the steps after them, and
     * reuses the results of the steps that succeeded (see {@link WorkflowRedrive}). A workflow is redriven once;
     * its redrive, should it fail, may be redriven in turn. Empty when the broker holds no such workflow.
     *
     * @throws NotRedrivableException when it has not failed, was redriven already, or its members left the broker
     */
    public Optional<WorkflowState> redrive(UUID id) {
        return broker.workflowTree(id).map(text -> {
            JsonNode tree = parse(text);
            WorkflowState original = state(id, tree, this::live);
            if (!original.status().equals("failed") && !original.status().equals("revoked")) {
                throw new NotRedrivableException("workflow " + id + " is " + original.status()
                        + "; only a failed or revoked workflow can be redriven");
            }
            WorkflowBatch batch = new WorkflowRedrive(broker, client, json, clock.instant(), partitions.of(id))
                    .plan(original, tree);
            return switch (broker.enqueueWorkflow(batch)) {
                case CREATED -> find(batch.id()).orElseThrow();
                case ALREADY_REDRIVEN -> throw new NotRedrivableException("workflow " + id + " was redriven already");
                case ORIGINAL_EXPIRED, ALREADY_EXISTS ->
                        throw new NotRedrivableException("workflow " + id + " has left the broker");
            };
        });
    }

    private WorkflowState state(UUID id, JsonNode tree, Function<UUID, Optional<Recorded>> records) {
        Map<UUID, WorkflowState.Member> members = new LinkedHashMap<>();
        collect(tree, members, records);
        boolean allEnded = members.values().stream().allMatch(m -> ended(m.status()));
        boolean allPending = members.values().stream().allMatch(m -> m.status().equals("pending"));
        WorkflowState.Member failed = members.values().stream()
                .filter(m -> m.status().equals("failed") || m.status().equals("revoked")).findFirst().orElse(null);
        String status;
        String result = null;
        if (!allEnded) {
            status = allPending ? "pending" : "running";
        } else {
            Outcome outcome = outcome(tree, members);
            status = outcome.status().equals("cancelled") ? "failed" : outcome.status();
            result = status.equals("success") ? outcome.resultJson() : null;
        }
        JsonNode redriveOf = tree.get("redrive_of");
        return new WorkflowState(id, status, result, failed,
                redriveOf == null ? null : UUID.fromString(redriveOf.getStringValue()), List.copyOf(members.values()));
    }

    /**
     * A node's status and result once every member ended: a chain's first unsuccessful step, else its last. A
     * signature's link and link_error callbacks are side branches and do not change its outcome.
     */
    private record Outcome(String status, String resultJson) {
    }

    private Outcome outcome(JsonNode node, Map<UUID, WorkflowState.Member> members) {
        if (node.get("task") != null) {
            WorkflowState.Member member = members.get(UUID.fromString(node.get("id").getStringValue()));
            return new Outcome(member.status(), member.resultJson());
        }
        if (node.get("chain") != null) {
            Outcome last = null;
            for (JsonNode step : node.get("chain").values()) {
                last = outcome(step, members);
                if (!last.status().equals("success")) {
                    return last;
                }
            }
            return last;
        }
        if (node.get("group") != null) {
            for (JsonNode member : node.get("group").values()) {
                Outcome outcome = outcome(member, members);
                if (!outcome.status().equals("success")) {
                    return outcome;
                }
            }
            // The value a successor receives (WorkflowPlanner): the results of the group's tails, flat.
            List<String> results = new ArrayList<>();
            for (UUID tail : tails(node, new ArrayList<>())) {
                String result = members.get(tail).resultJson();
                results.add(result == null ? "null" : result);
            }
            return new Outcome("success", "[" + String.join(",", results) + "]");
        }
        JsonNode chord = node.get("chord");
        Outcome then = outcome(chord.get("then"), members);
        if (then.status().equals("cancelled")) {
            Outcome group = outcome(chord, members, true);
            return group.status().equals("success") ? then : group;
        }
        return then;
    }

    /** A chord's group alone. */
    private Outcome outcome(JsonNode chord, Map<UUID, WorkflowState.Member> members, boolean groupOnly) {
        Map<String, JsonNode> group = new LinkedHashMap<>();
        group.put("group", chord.get("group"));
        return outcome(JsonNode.createObjectNode(group), members);
    }

    /** The members whose results make a node's value: a nested group's are spliced into its group's list. */
    private static List<UUID> tails(JsonNode node, List<UUID> into) {
        if (node.get("task") != null) {
            into.add(UUID.fromString(node.get("id").getStringValue()));
        } else if (node.get("chain") != null) {
            tails(node.get("chain").get(node.get("chain").size() - 1), into);
        } else if (node.get("group") != null) {
            node.get("group").values().forEach(member -> tails(member, into));
        } else {
            tails(node.get("chord").get("then"), into);
        }
        return into;
    }

    private void collect(JsonNode node, Map<UUID, WorkflowState.Member> members,
                         Function<UUID, Optional<Recorded>> records) {
        if (node.get("task") != null) {
            UUID id = UUID.fromString(node.get("id").getStringValue());
            String task = node.get("task").getStringValue();
            String path = node.get("path").getStringValue();
            members.put(id, records.apply(id).map(r -> new WorkflowState.Member(id, task, path, r.status(),
                    r.resultJson(), r.error(), r.reason(), r.run()))
                    .orElseGet(() -> new WorkflowState.Member(id, task, path, "unknown", null, null, null,
                            WorkflowState.Run.NOT_STARTED)));
            for (String callback : List.of("link", "link_error")) {
                if (node.get(callback) != null) {
                    collect(node.get(callback), members, records);
                }
            }
        } else if (node.get("chain") != null) {
            node.get("chain").values().forEach(step -> collect(step, members, records));
        } else if (node.get("group") != null) {
            node.get("group").values().forEach(step -> collect(step, members, records));
        } else if (node.get("chord") != null) {
            node.get("chord").get("group").values().forEach(step -> collect(step, members, records));
            collect(node.get("chord").get("then"), members, records);
        }
    }

    private Optional<Recorded> live(UUID id) {
        return broker.snapshot(id).map(s -> {
            String error = s.exceptionType() == null || s.exceptionType().isEmpty() ? null
                    : s.exceptionType() + (s.message() == null || s.message().isEmpty() ? "" : ": " + s.message());
            return new Recorded(s.status().value(), s.resultJson(), s.status() == ExecutionStatus.FAILED ? error : null,
                    s.reason(), new WorkflowState.Run(s.startedAt(), s.finishedAt()));
        });
    }

    private static boolean ended(String status) {
        return !status.equals("unknown") && ExecutionStatus.of(status).ended();
    }

    private JsonNode parse(String tree) {
        try {
            return json.readValue(tree, JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
