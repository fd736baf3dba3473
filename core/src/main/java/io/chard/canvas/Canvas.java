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
     * A group, then a callback with the list of member results once every member has ended.
     *
     * @param callOnMemberFailure the callback runs even when members failed, with error entries in their slots
     *                            ({@code "on_member_failure": "call"}); by default a failed member fails the chord
     */
    record Chord(Group group, Canvas then, boolean callOnMemberFailure) implements Canvas {
    }
}
