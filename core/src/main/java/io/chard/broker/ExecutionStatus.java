package io.chard.broker;

import java.util.Locale;

/** The life of an execution; the names are the {@code status} column's values. */
public enum ExecutionStatus {
    PENDING, RUNNING, RETRYING, SUCCESS, FAILED, REVOKED, STUCK;

    public boolean terminal() {
        return this == SUCCESS || this == FAILED || this == REVOKED;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExecutionStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
