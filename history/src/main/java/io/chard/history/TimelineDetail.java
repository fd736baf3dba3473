package io.chard.history;

import java.util.Map;

/** What the timeline of an execution says about each event; null for events it leaves out (heartbeats). */
final class TimelineDetail {

    private TimelineDetail() {
    }

    static String of(String type, Map<String, String> d) {
        return switch (type) {
            case "enqueued" -> d.getOrDefault("eta", "").isEmpty() ? "queued" : "queued, due at " + instant(d.get("eta"));
            case "started" -> "delivery " + d.get("deliveries") + " to " + d.get("worker");
            case "retrying" -> "retry " + d.get("retries") + " at " + instant(d.get("eta")) + " after " + d.get("exc")
                    + messageOf(d);
            case "succeeded" -> "succeeded";
            case "failed" -> d.get("exc") + messageOf(d);
            case "revoked" -> "revoked (" + d.get("reason") + ")";
            case "revoke_requested" -> "revoke requested (" + d.get("reason") + ")";
            case "lease_expired" -> "lease of " + d.get("worker") + " lapsed; delivered again";
            case "released" -> "given back by a stopping worker";
            case "stale" -> "refused a late report from " + d.get("worker");
            default -> null;
        };
    }

    private static String messageOf(Map<String, String> d) {
        String message = d.get("message");
        return message == null || message.isEmpty() ? "" : ": " + message;
    }

    private static String instant(String millis) {
        return millis == null || millis.isEmpty() ? "?" : java.time.Instant.ofEpochMilli(Long.parseLong(millis)).toString();
    }
}
