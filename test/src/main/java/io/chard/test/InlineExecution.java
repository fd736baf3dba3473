package io.chard.test;

import io.chard.broker.Envelope;
import io.chard.broker.ExecutionSnapshot;
import io.chard.broker.ExecutionStatus;

import java.time.Instant;

/** One execution held by the {@link InlineBroker}: what was dispatched and what became of it. */
final class InlineExecution {
    final Envelope envelope;
    final String json;
    volatile ExecutionStatus status = ExecutionStatus.PENDING;
    volatile int retries;
    volatile int deliveries;
    volatile int progress;
    volatile String step;
    volatile String result;
    volatile String exceptionType;
    volatile String message;
    volatile String traceback;
    volatile String reason;
    volatile Instant startedAt;
    volatile Instant finishedAt;

    InlineExecution(Envelope.Encoded encoded) {
        this.envelope = encoded.envelope();
        this.json = encoded.json();
    }

    /** Due at {@code now}: no eta, or an eta that has passed. */
    boolean due(Instant now) {
        return envelope.eta() == null || !envelope.eta().isAfter(now);
    }

    ExecutionSnapshot snapshot() {
        return new ExecutionSnapshot(envelope.id(), json, status, envelope.queue(), progress, step, result,
                exceptionType, message, traceback, reason, retries, deliveries,
                deliveries > 0 ? InlineBroker.WORKER : null, envelope.queuedAt(), startedAt, finishedAt,
                envelope.eta());
    }
}
