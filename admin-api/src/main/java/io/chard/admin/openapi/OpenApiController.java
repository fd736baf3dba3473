package io.chard.admin.openapi;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /openapi.yml}: the OpenAPI document micronaut-openapi wrote at compile time from the controllers
 * (read once from the jar; nothing is generated at run time). Anonymous: a client reads it before it has a token.
 */
@OpenAPIDefinition(info = @Info(title = "chard", version = "1",
        description = "Chard's HTTP API: dispatch, executions, workflows, queues, schedules, administration. "
                + "Every error is answered as {\"error\", \"message\", \"parameter\", \"field\"}."),
        security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "session")})
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "an API token (chard_...) or the access_token POST /login answers")
@SecurityScheme(name = "session", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.COOKIE,
        paramName = "CHARD_SESSION", description = "the cookie POST /login sets (the admin app)")
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
class OpenApiController {
    /** Where micronaut-openapi writes the document: META-INF/swagger/{title}-{version}.yml. */
    static final String DOCUMENT = "META-INF/swagger/chard-1.yml";
    private final String document = read();

    @Get(value = "/openapi.yml", produces = "application/yaml")
    HttpResponse<String> document() {
        return HttpResponse.ok(document);
    }

    private static String read() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is not on the classpath: admin-api was built without "
                        + "micronaut-openapi's annotation processor");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
