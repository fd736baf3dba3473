package io.chard.admin.auth;

import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Creates the first administrator from {@code CHARD_ADMIN_PASSWORD} (user {@code CHARD_ADMIN_USER}, default
 * {@code admin}) when there are no users. With neither users nor a password the process refuses to start:
 * there is no default password.
 */
@Context
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
class AdminBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
    private final UserRepository users;
    private final String username;
    private final String password;

    AdminBootstrap(UserRepository users, @Value("${" + ChardSettings.ADMIN_USER + ":admin}") String username,
                   @Value("${" + ChardSettings.ADMIN_PASSWORD + ":}") String password) {
        this.users = users;
        this.username = username;
        this.password = password;
    }

    @PostConstruct
    void ensureAnAdministrator() {
        if (users.any()) {
            return;
        }
        if (password.isBlank()) {
            throw new IllegalStateException("There are no users yet: set CHARD_ADMIN_PASSWORD (and optionally "
                    + "CHARD_ADMIN_USER) to create the first administrator. Chard has no default password.");
        }
        users.create(username, password, List.of(Role.ADMIN));
        LOG.info("created the first administrator '{}'", username);
    }
}
