package com.image2model.billing;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /webhooks/stripe (no JWT: Stripe signs it). The signature is checked by stripe-java on the
 * raw body (base64-decoded when API Gateway says so), with a 300 s tolerance; then billing acts
 * once per event. A 5xx makes Stripe deliver again, which is safe: every action is idempotent.
 */
public final class StripeWebhookFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookFunction.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final long TOLERANCE_SECONDS = 300;

    private final Billing billing;
    private final String secret;

    private final java.time.Clock clock;

    public StripeWebhookFunction(Billing billing, String secret, java.time.Clock clock) {
        this.billing = billing;
        this.secret = secret;
        this.clock = clock;
    }

    /** Why the header's timestamp is unacceptable (missing, not a number, or over the tolerance either way), or null. */
    static String timestampSkew(String signatureHeader, long now) {
        for (String part : signatureHeader.split(",")) {
            String[] pair = part.trim().split("=", 2);
            if (pair.length == 2 && pair[0].equals("t")) {
                long sentAt;
                try {
                    sentAt = Long.parseLong(pair[1].trim());
                } catch (NumberFormatException e) {
                    return "the timestamp is not a number";
                }
                long skew = now - sentAt;
                if (skew > TOLERANCE_SECONDS || skew < -TOLERANCE_SECONDS) {
                    return "the timestamp is " + skew + " s away from now (at most " + TOLERANCE_SECONDS + " s either way)";
                }
                return null;
            }
        }
        return "the header has no timestamp";
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        String payload = new String(ApiRequests.rawBody(event), StandardCharsets.UTF_8);
        String signature = ApiRequests.header(event.getHeaders(), "stripe-signature");
        if (signature == null) {
            return ApiResponses.error(400, "missing_signature", "The Stripe-Signature header is missing.");
        }
        // stripe-java refuses timestamps too old, not those in the future: both are checked here first.
        String skew = timestampSkew(signature, clock.instant().getEpochSecond());
        if (skew != null) {
            LOG.warn("Refused a Stripe webhook: {}", skew);
            com.image2model.platform.Metrics.count("WebhookRejected", 1, "Source", "stripe");
            return ApiResponses.error(400, "invalid_signature", "The Stripe signature does not verify: " + skew);
        }
        try {
            Webhook.Signature.verifyHeader(payload, signature, secret, TOLERANCE_SECONDS);
        } catch (SignatureVerificationException e) {
            LOG.warn("Refused a Stripe webhook: {}", e.getMessage());
            com.image2model.platform.Metrics.count("WebhookRejected", 1, "Source", "stripe");
            return ApiResponses.error(400, "invalid_signature", "The Stripe signature does not verify: " + e.getMessage());
        }
        JsonNode json;
        try {
            json = JSON.readTree(payload);
        } catch (RuntimeException e) {
            return ApiResponses.error(400, "invalid_body", "The webhook body is not JSON.");
        }
        String outcome;
        try {
            outcome = billing.handle(json);
        } catch (StripeApi.Failed e) {
            LOG.warn("Stripe event {} to be delivered again: {}", json.path("id").asString(), e.getMessage());
            return ApiResponses.error(503, "retry_later", "Stripe could not be reached; deliver again.");
        }
        LOG.info("Stripe event {} {} -> {}", json.path("id").asString(), json.path("type").asString(), outcome);
        return ApiResponses.json(200, Map.of("received", true, "outcome", outcome));
    }
}
