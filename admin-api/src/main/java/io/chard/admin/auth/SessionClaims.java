package io.chard.admin.auth;

import io.micronaut.context.annotation.Requires;
import io.chard.config.ChardSettings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;

/**
 * Checks every session token (JWT) against the access rules in memory, with no database round trip: it must
 * expire ({@code exp}; a token without one would never end), its user must still be enabled at the session
 * version it was signed in with (disabling, deleting, a role or password change move the version on), and it
 * must not have been ended by logout.
 */
@Singleton
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
final class SessionClaims implements GenericJwtClaimsValidator<HttpRequest<?>> {
    static final String SESSION_ID = "chard_sid";
    static final String SESSION_VERSION = "chard_sv";
    static final String USER_ID = "chard_uid";
    private final AccessMirror access;

    SessionClaims(AccessMirror access) {
        this.access = access;
    }

    @Override
    public boolean validate(Claims claims, @Nullable HttpRequest<?> request) {
        Object subject = claims.get(Claims.SUBJECT);
        if (claims.get(Claims.EXPIRATION_TIME) == null || subject == null
                || !(claims.get(SESSION_VERSION) instanceof Number version)) {
            return false;
        }
        Object sessionId = claims.get(SESSION_ID);
        Object userId = claims.get(USER_ID);
        return access.rulesFor(subject.toString(), version.longValue())
                .sessionHolds(subject.toString(), userId == null ? null : userId.toString(), version.longValue(),
                        sessionId == null ? null : sessionId.toString());
    }
}
