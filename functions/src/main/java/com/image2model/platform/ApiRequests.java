package com.image2model.platform;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads what an HTTP API request carries, refusing what is not there or not readable with a clear 400. */
public final class ApiRequests {

    private ApiRequests() {
    }

    /** The request's JSON object body (base64-decoded when API Gateway says so). */
    public static JsonNode jsonBody(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody();
        if (raw == null || raw.isBlank()) {
            throw ApiException.badRequest("missing_body", "This request needs a JSON body.");
        }
        if (event.getIsBase64Encoded()) {
            raw = new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
        }
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
}
