package io.chard.task;

import io.chard.broker.Outcome;
import io.micronaut.json.JsonMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * What a task's return or error becomes, the same on a worker and in test mode (a test must see what a worker
 * would record): a result is JSON within the payload limit, else a failure; an error's message and stack trace are
 * read from code of the task's that may itself throw.
 */
public final class TaskOutcomes {
    /** A retry the task asked for past its maximum. */
    public static final String MAX_RETRIES = "MaxRetriesExceeded";
    private static final int TRACEBACK_LIMIT = 64 * 1024;

    private TaskOutcomes() {
    }

    /** The result as stored: its JSON, or the failure of one that cannot be written or is over the limit. */
    public static Outcome success(Object result, JsonMapper json, int maxPayloadBytes) {
        if (result == null) {
            return new Outcome.Success("null");
        }
        String encoded;
        try {
            encoded = json.writeValueAsString(result);
        } catch (Exception e) {
            return new Outcome.Failure("ResultNotSerializable", "the result cannot be written as JSON: "
                    + e.getMessage(), traceback(e));
        }
        int size = encoded.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxPayloadBytes) {
            return new Outcome.Failure("ResultTooLarge", "the result takes " + size + " bytes; the limit is "
                    + maxPayloadBytes, "");
        }
        return new Outcome.Success(encoded);
    }

    /**
     * The error's message. It is the task's code: one that throws itself must not keep the outcome from being
     * reported (the execution would stay running, its lease renewed, for ever).
     */
    public static String message(Throwable error) {
        try {
            String message = error.getMessage();
            return message == null ? "" : message;
        } catch (RuntimeException e) {
            return "(its getMessage() threw " + e.getClass().getName() + ")";
        }
    }

    /** The error's stack trace, cut to a size; as {@link #message}, code of the task's that may throw. */
    public static String traceback(Throwable error) {
        StringWriter out = new StringWriter();
        try {
            error.printStackTrace(new PrintWriter(out));
        } catch (RuntimeException e) {
            return error.getClass().getName() + " (its stack trace could not be printed: " + e.getClass().getName()
                    + ")";
        }
        String text = out.toString();
        return text.length() > TRACEBACK_LIMIT ? text.substring(0, TRACEBACK_LIMIT) + "\n..." : text;
    }
}
