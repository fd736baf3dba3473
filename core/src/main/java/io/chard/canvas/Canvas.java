package io.chard.canvas;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

import java.time.Duration;
import java.util.List;

/**
 * A workflow's shape: a task signature, or a chain, group or chord of shapes. Built with {@link Workflow} (Java) or
 * parsed from the HTTP API's JSON; dispatched whole through {@code TaskClient.dispatch(Canvas)}.
 */
public sealed interface Canvas {

    /**
     * One task call.
     *
     * @param immutable it does not receive its predecessor's value as first positional argument
     * @param countdown for a step that waits, counted from the moment its predecessors released it
     * @param link      runs once this call succeeded, with its result as first argument (unless immutable)
     * @param linkError runs once this call failed after its retries, was revoked or expired, with the execution id
     *                  and the error ({@code {"task", "status", "exc", "message", "cause"}}) as first two arguments
     */
    record Signature(String task, @Nullable JsonNode args, @Nullable JsonNode kwargs, boolean immutable,
                     @Nullable String queue, @Nullable Integer priority, @Nullable Duration countdown,
                     @Nullable Canvas link, @Nullable Canvas linkError)
            implements Canvas {

        public Signature asImmutable() {
            return new Signature(task, args, kwargs, true, queue, priority, countdown, link, linkError);
        }

        public Signature withKwargs(JsonNode value) {
            return new Signature(task, args, value, immutable, queue, priority, countdown, link, linkError);
        }

        public Signature withQueue(String value) {
            return new Signature(task, args, kwargs, immutable, value, priority, countdown, link, linkError);
        }

        public Signature withPriority(int value) {
            return new Signature(task, args, kwargs, immutable, queue, value, countdown, link, linkError);
        }

        public Signature withCountdown(Duration value) {
            return new Signature(task, args, kwargs, immutable, queue, priority, value, link, linkError);
        }

        public Signature withLink(Canvas callback) {
            return new Signature(task, args, kwargs, immutable, queue, priority, countdown, callback, linkError);
        }

        public Signature withLinkError(Canvas errback) {
            return new Signature(task, args, kwargs, immutable, queue, priority, countdown, link, errback);
        }
    }

    /** Each step after the previous one succeeded, with its result as first argument. */
    record Chain(List<Canvas> steps) implements Canvas {
        public Chain {
            steps = List.copyOf(steps);
        }
    }

    /** Members in parallel; the result is the list of member results, in member order. */
    record Group(List<Canvas> members) implements Canvas {
        public Group {
            members = List.copyOf(members);
        }
    }

    /**
     * A group with one member per item, each running {@code task} (immutable: it takes no predecessor's value).
     *
     * @param spread each item is the member's argument list ({@code starmap}); else its only argument ({@code map})
     */
    record Map(String task, List<JsonNode> items, boolean spread) implements Canvas {
        public Map {
            items = List.copyOf(items);
        }

        Group members() {
            return new Group(items.stream().<Canvas>map(item -> call(task, spread ? item
                    : JsonNode.createArrayNode(List.of(item)))).toList());
        }
    }

    /**
     * A group with one member per {@code size} items: each member is one execution that runs {@code task} over its
     * items in order, each item being the task's argument list, and returns the list of their results (Celery's
     * chunks; run by {@link ChunkTask}).
     */
    record Chunks(String task, List<JsonNode> items, int size) implements Canvas {
        public Chunks {
            items = List.copyOf(items);
        }

        Group members() {
            List<Canvas> chunks = new java.util.ArrayList<>();
            for (int from = 0; from < items.size(); from += Math.max(1, size)) {
                JsonNode chunk = JsonNode.createArrayNode(items.subList(from, Math.min(items.size(), from + size)));
                chunks.add(call(ChunkTask.NAME, JsonNode.createArrayNode(List.of(JsonNode.createStringNode(task),
                        chunk))));
            }
            return new Group(chunks);
        }
    }

    private static Signature call(String task, JsonNode args) {
        return new Signature(task, args, null, true, null, null, null, null, null);
    }

    /**
     * A group, then a callback with the list of member results once every member has ended.
     *
     * @param callOnMemberFailure the callback runs even when members failed, with error entries in their slots
     *                            ({@code "on_member_failure": "call"}); by default a failed member fails the chord
     */
    record Chord(Group group, Canvas then, boolean callOnMemberFailure) implements Canvas {
    }
}
