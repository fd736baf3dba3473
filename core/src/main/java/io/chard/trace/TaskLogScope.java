package io.chard.trace;

import org.slf4j.MDC;

import java.util.Map;
import java.util.UUID;

/**
 * Around one task's execution: the execution id, task name, attempt and trace id in the MDC of every line logged
 * on the task's thread, and its trace current for the dispatches it makes. Closing restores what was there
 * before, so a task run inside another (test mode) gives the outer one its values back.
 */
public final class TaskLogScope implements AutoCloseable {
    public static final String EXECUTION_ID = "execution_id";
    public static final String TASK = "task";
    public static final String ATTEMPT = "attempt";
    public static final String TRACE_ID = "trace_id";
    private static final String[] KEYS = {EXECUTION_ID, TASK, ATTEMPT, TRACE_ID};

    private final String[] previous = new String[KEYS.length];
    private final Tracing.Scope trace;

    private TaskLogScope(UUID executionId, String task, int attempt, TraceParent traceParent) {
        for (int i = 0; i < KEYS.length; i++) {
            previous[i] = MDC.get(KEYS[i]);
        }
        put(EXECUTION_ID, executionId.toString());
        put(TASK, task);
        put(ATTEMPT, Integer.toString(attempt));
        put(TRACE_ID, traceParent == null ? null : traceParent.traceId());
        trace = traceParent == null ? () -> { } : Tracing.open(traceParent);
    }

    /** @param headers the envelope's headers (null for an envelope written before they existed) */
    public static TaskLogScope open(UUID executionId, String task, int attempt, Map<String, String> headers) {
        return new TaskLogScope(executionId, task, attempt, Tracing.of(headers).orElse(null));
    }

    @Override
    public void close() {
        trace.close();
        for (int i = 0; i < KEYS.length; i++) {
            put(KEYS[i], previous[i]);
        }
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
