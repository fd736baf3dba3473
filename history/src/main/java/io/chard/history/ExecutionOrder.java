package io.chard.history;

import java.util.Arrays;
import java.util.Optional;

/**
 * The orders the execution list sorts by. Each names its SQL expression here, so a request's sort key is looked
 * up in this table and never reaches the statement as text. Ties break on the id (UUIDv7: dispatch order).
 */
public enum ExecutionOrder {
    QUEUED_AT("queued_at", "queued_at"),
    STARTED_AT("started_at", "started_at"),
    FINISHED_AT("finished_at", "finished_at"),
    TASK_NAME("task_name", "task_name"),
    STATUS("status", "status"),
    QUEUE("queue", "queue"),
    WORKER("worker", "worker"),
    RETRIES("retries", "retries"),
    DURATION("duration", "(finished_at - started_at)");

    /** Newest first, the list's order when nothing is asked. */
    public static final Sort DEFAULT = new Sort(QUEUED_AT, true);

    private final String key;
    private final String expression;

    ExecutionOrder(String key, String expression) {
        this.key = key;
        this.expression = expression;
    }

    public String key() {
        return key;
    }

    /** An order and its direction. */
    public record Sort(ExecutionOrder order, boolean descending) {

        /** {@code queued_at} ascending, {@code -queued_at} descending; empty for an unknown key. */
        public static Optional<Sort> parse(String text) {
            boolean descending = text.startsWith("-");
            String key = descending ? text.substring(1) : text;
            return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst()
                    .map(order -> new Sort(order, descending));
        }

        String sql() {
            String direction = descending ? " DESC NULLS LAST" : " ASC NULLS LAST";
            return " ORDER BY " + order.expression + direction + ", id" + (descending ? " DESC" : "");
        }
    }
}
