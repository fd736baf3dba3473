package io.chard.broker;

import java.time.Duration;

/** How one run of an execution ended, as a worker reports it. */
public sealed interface Outcome {

    record Success(String resultJson) implements Outcome {
    }

    record Failure(String exceptionType, String message, String traceback) implements Outcome {
    }

    record Retry(Duration delay, String exceptionType, String message, String traceback) implements Outcome {
    }

    record Revoked(String reason) implements Outcome {
    }
}
