package io.chard.admin.auth;

import com.nimbusds.jwt.JWT;
import io.chard.config.ChardSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.MapClaims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Session tokens (JWTs) whose signature was verified, by token: a client sends the same token with every request,
 * and parsing it and checking its signature was a fifth of each HTTP dispatch's work on the event loop (the
 * profile in docs/architecture.md). What can change between two requests is checked on every one of them, hit
 * or not: every claims validator (expiry, and {@link SessionClaims}: logout, a disabled, demoted or deleted user)
 * runs again on the claims the token carried. What cannot change, the signature over those claims, is checked once.
 *
 * <p>Runs before the framework's JWT validator, and asks it on a miss: a token it refuses is not kept (and the
 * framework's validator, next in line, refuses it again). At most {@link #HELD} tokens are kept; past that the whole
 * map is dropped, so that a client sending a new token per request costs a re-check each, never memory.
 */
@Singleton
@Requires(property = ChardSettings.ADMIN_ENABLED, value = "true")
final class VerifiedSessionTokens implements TokenValidator<HttpRequest<?>>, Ordered {
    static final int HELD = 10_000;

    private final ReactiveJsonWebTokenValidator<JWT, HttpRequest<?>> jwt;
    private final List<GenericJwtClaimsValidator<HttpRequest<?>>> claimsValidators;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    VerifiedSessionTokens(ReactiveJsonWebTokenValidator<JWT, HttpRequest<?>> jwt,
                          List<GenericJwtClaimsValidator<HttpRequest<?>>> claimsValidators) {
        this.jwt = jwt;
        this.claimsValidators = claimsValidators;
    }

    /** @param claims the token's claims, as the claims validators read them (exp as a Date) */
    private record Verified(Authentication authentication, Claims claims) {
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        if (token == null || token.startsWith(TokenRepository.PREFIX)) {
            return Publishers.empty();
        }
        Verified known = verified.get(token);
        if (known != null) {
            if (holds(known.claims(), request)) {
                return Publishers.just(known.authentication());
            }
            verified.remove(token);
            return Publishers.empty();
        }
        return Mono.from(jwt.validateToken(token, request)).doOnNext(authentication -> keep(token, authentication));
    }

    private boolean holds(Claims claims, HttpRequest<?> request) {
        for (GenericJwtClaimsValidator<HttpRequest<?>> validator : claimsValidators) {
            if (!validator.validate(claims, request)) {
                return false;
            }
        }
        return true;
    }

    private void keep(String token, Authentication authentication) {
        if (verified.size() >= HELD) {
            verified.clear();
        }
        // Micronaut's authentication carries the token's claims as its attributes.
        verified.put(token, new Verified(authentication, new MapClaims(authentication.getAttributes())));
    }
}
