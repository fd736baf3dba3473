package io.chard.admin.auth;

import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.UUID;

/**
 * Accepts {@code Authorization: Bearer chard_...} API tokens against the access rules in memory (no database
 * round trip: a dispatch authenticates while PostgreSQL is down); the last use is written later, off the
 * request path. Anything else is left to the JWT validator.
 */
@Singleton
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
final class ApiTokenValidator implements TokenValidator<HttpRequest<?>> {
    private final AccessMirror access;
    private final TokenUsage usage;

    ApiTokenValidator(AccessMirror access, TokenUsage usage) {
        this.access = access;
        this.usage = usage;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        if (token == null || !token.startsWith(TokenRepository.PREFIX)) {
            return Publishers.empty();
        }
        return access.rules().authenticateToken(TokenRepository.sha256(token))
                .map(found -> {
                    usage.used(UUID.fromString((String) found.getAttributes().get(AccessRules.TOKEN_ID)));
                    return Publishers.just(found);
                })
                .orElseGet(Publishers::empty);
    }
}
