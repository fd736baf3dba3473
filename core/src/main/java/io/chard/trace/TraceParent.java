package io.chard.trace;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A W3C trace context {@code traceparent} (version 00): {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}.
 * An all-zero trace or parent id is invalid, as the specification says; an invalid header is ignored, never an error.
 */
public record TraceParent(String traceId, String parentId, String flags) {
    /**
     * Positions in the fixed-length header, read by hand: the worker parses one per execution, and a regular
     * expression (its matcher, groups and a stream per zero check) cost about 1.2 KB per task (JFR).
     */
    private static final int TRACE_END = 35;
    private static final int PARENT_END = 52;
    private static final int LENGTH = 55;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Optional<TraceParent> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.length() != LENGTH || !value.startsWith("00-") || value.charAt(TRACE_END) != '-'
                || value.charAt(PARENT_END) != '-' || !hex(value, 3, LENGTH) || zeros(value, 3, TRACE_END)
                || zeros(value, TRACE_END + 1, PARENT_END)) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(value.substring(3, TRACE_END), value.substring(TRACE_END + 1, PARENT_END),
                value.substring(PARENT_END + 1)));
    }

    /** Lowercase hex digits from {@code from} to {@code to}, the dashes at the two fixed positions aside. */
    private static boolean hex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') && i != TRACE_END && i != PARENT_END) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    /**
     * A new trace (nothing upstream gave one): not sampled, but its id still ties the logs together. The id begins
     * with the time in milliseconds (12 hex digits, as a UUIDv7 does) and ends in 80 random bits, more than the 56
     * the W3C asks to be random. Nearly every dispatch starts a trace, and the history indexes each execution's
     * trace id: fully random ids landed all over that index, which cost PostgreSQL about a fifth of writing a
     * history row (docs/architecture.md, "The trace index, written at its edge"); ids in time order are written
     * where the last ones were.
     */
    public static TraceParent newTrace() {
        return newTrace(System.currentTimeMillis());
    }

    static TraceParent newTrace(long epochMillis) {
        return new TraceParent(HexFormat.of().toHexDigits(epochMillis).substring(4) + hex(10), hex(8), "00");
    }

    /** The same trace with a new parent id: what a dispatch hands on, so each execution is a span of its own. */
    public TraceParent child() {
        return new TraceParent(traceId, hex(8), flags);
    }

    public String header() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        do {
            RANDOM.nextBytes(random);
        } while (allZero(random));
        return HexFormat.of().formatHex(random);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
