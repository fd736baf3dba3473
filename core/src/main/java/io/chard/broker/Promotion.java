package io.chard.broker;

/** What asking a waiting execution to run now did (the promote script's answer), and the queue it waits in. */
public record Promotion(Outcome outcome, String queue) {

    public enum Outcome {
        /** It left the delayed set and waits in its queue's ready set for the next free worker. */
        PROMOTED,
        /** It was not waiting for a due time: already started, ended, revoked, or queued without a delay. */
        NOT_DELAYED,
        /** A later retry than the one the caller saw waits now; left alone so its backoff is not cut short. */
        LATER_ATTEMPT,
        /** The broker does not hold it (never dispatched here, or ended and its hash expired). */
        UNKNOWN
    }
}
