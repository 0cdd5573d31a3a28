package com.image2model.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Function;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where the bytes of a Lambda invocation become a function's input event.
 *
 * <p>Why: Spring Cloud Function's AWS adapter, handed a function whose input is an event class,
 * looks inside API Gateway events before converting them. A body holding a JSON array (or an HTTP
 * header named {@code payload}, since the adapter copies the request's headers into its message
 * headers) was taken for a batch, and each element was converted into the input type and run: an
 * element shaped like an API Gateway event ran with whatever authorizer claims it carried. So
 * every function of this jar is registered as taking the invocation's raw {@link InputStream},
 * which the adapter passes through untouched (no header copying, no batch splitting, no message
 * conversion), and is read here as exactly the event Lambda received. A request body reaches the
 * code only as the event's {@code body} string.
 */
public final class LambdaEvents {

    /** Read like the adapter read events before: case-insensitive names, unknown fields ignored (AWS adds fields). */
    private static final JsonMapper EVENTS = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private LambdaEvents() {
    }

    /** {@code typed} behind a function of the raw invocation bytes, which it reads as one {@code type} event. */
    public static <I, O> Function<InputStream, O> reading(Class<I> type, Function<I, O> typed) {
        return input -> typed.apply(read(input, type));
    }

    /** The invocation's event: one JSON object, as Lambda delivers every event this jar handles. */
    public static <T> T read(InputStream input, Class<T> type) {
        JsonNode node;
        try (input) {
            node = EVENTS.readTree(input);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("The invocation's event is not JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("The invocation's event must be one JSON object, not "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return EVENTS.treeToValue(node, type);
    }
}
