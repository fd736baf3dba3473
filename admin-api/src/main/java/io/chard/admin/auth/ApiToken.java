package io.chard.admin.auth;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A long-lived credential for a service, owned by a user; its secret is known only at creation. */
public record ApiToken(UUID id, String name, String username, List<Role> roles, Instant createdAt,
                       @Nullable Instant lastUsedAt) {
}
