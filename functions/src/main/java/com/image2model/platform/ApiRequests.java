package com.image2model.platform;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads what an HTTP API request carries, refusing what is not there or not readable with a clear 400. */
public final class ApiRequests {

    private ApiRequests() {
    }

    /** The body's bytes exactly as sent (base64-decoded when API Gateway says so): what a webhook signature covers. */
    public static byte[] rawBody(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        return event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    /** The query string parameters, empty when there are none. */
    public static Map<String, String> query(APIGatewayV2HTTPEvent event) {
        return event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
    }

    /** A header by name, whatever its case (API Gateway lower-cases names; other callers may not); null when absent. */
    public static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String value = headers.get(name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The request's JSON object body (base64-decoded when API Gateway says so). */
    public static JsonNode jsonBody(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody();
        if (raw == null || raw.isBlank()) {
            throw ApiException.badRequest("missing_body", "This request needs a JSON body.");
        }
        raw = new String(rawBody(event), StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = ApiResponses.JSON.readTree(raw);
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid_json", "The body is not valid JSON.");
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid_json", "The body must be a JSON object.");
        }
        return node;
    }

    /**
     * A whole number field, refused with 400 {@code invalid_<code>} naming the field unless it is an
     * integer from {@code min} to {@code max} (no fractions, no strings, nothing past a long).
     */
    public static long wholeNumber(JsonNode value, String field, String code, long min, long max) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
                || value.asLong() < min || value.asLong() > max) {
            throw ApiException.badRequest("invalid_" + code, field + " must be a whole number from " + min + " to " + max + ".");
        }
        return value.asLong();
    }

    /** An optional text field: null when absent or JSON null; a 400 naming the field when it is not text. */
    public static String optionalText(JsonNode body, String field, String code) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ApiException.badRequest("invalid_" + code, field + " must be text.");
        }
        return value.asString();
    }
}
