package com.image2model.platform;

import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * The answer of an endpoint that is not set up: 503 {@code not_configured}, with why in the log
 * (never a secret's value), so that nothing is ever accepted or done with a wrong or missing
 * secret. A provider delivers again, and a person is told to try later; putting the secret right
 * is enough (secrets are read on use). As a function, it is the webhook whose setting is missing
 * (a plain setting such as {@code FAL_USER_ID}, which does need a deploy).
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
        return ApiResponses.error(503, "not_configured", "This part of Image2Model is not set up yet; nothing was done. Try again later.");
    }

    /** Refuses one request because a secret is not usable (empty after a first deploy, a placeholder, unreadable). */
    public static APIGatewayV2HTTPResponse refuse(String function, Secrets.Unusable why) {
        LOG.error("{} is not configured and refused a request: {}", function, why.getMessage());
        return response();
    }
}
