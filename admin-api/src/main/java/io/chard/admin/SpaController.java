package io.chard.admin;

import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Optional;

/**
 * The admin SPA's client-side routes answer its {@code index.html}, so deep links and reloads work; its assets
 * are static resources under the same prefix. The app itself asks the API for a session.
 */
@Hidden // the admin app's pages, not API routes: left out of the OpenAPI document
@Controller(SpaController.BASE)
@Secured(SecurityRule.IS_ANONYMOUS)
class SpaController {
    static final String BASE = "/admin/background-tasks";
    static final String INDEX = "classpath:public" + BASE + "/index.html";
    private final ResourceResolver resources;

    SpaController(ResourceResolver resources) {
        this.resources = resources;
    }

    /**
     * Every path without a dot: the app's routes, and unknown ones, which the app answers with its own 404 page.
     * Paths with a dot are files (the assets), left to the static resources.
     */
    @Get(uris = {"", "/", "/{path:[^.]+}"}, produces = MediaType.TEXT_HTML)
    HttpResponse<?> index() {
        Optional<URL> index = resources.getResource(INDEX);
        if (index.isEmpty()) {
            return HttpResponse.status(HttpStatus.NOT_FOUND)
                    .body("The admin app is not built into this admin-api (build the frontend module).");
        }
        try (InputStream in = index.get().openStream()) {
            return HttpResponse.ok(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contentType(MediaType.TEXT_HTML_TYPE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
