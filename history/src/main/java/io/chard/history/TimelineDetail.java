package io.chard.history;

import io.chard.broker.BrokerEvent;
import io.chard.broker.ExecutionEvent;

import java.util.Map;

/** What the timeline of an execution says about each event; null for events it leaves out (heartbeats). */
final class TimelineDetail {

    private TimelineDetail() {
    }

    static String of(ExecutionEvent event, Map<String, String> d) {
        return switch (event) {
            case ENQUEUED -> d.getOrDefault("eta", "").isEmpty() ? "queued" : "queued, due at " + instant(d.get("eta"));
            case STARTED -> "delivery " + d.get("deliveries") + " to " + d.get("worker");
            case RETRYING -> "retry " + d.get("retries") + " at " + instant(d.get("eta")) + " after " + d.get("exc")
                    + messageOf(d);
            case SUCCEEDED -> "succeeded";
            case FAILED -> d.get("exc") + messageOf(d);
            case REVOKED -> "revoked (" + d.get("reason") + ")";
            case REVOKE_REQUESTED -> "revoke requested (" + d.get("reason") + ")";
            case LEASE_EXPIRED -> "lease of " + d.get("worker") + " lapsed; delivered again";
            case RELEASED -> "given back by a stopping worker";
            case STALE -> "refused a late report from " + d.get("worker");
            case PROMOTED -> "run now by an operator; it was due at " + instant(d.get("was"));
            case JOINED -> "released by the workflow steps before it";
            case CANCELLED -> "cancelled (" + d.get("reason") + ")";
            case HEARTBEAT, PROGRESS -> null;
        };
    }

    /**
     * The timeline's entry for an event, with the facts it keeps beside its text: the worker a delivery went to,
     * and the exception of a failed attempt (absent from rows written before they existed); null for the events
     * {@link #of} leaves out.
     */
    static TimelineEntry entry(ExecutionEvent event, BrokerEvent recorded) {
        Map<String, String> d = recorded.data();
        String detail = of(event, d);
        if (detail == null) {
            return null;
        }
        boolean attempt = event == ExecutionEvent.STARTED;
        boolean failure = event == ExecutionEvent.RETRYING || event == ExecutionEvent.FAILED;
        return new TimelineEntry(recorded.seq(), recorded.at().toString(), recorded.type(), detail,
                attempt ? ExecutionChange.blankToNull(d.get("worker")) : null,
                failure ? ExecutionChange.blankToNull(d.get("exc")) : null,
                failure ? ExecutionChange.blankToNull(d.get("message")) : null);
    }

    private static String messageOf(Map<String, String> d) {
        String message = d.get("message");
        return message == null || message.isEmpty() ? "" : ": " + message;
    }

    private static String instant(String millis) {
        return millis == null || millis.isEmpty() ? "?" : java.time.Instant.ofEpochMilli(Long.parseLong(millis)).toString();
    }
}
