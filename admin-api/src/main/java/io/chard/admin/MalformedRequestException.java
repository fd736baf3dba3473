package io.chard.admin;

/** The request body is not what the API reads: not JSON, or a field of the wrong type. Answered with 400. */
final class MalformedRequestException extends RuntimeException {
    private final String code;

    MalformedRequestException(String code, String message) {
        super(message);
        this.code = code;
    }

    String code() {
        return code;
    }
}
