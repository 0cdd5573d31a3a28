package com.image2model.apikeys;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP API's Lambda REQUEST authorizer (payload 2.0, simple responses): reads the
 * Authorization and X-Api-Key headers, lets {@link ApiAuthorizer} decide, and answers {@code isAuthorized} with
 * the context API Gateway hands the function as {@code requestContext.authorizer.lambda}. A refused
 * value is authorized with a context that says why, so the function answers 401 with a code (a
 * simple response's false would be a bare 403).
 */
public final class ApiAuthorizerFunction implements Function<Map<String, Object>, Map<String, Object>> {

    private final ApiAuthorizer authorizer;

    public ApiAuthorizerFunction(ApiAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> event) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("isAuthorized", true);
        answer.put("context", authorizer.decide(header(event, "authorization"), header(event, "x-api-key")));
        return answer;
    }

    /** A request header by name, whatever its case (API Gateway hands them lower-cased; a forged event may not). */
    private static String header(Map<String, Object> event, String name) {
        if (event.get("headers") instanceof Map<?, ?> headers) {
            for (Map.Entry<?, ?> header : headers.entrySet()) {
                if (name.equalsIgnoreCase(String.valueOf(header.getKey())) && header.getValue() instanceof String value) {
                    return value;
                }
            }
        }
        return null;
    }
}
