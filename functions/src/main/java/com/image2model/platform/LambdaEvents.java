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

    /** The object key in an S3 event notification (the worker's messages). */
    private static final java.util.regex.Pattern S3_KEY = java.util.regex.Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"");

    private LambdaEvents() {
    }

    /**
     * The same, as Spring Cloud Function hands it over with the Lambda context (the message's
     * {@code aws-context} header): each invocation logs through Powertools with that context
     * (request id, cold start, function name and version) and a correlation id taken from the
     * event (see {@link #correlationId}); keys the handlers add (company_id, job_id, file_id) are
     * cleared after it.
     */
    public static <I, O> Function<org.springframework.messaging.Message<InputStream>, O> withContext(Class<I> type, Function<I, O> typed) {
        return message -> {
            Object header = message.getHeaders().get("aws-context");
            I event = read(message.getPayload(), type);
            if (!(header instanceof com.amazonaws.services.lambda.runtime.Context context)) {
                return typed.apply(event);
            }
            try {
                return software.amazon.lambda.powertools.logging.PowertoolsLogging.withLogging(context, () -> {
                    String correlation = correlationId(event);
                    if (correlation != null) {
                        org.slf4j.MDC.put("correlation_id", correlation);
                    }
                    return InvocationDeadline.within(context.getRemainingTimeInMillis(), () -> typed.apply(event));
                });
            } finally {
                org.slf4j.MDC.remove("correlation_id");
                org.slf4j.MDC.remove(LogKeys.COMPANY);
                org.slf4j.MDC.remove(LogKeys.JOB);
                org.slf4j.MDC.remove(LogKeys.FILE);
            }
        };
    }

    /**
     * What ties an invocation's log lines to the rest of its story: the API request id; for a
     * webhook, FAL's request id or Stripe's event id header; for the worker, the first message's
     * S3 key; for a schedule, its event id; for a Cognito trigger, the user.
     */
    static String correlationId(Object event) {
        if (event instanceof com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent api) {
            String fal = ApiRequests.header(api.getHeaders(), "x-fal-webhook-request-id");
            if (fal != null) {
                return fal;
            }
            return api.getRequestContext() == null ? null : api.getRequestContext().getRequestId();
        }
        if (event instanceof java.util.Map<?, ?> map) {
            Object records = map.get("Records");
            if (records instanceof java.util.List<?> list && !list.isEmpty() && list.get(0) instanceof java.util.Map<?, ?> record) {
                Object body = record.get("body");
                if (body instanceof String text) {
                    java.util.regex.Matcher key = S3_KEY.matcher(text);
                    if (key.find()) {
                        return key.group(1);
                    }
                }
                Object id = record.get("messageId");
                return id == null ? null : String.valueOf(id);
            }
            Object id = map.get("id");
            return id == null ? null : String.valueOf(id);
        }
        if (event instanceof com.amazonaws.services.lambda.runtime.events.CognitoUserPoolEvent cognito) {
            return cognito.getUserName();
        }
        return null;
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
