package io.chard.admin.testing;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A small HTTP client for API tests: JSON in and out, optionally as a signed-in user (bearer token). */
public final class ApiClient {
    private static final JsonMapper JSON = JsonMapper.createDefault();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    public ApiClient(String base) {
        this(base, null);
    }

    private ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A client signed in as {@code username}; fails the test when the login is refused. */
    public ApiClient as(String username, String password) {
        Answer answer = post("/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        if (answer.status() != 200) {
            throw new AssertionError("login of " + username + " refused: " + answer);
        }
        return new ApiClient(base, answer.json().get("access_token").getStringValue());
    }

    public ApiClient withToken(String bearer) {
        return new ApiClient(base, bearer);
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A POST with extra headers, given as name, value, name, value... */
    public Answer post(String path, String body, String... headers) {
        return send(request(path).header("Content-Type", "application/json").headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Answer put(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Answer patch(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public Answer delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (Exception e) {
            throw new AssertionError("request failed: " + e, e);
        }
    }

    public record Answer(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readValue(body, JsonNode.class);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String text(String field) {
            JsonNode value = json().get(field);
            return value == null || value.isNull() ? null : value.coerceStringValue();
        }
    }
}
