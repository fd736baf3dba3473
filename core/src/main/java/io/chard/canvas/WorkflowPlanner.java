package io.chard.canvas;

import io.chard.broker.Broker;
import io.chard.broker.Envelope;
import io.chard.broker.Partitions;
import io.chard.broker.WorkflowBatch;
import io.chard.broker.WorkflowBatch.Join;
import io.chard.broker.WorkflowBatch.Link;
import io.chard.client.DispatchRequest;
import io.chard.client.TaskClient;
import io.chard.task.ArgumentBinder;
import io.chard.task.TaskDefinition;
import io.chard.task.TaskRegistry;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a canvas into the members one script call enqueues: validates every node first (unknown tasks, arguments
 * that do not bind, options, sizes; each refusal names the node's JSON path), mints every id in the workflow id's
 * partition, and wires each member to its successors. A group's output is the flat list of its members' outputs
 * (a nested group's members are flattened into it); a chain's is its last step's; a chord's is its callback's.
 */
public final class WorkflowPlanner {
    /** The first argument of a step that receives its predecessor's value, replaced by workflow.lua. */
    static final JsonNode INPUT = JsonNode.createStringNode("$chard:input$");

    private final TaskClient client;
    private final TaskRegistry registry;
    private final ArgumentBinder binder;
    private final Partitions partitions;
    private final JsonMapper json;
    private final Clock clock;
    /**
     * A workflow is one script call, so its size is Redis' time: twice the largest chord the benchmarks run. The
     * links count apart, since two maps chained wire every member of the first to every member of the second: a
     * request of 30 KB asked for 9 million links (400 MB of script arguments). Larger fan-outs go in chunks.
     */
    static final int MAX_MEMBERS = 20_000;
    static final int MAX_LINKS = 100_000;
    private final List<Planned> members = new ArrayList<>();
    private int links;
    private Instant now;
    private int partition;
    private int minted;

    public WorkflowPlanner(TaskClient client, TaskRegistry registry, ArgumentBinder binder, Partitions partitions,
                           JsonMapper json, Clock clock) {
        this.client = client;
        this.registry = registry;
        this.binder = binder;
        this.partitions = partitions;
        this.json = json;
        this.clock = clock;
    }

    /** What a node hands on: its tail members, whether as a list, and what a failure does to the next node. */
    private record Out(List<Planned> tails, boolean list, Link link) {
    }

    private record Step(Map<String, Object> tree, Out out) {
    }

    private static final class Planned {
        final UUID id;
        final String task;
        final String path;
        final List<WorkflowBatch.Successor> successors = new ArrayList<>();
        Envelope.Encoded envelope;
        Join join;
        int slots;
        long delayMillis;
        long expiresInMillis;
        UUID parent;
        UUID group;

        Planned(UUID id, String task, String path) {
            this.id = id;
            this.task = task;
            this.path = path;
        }
    }

    public WorkflowDispatched dispatch(Canvas canvas, Broker broker) {
        now = clock.instant();
        partition = partitions.random();
        UUID id = mint();
        Step root = plan(canvas, "$", null, null);
        List<WorkflowBatch.Member> batch = members.stream().map(m -> new WorkflowBatch.Member(m.envelope, m.join,
                m.slots, m.delayMillis, m.expiresInMillis, m.successors, m.parent, m.group)).toList();
        boolean created = broker.enqueueWorkflow(new WorkflowBatch(id, write(root.tree()), batch))
                == WorkflowBatch.Result.CREATED;
        return new WorkflowDispatched(id, members.stream()
                .map(m -> new WorkflowDispatched.Member(m.id, m.task, m.path)).toList(), created);
    }

    /** The next id of this workflow: in its partition, sorting in tree order (the workflow's own id first). */
    private UUID mint() {
        return Partitions.sequentialId(now.toEpochMilli(), minted++, partition);
    }

    private Step plan(Canvas canvas, String path, Out in, UUID group) {
        return switch (canvas) {
            case null -> throw new InvalidWorkflowException(path, "a node is missing", null);
            case Canvas.Signature signature -> signature(signature, path, in, group);
            case Canvas.Chain chain -> {
                require(!chain.steps().isEmpty(), path, "a chain needs at least one step");
                List<Object> steps = new ArrayList<>();
                Out out = in;
                for (int i = 0; i < chain.steps().size(); i++) {
                    Step step = plan(chain.steps().get(i), path + ".chain[" + i + "]", out, group);
                    steps.add(step.tree());
                    out = new Out(step.out().tails(), step.out().list(), Link.NEXT);
                }
                yield new Step(tree("chain", steps), out);
            }
            case Canvas.Group g -> {
                Map<String, Object> tree = new LinkedHashMap<>();
                Out out = group(g, path + ".group", in, tree);
                yield new Step(tree, out);
            }
            case Canvas.Map map -> {
                require(map.task() != null && !map.items().isEmpty(), path, "a map needs a task and items");
                if (map.spread()) {
                    requireArgumentLists(map.items(), path + ".starmap.items");
                }
                Map<String, Object> tree = new LinkedHashMap<>();
                Out out = group(map.members(), path + (map.spread() ? ".starmap" : ".map"), in, tree);
                yield new Step(tree, out);
            }
            case Canvas.Chunks chunks -> {
                require(chunks.task() != null && !chunks.items().isEmpty(), path, "chunks need a task and items");
                require(chunks.size() > 0, path + ".chunks.size", "must be a positive integer");
                requireArgumentLists(chunks.items(), path + ".chunks.items");
                requireBindingItems(chunks, path);
                Map<String, Object> tree = new LinkedHashMap<>();
                Out out = group(chunks.members(), path + ".chunks", in, tree);
                yield new Step(tree, out);
            }
            case Canvas.Chord chord -> {
                Map<String, Object> body = new LinkedHashMap<>();
                Out members = group(chord.group(), path + ".chord.group", in, body);
                Step then = plan(chord.then(), path + ".chord.then", new Out(members.tails(), true,
                        chord.callOnMemberFailure() ? Link.CALL : Link.FAIL), null);
                body.put("then", then.tree());
                body.put("on_member_failure", chord.callOnMemberFailure() ? "call" : "fail");
                yield new Step(tree("chord", body), new Out(then.out().tails(), then.out().list(), Link.NEXT));
            }
        };
    }

    /** Plans a group's members into {@code tree} ({@code id}, {@code group}) and answers their joint output. */
    private Out group(Canvas.Group group, String path, Out in, Map<String, Object> tree) {
        require(group != null && !group.members().isEmpty(), path, "a group needs at least one member");
        UUID id = mint();
        List<Object> nodes = new ArrayList<>();
        List<Planned> tails = new ArrayList<>();
        for (int i = 0; i < group.members().size(); i++) {
            Step member = plan(group.members().get(i), path + "[" + i + "]", in, id);
            nodes.add(member.tree());
            tails.addAll(member.out().tails());
        }
        tree.put("id", id.toString());
        tree.put("group", nodes);
        return new Out(tails, true, Link.NEXT);
    }

    private Step signature(Canvas.Signature signature, String path, Out in, UUID group) {
        require(signature.task() != null && !signature.task().isBlank(), path, "a signature needs a task");
        require(members.size() < MAX_MEMBERS, path, "a workflow holds at most " + MAX_MEMBERS + " executions "
                + "(chunks run many items in one)");
        links += in == null ? 0 : in.tails().size();
        require(links <= MAX_LINKS, path, "a workflow holds at most " + MAX_LINKS + " links between its steps (each "
                + "step after a group waits for every member of it)");
        boolean receives = in != null && !signature.immutable();
        Planned member = new Planned(mint(), signature.task(), path);
        JsonNode args = signature.args();
        try {
            TaskDefinition task = registry.require(signature.task());
            if (receives) {
                // An error callback receives two arguments, the failed execution's id and its error, and its
                // placeholder takes both places, so a per-key limit's key is read where the callback will find it:
                // with one place, a customer given as the callback's own argument read past the list's end, and
                // every customer's callbacks shared the key "".
                int received = in.link() == Link.ERROR ? 2 : 1;
                binder.validateWithLaterFirst(task.method(), received, args, signature.kwargs());
                List<JsonNode> values = new ArrayList<>();
                for (int place = 0; place < received; place++) {
                    values.add(INPUT);
                }
                if (args != null && args.isArray()) {
                    args.values().forEach(values::add);
                }
                args = JsonNode.createArrayNode(values);
            } else {
                binder.bind(task.method(), args, signature.kwargs(), null);
            }
            DispatchRequest request = new DispatchRequest(task.name(), args, signature.kwargs(), signature.queue(),
                    signature.priority(), in == null ? signature.countdown() : null, null, null, null, null);
            if (in == null) {
                member.envelope = client.prepare(request, now, member.id, false);
            } else {
                member.envelope = client.prepareWaiting(request, now, member.id);
                member.expiresInMillis = task.options().expires().toMillis();
            }
        } catch (InvalidWorkflowException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidWorkflowException(path, e.getMessage(), e);
        }
        if (in != null) {
            member.join = signature.immutable() ? Join.IMMUTABLE : in.list() ? Join.LIST : Join.ONE;
            member.slots = in.tails().size();
            member.delayMillis = signature.countdown() == null ? 0 : Math.max(0, signature.countdown().toMillis());
            for (int slot = 0; slot < in.tails().size(); slot++) {
                in.tails().get(slot).successors.add(new WorkflowBatch.Successor(member.id, slot, in.link()));
            }
            member.parent = in.tails().size() == 1 ? in.tails().getFirst().id : null;
        } else {
            member.join = Join.READY;
        }
        member.group = group;
        members.add(member);
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("task", signature.task());
        tree.put("id", member.id.toString());
        tree.put("path", path);
        // Callbacks are side branches: they take this call's outcome, and nothing after this call waits for them.
        if (signature.link() != null) {
            tree.put("link", plan(signature.link(), path + ".link", new Out(List.of(member), false, Link.NEXT),
                    null).tree());
        }
        if (signature.linkError() != null) {
            tree.put("link_error", plan(signature.linkError(), path + ".link_error",
                    new Out(List.of(member), false, Link.ERROR), null).tree());
        }
        return new Step(tree, new Out(List.of(member), false, Link.NEXT));
    }

    private static void requireArgumentLists(List<JsonNode> items, String path) {
        for (int i = 0; i < items.size(); i++) {
            require(items.get(i) != null && items.get(i).isArray(), path + "[" + i + "]",
                    "each item is the task's argument list (a JSON array)");
        }
    }

    /**
     * Binds each chunk item to its task now: a chunk's items are bound only when its execution runs them, one
     * after another, so a bad one would otherwise fail the chunk half done.
     */
    private void requireBindingItems(Canvas.Chunks chunks, String path) {
        String at = path + ".chunks.task";
        try {
            TaskDefinition task = registry.require(chunks.task());
            for (int i = 0; i < chunks.items().size(); i++) {
                at = path + ".chunks.items[" + i + "]";
                binder.bind(task.method(), chunks.items().get(i), null, null);
            }
        } catch (RuntimeException e) {
            throw new InvalidWorkflowException(at, e.getMessage(), e);
        }
    }

    private static Map<String, Object> tree(String kind, Object body) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put(kind, body);
        return tree;
    }

    private static void require(boolean condition, String path, String message) {
        if (!condition) {
            throw new InvalidWorkflowException(path, message, null);
        }
    }

    private String write(Object tree) {
        try {
            return json.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
