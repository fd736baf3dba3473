package io.chard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * admin-api as the CLI sees it: JSON over HTTP with a bearer token ({@code CHARD_URL}, {@code CHARD_TOKEN}).
 * Every refusal becomes a {@link CliFailure} carrying admin-api's own message and the exit code for its status.
 */
final class AdminApi {
    static final String DEFAULT_URL = "http://localhost:8080";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;
    private final String token;

    AdminApi(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    static AdminApi fromEnvironment(Map<String, String> env) {
        return new AdminApi(env.getOrDefault("CHARD_URL", DEFAULT_URL), env.getOrDefault("CHARD_TOKEN", ""));
    }

    ObjectMapper json() {
        return json;
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    JsonNode post(String path, Object body) {
        String text;
        try {
            text = json.writeValueAsString(body == null ? Map.of() : body);
        } catch (IOException e) {
            throw new CliFailure(ExitCode.USAGE, "cannot write the request: " + e.getMessage());
        }
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text)), path);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        if (!token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> answer;
        try {
            answer = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(ExitCode.UNAVAILABLE, "admin-api at " + base + " did not answer (" + e
                    + "); set CHARD_URL to its address");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCode.UNAVAILABLE, "interrupted while waiting for admin-api");
        }
        if (answer.statusCode() >= 300 && answer.statusCode() < 400) {
            // Not followed (a POST must not be resent elsewhere unasked), and not done: the request reached no
            // admin-api. Taken as done, a pause behind a load balancer's redirect printed "paused" and paused nothing.
            throw new CliFailure(ExitCode.USAGE, base + " answered " + answer.statusCode() + ", a redirect to "
                    + answer.headers().firstValue("Location").orElse("nowhere") + "; set CHARD_URL to admin-api's own "
                    + "address");
        }
        JsonNode body = parse(answer.body());
        if (answer.statusCode() >= 400) {
            throw new CliFailure(ExitCode.ofHttp(answer.statusCode()), refusal(answer.statusCode(), body, path));
        }
        String type = answer.headers().firstValue("Content-Type").orElse("none");
        if (!answer.body().isBlank() && !type.toLowerCase(Locale.ROOT).contains("json")) {
            // Not admin-api's answer (a sign-in page in front of it, or CHARD_URL naming the SPA): taken as done,
            // "chard pause q" printed "paused q" and paused nothing.
            throw new CliFailure(ExitCode.USAGE, base + " answered " + answer.statusCode() + " with " + type
                    + ", not admin-api's JSON; set CHARD_URL to admin-api's own address");
        }
        return body;
    }

    private String refusal(int status, JsonNode body, String path) {
        String message = body.path("message").asText("");
        String error = body.path("error").asText("http_" + status);
        String detail = message.isBlank() ? error : error + ": " + message;
        if (status == 401) {
            return detail + " (set CHARD_TOKEN to an API token made in the admin app)";
        }
        return detail + " (" + status + " from " + path + ")";
    }

    private JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (IOException e) {
            return json.createObjectNode().put("message", text.length() > 200 ? text.substring(0, 200) : text);
        }
    }

    private URI uri(String path) {
        try {
            return URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCode.USAGE, "not an address: " + base + path);
        }
    }
}
