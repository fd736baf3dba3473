package io.chard.canvas;

import io.chard.broker.Broker;
import io.chard.broker.Envelope;
import io.chard.broker.ExecutionStatus;
import io.chard.broker.Partitions;
import io.chard.broker.WorkflowBatch;
import io.chard.broker.WorkflowBatch.StoredMember;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Plans the redrive of a failed workflow: a new workflow, in the original's partition, whose members are the failed
 * or revoked steps and every step after them (what their end cancelled, and callbacks that took their outcome), each
 * with a new id and its envelope pointing back at the execution it replaces ({@code retried_from}). Every other
 * member is reused as it is: the new tree names it by its old id, and its result is given to the new members that
 * waited for it, so a step that succeeded never runs again.
 */
final class WorkflowRedrive {
    private final Broker broker;
    private final TaskClient client;
    private final JsonMapper json;
    private final Instant now;
    private final int partition;
    private final Map<UUID, UUID> renamed = new HashMap<>();
    private int minted;

    WorkflowRedrive(Broker broker, TaskClient client, JsonMapper json, Instant now, int partition) {
        this.broker = broker;
        this.client = client;
        this.json = json;
        this.now = now;
        this.partition = partition;
    }

    /** @throws NotRedrivableException when a member has left the broker already */
    WorkflowBatch plan(WorkflowState original, JsonNode tree) {
        UUID id = mint();
        Map<UUID, StoredMember> stored = new LinkedHashMap<>();
        for (WorkflowState.Member member : original.members()) {
            stored.put(member.id(), broker.workflowMember(member.id()).orElseThrow(() -> new NotRedrivableException(
                    "member " + member.id() + " of workflow " + original.id() + " has left the broker")));
        }
        Set<UUID> rerun = rerun(stored);
        // A member's predecessors are the members naming it in `succ`, and the reused steps whose values were given
        // to it at enqueue (their `succ` names the member it replaced: this workflow may be a redrive itself).
        Map<UUID, Map<Integer, UUID>> predecessors = new HashMap<>();
        stored.values().forEach(m -> {
            m.successors().forEach(s -> predecessors.computeIfAbsent(s.id(), k -> new HashMap<>())
                    .put(s.slot(), m.id()));
            predecessors.computeIfAbsent(m.id(), k -> new HashMap<>()).putAll(m.givenFrom());
        });
        stored.keySet().stream().filter(rerun::contains).forEach(old -> renamed.put(old, mint()));
        List<WorkflowBatch.Member> members = new ArrayList<>();
        for (UUID old : rerun) {
            StoredMember m = stored.get(old);
            Map<Integer, WorkflowBatch.Given> given = new LinkedHashMap<>();
            Map<Integer, UUID> inputs = predecessors.getOrDefault(old, Map.of());
            for (int slot = 0; slot < m.slots(); slot++) {
                UUID predecessor = inputs.get(slot);
                if (predecessor == null) {
                    // A step fed by neither a re-run member nor a given value would wait for ever.
                    throw new NotRedrivableException("slot " + slot + " of " + old + " has no known predecessor"
                            + " (stored by an older version of Chard); dispatch the workflow anew");
                }
                if (!rerun.contains(predecessor)) {
                    String result = stored.get(predecessor).resultJson();
                    given.put(slot, new WorkflowBatch.Given(predecessor, result == null ? "null" : result));
                }
            }
            List<WorkflowBatch.Successor> successors = m.successors().stream()
                    .map(s -> new WorkflowBatch.Successor(renamed.get(s.id()), s.slot(), s.link())).toList();
            members.add(new WorkflowBatch.Member(envelope(m), m.join(), m.slots(), m.delayMillis(),
                    m.expiresInMillis(), successors,
                    m.parent() == null ? null : renamed.getOrDefault(m.parent(), m.parent()),
                    m.group() == null ? null : renamed.computeIfAbsent(m.group(), g -> mint()), given));
        }
        Map<String, JsonNode> root = new LinkedHashMap<>();
        rename(tree).entries().forEach(e -> root.put(e.getKey(), e.getValue()));
        root.put("redrive_of", JsonNode.createStringNode(original.id().toString()));
        return new WorkflowBatch(id, write(JsonNode.createObjectNode(root)), original.id(), members);
    }

    /** The failed and revoked members and every member after them, in tree order. */
    private static Set<UUID> rerun(Map<UUID, StoredMember> stored) {
        Deque<UUID> todo = new ArrayDeque<>();
        stored.values().stream().filter(m -> m.status() == ExecutionStatus.FAILED
                || m.status() == ExecutionStatus.REVOKED).forEach(m -> todo.add(m.id()));
        Set<UUID> reached = new HashSet<>();
        while (!todo.isEmpty()) {
            UUID next = todo.poll();
            if (reached.add(next)) {
                stored.get(next).successors().forEach(s -> todo.add(s.id()));
            }
        }
        Set<UUID> inTreeOrder = new LinkedHashSet<>();
        stored.keySet().stream().filter(reached::contains).forEach(inTreeOrder::add);
        return inTreeOrder;
    }

    /**
     * The member's envelope before its inputs were spliced in, under its new id, retried from its old one. A first
     * step keeps its countdown (the eta a signature's countdown gave it), counted again from the redrive, as a
     * waiting member's counts from its release.
     */
    private Envelope.Encoded envelope(StoredMember member) {
        Envelope old = read(member.template(), Envelope.class);
        Duration countdown = member.join() == WorkflowBatch.Join.READY && old.eta() != null
                && old.eta().isAfter(old.queuedAt()) ? Duration.between(old.queuedAt(), old.eta()) : null;
        DispatchRequest request = new DispatchRequest(old.task(), old.args(), old.kwargs(), old.queue(),
                old.priority(), countdown, null, null, null, member.id());
        UUID id = renamed.get(member.id());
        return member.join() == WorkflowBatch.Join.READY ? client.prepare(request, now, id, false)
                : client.prepareWaiting(request, now, id);
    }

    /** The tree with the ids of re-run members and of their groups replaced. */
    private JsonNode rename(JsonNode node) {
        if (node.isArray()) {
            List<JsonNode> values = new ArrayList<>();
            node.values().forEach(v -> values.add(rename(v)));
            return JsonNode.createArrayNode(values);
        }
        if (!node.isObject()) {
            return node;
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        node.entries().forEach(e -> fields.put(e.getKey(), e.getKey().equals("id")
                ? JsonNode.createStringNode(renamed.getOrDefault(UUID.fromString(e.getValue().getStringValue()),
                UUID.fromString(e.getValue().getStringValue())).toString())
                : rename(e.getValue())));
        return JsonNode.createObjectNode(fields);
    }

    private UUID mint() {
        return Partitions.sequentialId(now.toEpochMilli(), minted++, partition);
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
