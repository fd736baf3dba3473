package io.chard.admin.auth;

import java.nio.charset.StandardCharsets;

/**
 * BCrypt reads at most 72 bytes of a password: a longer one would be cut silently (two passwords sharing their
 * first 72 bytes would match each other) and the library refuses it with an exception, a 500. Login and user
 * creation refuse it first, naming the field.
 */
public final class PasswordLimit {
    public static final int MAX_BYTES = 72;
    public static final String MESSAGE = "password must be at most " + MAX_BYTES + " bytes in UTF-8 (BCrypt's limit)";

    private PasswordLimit() {
    }

    public static boolean exceeded(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES;
    }
}
