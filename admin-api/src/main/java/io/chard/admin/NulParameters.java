package io.chard.admin;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.util.List;
import java.util.Map;

/**
 * Refuses a query parameter holding a NUL character before any route sees it: PostgreSQL cannot store or
 * compare one in text, so a search for it failed inside the database with a 500.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class NulParameters {

    @RequestFilter
    @Nullable HttpResponse<ApiError> refuse(HttpRequest<?> request) {
        for (Map.Entry<String, List<String>> parameter : request.getParameters()) {
            boolean nul = parameter.getKey().indexOf('\0') >= 0
                    || parameter.getValue().stream().anyMatch(value -> value.indexOf('\0') >= 0);
            if (nul) {
                String name = parameter.getKey().replace('\0', '?');
                return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(ApiError.ofField("invalid_parameter",
                        "query parameter '" + name + "' contains a NUL character", name));
            }
        }
        return null;
    }
}
