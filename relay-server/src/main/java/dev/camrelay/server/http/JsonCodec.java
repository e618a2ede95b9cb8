package dev.camrelay.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.camrelay.server.config.FieldPath;
import dev.camrelay.server.config.RelayConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON in and out of the API. Reading is strict (unknown, duplicate and mistyped fields are errors naming the
 * field, with the same rules as the config file); every failure becomes a 400 {@link HttpError}.
 *
 * <p>Threading: thread-safe (Jackson's mapper is, once configured).
 */
public final class JsonCodec {

    private final ObjectMapper mapper = RelayConfigLoader.strict(JsonMapper.builder())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** Parses the request body as {@code type}. */
    public <T> T read(Request request, Class<T> type) {
        if (request.body().length == 0) {
            throw HttpError.badRequest("missing_body", "the request needs a JSON object body");
        }
        T value;
        try {
            value = mapper.readValue(request.body(), type);
        } catch (UnrecognizedPropertyException e) {
            throw HttpError.badRequest("unknown_field", "unknown field '" + FieldPath.of(e) + "'; known fields: "
                    + String.join(", ", e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()));
        } catch (InvalidFormatException e) {
            throw HttpError.badRequest("bad_field", "field '" + FieldPath.of(e) + "' has a bad value '"
                    + e.getValue() + "'");
        } catch (MismatchedInputException e) {
            String path = FieldPath.of(e);
            throw HttpError.badRequest("bad_field", "(document)".equals(path)
                    ? "the body must be a JSON object"
                    : "field '" + path + "' has the wrong type: " + e.getOriginalMessage());
        } catch (JsonMappingException e) {
            throw HttpError.badRequest("bad_field", "field '" + FieldPath.of(e) + "': " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw HttpError.badRequest("bad_json",
                    "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (value == null) {
            throw HttpError.badRequest("bad_json", "the body must be a JSON object, not null");
        }
        return value;
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public Response response(int status, Object value) {
        return new Response(status, Response.JSON, write(value), Map.of());
    }

    /** The contract's error body: {@code {"error": code, "message": message}}. */
    public Response error(HttpError e) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        return new Response(e.status(), Response.JSON, write(body), e.headers());
    }
}
