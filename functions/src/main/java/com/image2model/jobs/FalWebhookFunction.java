package com.image2model.jobs;

import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.fal.FalWebhookVerifier;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /webhooks/fal (no JWT: FAL signs it). Verifies the signature on the raw body first; then
 * hands the answer to the pipeline, which acts once per request id. A non-2xx answer makes FAL
 * deliver again later, so it is used only when a retry can help.
 */
public final class FalWebhookFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(FalWebhookFunction.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FalWebhookVerifier verifier;
    private final Pipeline pipeline;

    private final java.util.function.Supplier<String> falKey;

    /** {@code falKey}: FAL's API key, which taking a result needs; without a usable one nothing is accepted (503). */
    public FalWebhookFunction(FalWebhookVerifier verifier, Pipeline pipeline, java.util.function.Supplier<String> falKey) {
        this.verifier = verifier;
        this.pipeline = pipeline;
        this.falKey = falKey;
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            falKey.get();
        } catch (com.image2model.platform.Secrets.Unusable e) {
            return com.image2model.platform.NotConfigured.refuse("falWebhook", e);
        }
        byte[] body = ApiRequests.rawBody(event);
        String requestId;
        try {
            requestId = verifier.verify(event.getHeaders(), body);
        } catch (FalWebhookVerifier.Refused e) {
            LOG.warn("Refused a FAL webhook: {}", e.getMessage());
            com.image2model.platform.Metrics.count("WebhookRejected", 1, "Source", "fal");
            return ApiResponses.error(401, "invalid_signature", e.getMessage());
        } catch (FalWebhookVerifier.KeysUnavailable e) {
            // Fail closed: no key, no verification, nothing accepted; FAL delivers again.
            LOG.error("Refused a FAL webhook, not configured: {}", e.getMessage());
            return com.image2model.platform.NotConfigured.response();
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (RuntimeException e) {
            return ApiResponses.error(400, "invalid_body", "The webhook body is not JSON.");
        }
        if (!requestId.equals(json.path("request_id").asString(requestId))) {
            return ApiResponses.error(400, "request_id_mismatch", "The body's request_id is not the signed one.");
        }
        Map<String, String> query = ApiRequests.query(event);
        Pipeline.WebhookOutcome outcome;
        try {
            outcome = pipeline.webhook(query.get("company"), query.get("job"), query.get("file"), requestId, json);
        } catch (Pipeline.RetryLater e) {
            LOG.warn("FAL webhook {} to be delivered again: {}", requestId, e.getMessage());
            return ApiResponses.error(503, "retry_later", "The model could not be stored yet; deliver again.");
        }
        LOG.info("FAL webhook {} -> {}", requestId, outcome);
        if (outcome == Pipeline.WebhookOutcome.NOT_READY) {
            return ApiResponses.error(409, "not_ready", "This request is not recorded yet; deliver again.");
        }
        return ApiResponses.json(200, Map.of("received", true, "outcome", outcome.name()));
    }
}
