package io.chard.admin.auth;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Map;
import java.util.concurrent.ExecutorService;

/** Accepts {@code Authorization: Bearer chard_...} API tokens; anything else is left to the JWT validator. */
@Singleton
final class ApiTokenValidator implements TokenValidator<HttpRequest<?>> {
    private final TokenRepository tokens;
    private final ExecutorService blocking;

    ApiTokenValidator(TokenRepository tokens, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.tokens = tokens;
        this.blocking = blocking;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        if (token == null || !token.startsWith(TokenRepository.PREFIX)) {
            return Publishers.empty();
        }
        return Mono.fromCallable(() -> tokens.authenticate(token)
                        .map(found -> Authentication.build(found.username(), Role.permissionsOf(found.roles()),
                                Map.of(Sessions.ROLES_ATTRIBUTE, found.roles().stream().map(Role::value).toList(),
                                        "token", found.name())))
                        .orElse(null))
                .subscribeOn(Schedulers.fromExecutorService(blocking));
    }
}
