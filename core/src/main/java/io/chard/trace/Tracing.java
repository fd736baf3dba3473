package io.chard.trace;

import java.util.Map;
import java.util.Optional;

/**
 * The trace this thread works for: set around a task's execution (worker, test mode) and around an HTTP request
 * that carried a {@code traceparent}. A dispatch captures it into the envelope's headers, so a trace spans the
 * request, the execution and the executions it dispatches.
 */
public final class Tracing {
    /** The envelope header that carries the W3C traceparent. */
    public static final String TRACEPARENT = "traceparent";
    private static final ThreadLocal<TraceParent> CURRENT = new ThreadLocal<>();

    private Tracing() {
    }

    public static Optional<TraceParent> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes {@code trace} current until the scope closes, then restores what was current before. */
    public static Scope open(TraceParent trace) {
        TraceParent previous = CURRENT.get();
        CURRENT.set(trace);
        return () -> CURRENT.set(previous);
    }

    /** The headers a new envelope carries: the current trace as a child span, or a new trace. */
    public static Map<String, String> dispatchHeaders() {
        TraceParent trace = current().map(TraceParent::child).orElseGet(TraceParent::newTrace);
        return Map.of(TRACEPARENT, trace.header());
    }

    /** The trace an envelope's headers carry, if any. */
    public static Optional<TraceParent> of(Map<String, String> headers) {
        return headers == null ? Optional.empty() : TraceParent.parse(headers.get(TRACEPARENT));
    }

    /** A scope that cannot fail to close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
