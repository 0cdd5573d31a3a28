package com.image2model.billing;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Metrics;
import com.image2model.platform.NotConfigured;
import com.image2model.platform.Secrets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /webhooks/stripe (no JWT: Stripe signs it). The signature is checked on the raw body
 * (base64-decoded when API Gateway says so) by {@link StripeSignatures}; then billing acts once per
 * event. A 5xx makes Stripe deliver again, which is safe: every action is idempotent.
 */
public final class StripeWebhookFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookFunction.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Billing billing;
    private final java.util.function.Supplier<String> secret;
    private final java.time.Clock clock;

    /** Events held while billing was off, acted on with each delivery once it is on. */
    static final int REPLAY_PER_DELIVERY = 25;

    private final boolean enabled;

    /**
     * {@code secret}: the endpoint's signing secret, asked for on every delivery (unusable: 503,
     * nothing done); {@code enabled}: false keeps every verified event, unacted, until it is true.
     */
    public StripeWebhookFunction(Billing billing, java.util.function.Supplier<String> secret, java.time.Clock clock, boolean enabled) {
        this.billing = billing;
        this.secret = secret;
        this.clock = clock;
        this.enabled = enabled;
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        String payload = new String(ApiRequests.rawBody(event), StandardCharsets.UTF_8);
        String signature = ApiRequests.header(event.getHeaders(), "stripe-signature");
        if (signature == null) {
            return ApiResponses.error(400, "missing_signature", "The Stripe-Signature header is missing.");
        }
        StripeSignatures signatures;
        try {
            signatures = new StripeSignatures(secret.get(), clock);
        } catch (Secrets.Unusable e) {
            return NotConfigured.refuse("stripeWebhook", e);
        }
        Optional<String> refusal = signatures.refusal(payload, signature);
        if (refusal.isPresent()) {
            LOG.warn("Refused a Stripe webhook: {}", refusal.get());
            Metrics.count("WebhookRejected", 1, "Source", "stripe");
            return ApiResponses.error(400, "invalid_signature", "The Stripe signature does not verify: " + refusal.get());
        }
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (RuntimeException e) {
            return ApiResponses.error(400, "invalid_body", "The webhook body is not JSON.");
        }
        String outcome;
        try {
            if (!enabled) {
                outcome = billing.hold(json, payload);
                LOG.info("Stripe event {} {} -> {}", json.path("id").asString(), json.path("type").asString(), outcome);
                return ApiResponses.json(200, Map.of("received", true, "outcome", outcome));
            }
            billing.replayHeld(REPLAY_PER_DELIVERY);
            outcome = billing.handle(json);
        } catch (Secrets.Unusable e) {
            return NotConfigured.refuse("stripeWebhook", e);
        } catch (StripeApi.Failed e) {
            LOG.warn("Stripe event {} to be delivered again: {}", json.path("id").asString(), e.getMessage());
            return ApiResponses.error(503, "retry_later", "Stripe could not be reached; deliver again.");
        }
        LOG.info("Stripe event {} {} -> {}", json.path("id").asString(), json.path("type").asString(), outcome);
        return ApiResponses.json(200, Map.of("received", true, "outcome", outcome));
    }
}
