package io.chard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chard.admin.audit.AuditLog;
import io.chard.admin.auth.AccessMirror;
import io.chard.admin.auth.ApiToken;
import io.chard.admin.auth.PasswordLimit;
import io.chard.admin.auth.Permissions;
import io.chard.admin.auth.Role;
import io.chard.admin.auth.TokenRepository;
import io.chard.admin.auth.User;
import io.chard.admin.auth.UserRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Users, API tokens, roles and the audit log, for administrators. A little over our usual length: the four
 * share the role parsing, the self-protection rules and the refusal answers at the bottom, which a split
 * would have to export.
 */
@Controller("/api/background_tasks/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Permissions.ADMIN)
class AdministrationController {
    private static final int MIN_PASSWORD = 8;
    private final UserRepository users;
    private final TokenRepository tokens;
    private final AuditLog audit;
    private final AccessMirror access;
    private final JsonMapper json;

    AdministrationController(UserRepository users, TokenRepository tokens, AuditLog audit, AccessMirror access,
                             JsonMapper json) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.access = access;
        this.json = json;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record UserView(UUID id, String username, List<String> roles, boolean disabled, Instant createdAt) {
        static UserView of(User user) {
            return new UserView(user.id(), user.username(), user.roles().stream().map(Role::value).toList(),
                    user.disabled(), user.createdAt());
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TokenView(UUID id, String name, String username, List<String> roles, Instant createdAt,
                     @Nullable Instant lastUsedAt, @Nullable String token) {
        static TokenView of(ApiToken token, String secret) {
            return new TokenView(token.id(), token.name(), token.username(),
                    token.roles().stream().map(Role::value).toList(), token.createdAt(), token.lastUsedAt(), secret);
        }
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record NewUser(@Nullable String username, @Nullable String password, @Nullable List<String> roles) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record UserChange(@Nullable String password, @Nullable List<String> roles, @Nullable Boolean disabled) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record NewToken(@Nullable String name, @Nullable List<String> roles) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AuditPage(List<AuditLog.Entry> items, long total, int page, int perPage) {
    }

    @Get("/users")
    Map<String, List<UserView>> listUsers() {
        return Map.of("items", users.list().stream().map(UserView::of).toList());
    }

    @Post("/users")
    @RequestBody(content = @Content(schema = @Schema(implementation = NewUser.class)))
    HttpResponse<?> createUser(@Body String text, Authentication admin) {
        NewUser body = StrictJson.bind(text, json, NewUser.class);
        if (body.username() == null || !body.username().matches("[A-Za-z0-9_.@-]{1," + User.MAX_USERNAME + "}")) {
            return invalid("username must be 1-" + User.MAX_USERNAME + " letters, digits or _ . @ -");
        }
        if (body.password() == null || body.password().length() < MIN_PASSWORD) {
            return invalid("password must have at least " + MIN_PASSWORD + " characters");
        }
        if (PasswordLimit.exceeded(body.password())) {
            return invalidPassword();
        }
        List<Role> roles = roles(body.roles());
        try {
            User user = users.create(body.username(), body.password(), roles);
            access.publish();
            audit.record(admin.getName(), "create_user", user.username(), Role.store(roles));
            return HttpResponse.created(UserView.of(user));
        } catch (UserRepository.UsernameTakenException e) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("username_taken", e.getMessage()));
        }
    }

    @Patch("/users/{id}")
    @RequestBody(content = @Content(schema = @Schema(implementation = UserChange.class)))
    HttpResponse<?> updateUser(UUID id, @Body String text, Authentication admin) {
        UserChange body = StrictJson.bind(text, json, UserChange.class);
        if (body.password() != null && body.password().length() < MIN_PASSWORD) {
            return invalid("password must have at least " + MIN_PASSWORD + " characters");
        }
        if (body.password() != null && PasswordLimit.exceeded(body.password())) {
            return invalidPassword();
        }
        List<Role> roles = body.roles() == null ? null : roles(body.roles());
        Optional<User> target = users.find(id);
        if (target.isEmpty()) {
            return notFound("user", id);
        }
        boolean losesAdmin = roles != null && !roles.contains(Role.ADMIN) || Boolean.TRUE.equals(body.disabled());
        boolean removesAnAdmin = losesAdmin && target.get().roles().contains(Role.ADMIN);
        if (removesAnAdmin) {
            HttpResponse<?> refused = refuseRemovingAnAdmin(target.get(), admin, "demote or disable");
            if (refused != null) {
                return refused;
            }
        }
        Optional<User> updated;
        try {
            updated = users.update(id, body.password(), roles, body.disabled(), removesAnAdmin);
        } catch (UserRepository.LastAdminException e) {
            return lastAdmin(e);
        }
        return updated.<HttpResponse<?>>map(user -> {
            access.publish();
            audit.record(admin.getName(), "update_user", user.username(), describe(body));
            return HttpResponse.ok(UserView.of(user));
        }).orElseGet(() -> notFound("user", id));
    }

    @Delete("/users/{id}")
    HttpResponse<?> deleteUser(UUID id, Authentication admin) {
        return users.find(id).<HttpResponse<?>>map(user -> {
            HttpResponse<?> refused = user.roles().contains(Role.ADMIN)
                    ? refuseRemovingAnAdmin(user, admin, "delete") : null;
            if (refused != null) {
                return refused;
            }
            try {
                users.delete(id, user.roles().contains(Role.ADMIN));
            } catch (UserRepository.LastAdminException e) {
                return lastAdmin(e);
            }
            access.publish();
            audit.record(admin.getName(), "delete_user", user.username(), null);
            return HttpResponse.noContent();
        }).orElseGet(() -> notFound("user", id));
    }

    @Get("/tokens")
    Map<String, List<TokenView>> listTokens() {
        return Map.of("items", tokens.list().stream().map(token -> TokenView.of(token, null)).toList());
    }

    @Post("/tokens")
    @RequestBody(content = @Content(schema = @Schema(implementation = NewToken.class)))
    HttpResponse<?> createToken(@Body String text, Authentication admin) {
        NewToken body = StrictJson.bind(text, json, NewToken.class);
        if (body.name() == null || body.name().isBlank() || body.name().length() > 100) {
            return invalid("name must be 1-100 characters");
        }
        if (body.name().indexOf('\0') >= 0) {
            throw new MalformedRequestException("invalid_field", "name must not contain a NUL character", "name");
        }
        User owner = users.findByName(admin.getName())
                .orElseThrow(() -> new IllegalStateException("the signed-in user no longer exists"));
        TokenRepository.Created created = tokens.create(body.name(), owner, roles(body.roles()));
        access.publish();
        audit.record(admin.getName(), "create_token", body.name(), Role.store(created.token().roles()));
        return HttpResponse.created(TokenView.of(created.token(), created.secret()));
    }

    @Delete("/tokens/{id}")
    HttpResponse<?> deleteToken(UUID id, Authentication admin) {
        return tokens.find(id).<HttpResponse<?>>map(token -> {
            tokens.delete(id);
            access.publish();
            audit.record(admin.getName(), "delete_token", token.name(), null);
            return HttpResponse.noContent();
        }).orElseGet(() -> notFound("token", id));
    }

    @Get("/roles")
    Map<String, List<Map<String, Object>>> roles() {
        return Map.of("items", Arrays.stream(Role.values())
                .map(role -> Map.<String, Object>of("name", role.value(), "permissions", role.permissions())).toList());
    }

    @Get("/audit")
    HttpResponse<?> audit(@Nullable @QueryValue Integer page, @Nullable @QueryValue("per_page") Integer perPage,
                          @Nullable @QueryValue String username, @Nullable @QueryValue String action,
                          @Nullable @QueryValue String target) {
        int pageNumber = page == null ? 1 : page;
        int size = perPage == null ? 50 : perPage;
        if (pageNumber > ExecutionAdminController.MAX_PAGE) {
            throw new MalformedRequestException("invalid_parameter",
                    "page must be at most " + ExecutionAdminController.MAX_PAGE + "; narrow the search instead");
        }
        if (pageNumber < 1 || size < 1 || size > ExecutionAdminController.MAX_PER_PAGE) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ApiError.of("invalid_parameter",
                    "page must be at least 1 and per_page between 1 and " + ExecutionAdminController.MAX_PER_PAGE));
        }
        AuditLog.Filter filter = new AuditLog.Filter(blankToNull(username), blankToNull(action), blankToNull(target));
        return HttpResponse.ok(new AuditPage(audit.page(filter, pageNumber, size), audit.total(filter), pageNumber,
                size));
    }

    /**
     * An administrator may not remove their own rights (they would lock themselves out mid-session), and nobody
     * may remove the last enabled administrator (nobody could manage users any more). Null when allowed.
     */
    private HttpResponse<?> refuseRemovingAnAdmin(User target, Authentication admin, String what) {
        if (target.username().equals(admin.getName())) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("own_account",
                    "administrators cannot " + what + " their own account; ask another administrator"));
        }
        if (!target.disabled() && users.otherEnabledAdmins(target.id()) == 0) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("last_admin",
                    target.username() + " is the last enabled administrator"));
        }
        return null;
    }

    private static HttpResponse<?> lastAdmin(UserRepository.LastAdminException e) {
        return HttpResponse.status(HttpStatus.CONFLICT).body(ApiError.of("last_admin", e.getMessage()));
    }

    private static List<Role> roles(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new InvalidFieldException("roles must name at least one of viewer, operator, admin");
        }
        try {
            return names.stream().map(Role::of).distinct().toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(e.getMessage());
        }
    }

    private static String describe(UserChange change) {
        StringBuilder text = new StringBuilder();
        if (change.password() != null) text.append("password changed; ");
        if (change.roles() != null) text.append("roles ").append(change.roles()).append("; ");
        if (change.disabled() != null) text.append(change.disabled() ? "disabled" : "enabled");
        return text.toString().trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static HttpResponse<?> invalidPassword() {
        return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ApiError.ofField("invalid_field",
                PasswordLimit.MESSAGE, "password"));
    }

    private static HttpResponse<?> invalid(String message) {
        return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ApiError.of("invalid_field", message));
    }

    private static HttpResponse<?> notFound(String what, UUID id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("not_found", "no " + what + " " + id));
    }

    /** A field of an administration request is missing or not one of the allowed values. */
    static final class InvalidFieldException extends RuntimeException {
        InvalidFieldException(String message) {
            super(message);
        }
    }
}
