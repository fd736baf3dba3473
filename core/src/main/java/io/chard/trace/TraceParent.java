package io.chard.trace;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C trace context {@code traceparent} (version 00): {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}.
 * An all-zero trace or parent id is invalid, as the specification says; an invalid header is ignored, never an error.
 */
public record TraceParent(String traceId, String parentId, String flags) {
    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Optional<TraceParent> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        var match = FORMAT.matcher(header.trim());
        if (!match.matches() || match.group(1).chars().allMatch(c -> c == '0')
                || match.group(2).chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(match.group(1), match.group(2), match.group(3)));
    }

    /** A new trace (nothing upstream gave one): not sampled, but its id still ties the logs together. */
    public static TraceParent newTrace() {
        return new TraceParent(hex(16), hex(8), "00");
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
