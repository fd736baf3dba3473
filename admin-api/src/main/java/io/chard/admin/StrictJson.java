package io.chard.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.chard.task.ArgumentBinder;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;

/**
 * Reads a request body that must be exactly one JSON value: a first pass with Jackson's streaming parser refuses
 * trailing data after the value (the mapper alone stops at the value's end and ignores the rest) and nesting
 * deeper than {@link #MAX_DEPTH} (bounded before any recursive reader sees it), then the mapper builds the tree.
 */
final class StrictJson {
    /** The body's object and the arguments' array, plus the depth arguments may have. */
    static final int MAX_DEPTH = ArgumentBinder.MAX_DEPTH + 2;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private StrictJson() {
    }

    /** The body's value, or null for an empty body; a {@link MalformedRequestException} for anything else. */
    static JsonNode read(String body, JsonMapper json) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            parser.nextToken();
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new MalformedRequestException("malformed_json",
                        "the body must hold one JSON value; data follows it at " + location(parser));
            }
        } catch (StreamConstraintsException e) {
            throw new MalformedRequestException("malformed_json",
                    "the body nests deeper than " + MAX_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            throw new MalformedRequestException("malformed_json", "the body is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + " at " + location(e));
        } catch (IOException e) {
            throw new MalformedRequestException("malformed_json", "the body is not valid JSON");
        }
        try {
            return json.readValue(body, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequestException("malformed_json", "the body is not valid JSON");
        }
    }

    private static String location(JsonParser parser) {
        return "line " + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "an unknown place"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
