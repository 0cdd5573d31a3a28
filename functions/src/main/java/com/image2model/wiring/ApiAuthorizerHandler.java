package com.image2model.wiring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.image2model.apikeys.ApiAuthorizerFunction;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

import tools.jackson.databind.json.JsonMapper;

/**
 * The authorizer's Lambda entry point, in plain Java: template.yaml names this class as its
 * Handler. Why not Spring Cloud Function as the other functions: API Gateway runs the authorizer
 * before every request, so its cold start is added to every cold path of the API, and Spring's
 * start costs it about 200 ms (measured with {@code bench coldstart --only ApiAuthorizerFunction}).
 * What it runs is the same {@link ApiAuthorizerFunction} with the same settings, checked at init.
 *
 * <p>Lambda builds one instance per execution environment: the constructor is the init phase.
 */
public final class ApiAuthorizerHandler implements RequestStreamHandler {

    /** The authorizer's event is API Gateway's; it is read only as a map of names to values. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiAuthorizerFunction authorizer;

    public ApiAuthorizerHandler() {
        Settings.requireAll(ApiKeysModule.AUTHORIZER);
        AwsClients.warmUp(EnumSet.of(AwsClients.Service.DYNAMODB));
        this.authorizer = ApiKeysModule.authorizer();
        prime();
    }

    /**
     * Runs the event's way once at init on a request without credentials (refused, no I/O): reading
     * and writing JSON and the decision's classes are loaded before the first real request, and are
     * in the snapshot SnapStart restores.
     */
    @SuppressWarnings("unchecked")
    private void prime() {
        Map<String, Object> event = JSON.readValue("{\"headers\":{\"x-api-key\":\"i2m_test_priming\"}}", Map.class);
        JSON.writeValueAsBytes(authorizer.apply(event));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Map<String, Object> event = JSON.readValue(input, Map.class);
        Map<String, Object> answer = context == null ? authorizer.apply(event)
                : software.amazon.lambda.powertools.logging.PowertoolsLogging.withLogging(context, () -> {
                    if (event.get("requestContext") instanceof Map<?, ?> request && request.get("requestId") instanceof String id) {
                        org.slf4j.MDC.put("correlation_id", id);
                    }
                    try {
                        return authorizer.apply(event);
                    } finally {
                        org.slf4j.MDC.remove("correlation_id");
                    }
                });
        JSON.writeValue(output, answer);
    }
}
