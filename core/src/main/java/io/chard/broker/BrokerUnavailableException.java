package io.chard.broker;

/** The broker could not be reached or answered with an error; the operation did not happen. */
public class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
