package io.chard.broker;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The life of an execution, and the one table of the changes it may go through. The names are the broker
 * hash's {@code state} and the history's {@code status} values; the Lua scripts write them (a test checks
 * every name they use against this enum).
 * <p>
 * {@code stuck} is the history's verdict only (the sweep's, after no heartbeat for the stuck threshold); the
 * broker never writes it. It has not ended: the broker may still run or deliver the execution again, and a late
 * event moves it on. See "Execution states" in docs/architecture.md.
 */
public enum ExecutionStatus {
    PENDING, RUNNING, RETRYING, SUCCESS, FAILED, REVOKED, STUCK,
    /** A workflow step that will never run: a step before it failed or was revoked (the reason names it). */
    CANCELLED;

    private static final Map<ExecutionStatus, Set<ExecutionStatus>> NEXT = new EnumMap<>(ExecutionStatus.class);

    static {
        allow(PENDING, RUNNING, REVOKED, CANCELLED);
        allow(RETRYING, RUNNING, REVOKED);
        allow(RUNNING, SUCCESS, FAILED, RETRYING, REVOKED, PENDING, STUCK);
        // A late event from a worker the sweep had given up on: it still runs, was delivered again, or finished.
        allow(STUCK, RUNNING, PENDING, SUCCESS, FAILED, RETRYING, REVOKED);
        allow(SUCCESS);
        allow(FAILED);
        allow(REVOKED);
        allow(CANCELLED);
    }

    private static void allow(ExecutionStatus from, ExecutionStatus... to) {
        NEXT.put(from, Collections.unmodifiableSet(to.length == 0 ? EnumSet.noneOf(ExecutionStatus.class)
                : EnumSet.copyOf(Arrays.asList(to))));
    }

    /** Ended: nothing changes it any more (an operator's retry is a new execution). */
    public boolean ended() {
        return NEXT.get(this).isEmpty();
    }

    /** Whether this status may change to {@code next}; staying the same (a heartbeat) is not a change. */
    public boolean canBecome(ExecutionStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** The statuses this one may change to, empty once it has ended. */
    public Set<ExecutionStatus> next() {
        return NEXT.get(this);
    }

    /**
     * Whether an operator may dispatch it again, as a new execution pointing back at it: only what ended badly
     * or lost its worker. Retrying a success, or anything the broker may still run, would run it twice.
     */
    public boolean retryable() {
        return this == FAILED || this == STUCK;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExecutionStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The {@link #value()}s of the ended statuses, for SQL that selects ended rows. */
    public static List<String> endedValues() {
        return valuesWhere(ExecutionStatus::ended);
    }

    /** The {@link #value()}s of the statuses an operator may retry. */
    public static List<String> retryableValues() {
        return valuesWhere(ExecutionStatus::retryable);
    }

    private static List<String> valuesWhere(Predicate<ExecutionStatus> test) {
        return Arrays.stream(values()).filter(test).map(ExecutionStatus::value).toList();
    }
}
