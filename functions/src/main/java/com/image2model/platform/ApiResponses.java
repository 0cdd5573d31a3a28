package com.image2model.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Builds the HTTP API answers every function gives: JSON bodies, and errors with a machine-readable code. */
public final class ApiResponses {

    /** Jackson 3, which Spring Cloud Function loads anyway: one JSON library on the cold-start path. */
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiResponses() {
    }

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Answer cannot be written as JSON: " + body.getClass(), e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("cache-control", "no-store");
        headers.put("x-content-type-options", "nosniff");
        // As the site: browsers reach the API over HTTPS only, for a year.
        headers.put("strict-transport-security", "max-age=31536000; includeSubDomains");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(text)
                .withIsBase64Encoded(false)
                .build();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiResponses.class);

    /**
     * An AWS call that failed in a way no route expects (access denied, throttled, unreachable):
     * 503 {@code aws_unavailable}, never a 500 with a trace. The log says which service and error.
     */
    public static APIGatewayV2HTTPResponse awsUnavailable(software.amazon.awssdk.core.exception.SdkException e) {
        String detail = e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service && service.awsErrorDetails() != null
                ? service.awsErrorDetails().serviceName() + " " + service.awsErrorDetails().errorCode() + " (" + service.statusCode() + ")"
                : e.getClass().getSimpleName();
        LOG.error("AWS_CALL_FAILED {}: {}", detail, e.getMessage());
        return error(new ApiException(503, "aws_unavailable", "A service we depend on did not answer as expected. Please try again in a minute."));
    }

    /** The answer for a refused request (a rule's or the API's), with the headers an API refusal carries. */
    public static APIGatewayV2HTTPResponse error(Refusal e) {
        APIGatewayV2HTTPResponse answer = e.details().isEmpty() ? error(e.status(), e.code(), e.getMessage())
                : error(e.status(), e.code(), e.getMessage(), e.details());
        if (e instanceof ApiException api) {
            answer.getHeaders().putAll(api.headers());
        }
        return answer;
    }

    /** An error answer: {"error": {"code": "...", "message": "..."}}, and one log line naming it (no trace, no message). */
    public static APIGatewayV2HTTPResponse error(int status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    /** As above, with figures beside the code and message ({"error": {"code", "message", "remaining": 40}}). */
    public static APIGatewayV2HTTPResponse error(int status, String code, String message, Map<String, Object> details) {
        LOG.info("refused {} {}", status, code);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        details.forEach((name, value) -> {
            if (!name.equals("code") && !name.equals("message")) {
                error.put(name, value);
            }
        });
        return json(status, Map.of("error", error));
    }
}
