package io.chard.admin;

/** A query parameter is out of range or malformed. Answered with 422. */
final class InvalidParameterException extends RuntimeException {
    InvalidParameterException(String message) {
        super(message);
    }
}
