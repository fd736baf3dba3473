package io.chard.admin.auth;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An operator account (the password hash never leaves the repository).
 *
 * @param sessionVersion sessions signed in under an older version have ended (role change, disabling, new password)
 */
public record User(UUID id, String username, List<Role> roles, boolean disabled, Instant createdAt,
                   long sessionVersion) {
    /** The longest username (the column's width). */
    public static final int MAX_USERNAME = 100;
}
