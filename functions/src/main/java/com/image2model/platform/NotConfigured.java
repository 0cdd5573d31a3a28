package com.image2model.platform;

import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * What a webhook endpoint is when its secret is not usable: it refuses every request with 503
 * {@code not_configured} and says why in the log, so that nothing is ever accepted with a wrong or
 * missing secret, and the provider delivers again once the secret is put right and deployed.
 */
public final class NotConfigured implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(NotConfigured.class);

    private final String function;
    private final String why;

    public NotConfigured(String function, String why) {
        this.function = function;
        this.why = why;
        LOG.error("{} is not configured and refuses every request: {}", function, why);
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        LOG.error("{} refused a request: not configured ({})", function, why);
        return response();
    }

    public static APIGatewayV2HTTPResponse response() {
        return ApiResponses.error(503, "not_configured", "This endpoint is not configured yet; nothing was done. Deliver again later.");
    }
}
