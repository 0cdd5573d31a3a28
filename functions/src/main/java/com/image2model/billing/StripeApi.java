package com.image2model.billing;

import java.util.LinkedHashMap;
import java.util.Map;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource;
import com.stripe.net.FormEncoder;
import com.stripe.net.RawRequestOptions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Stripe API calls billing makes, through stripe-java's client (its HTTP layer, retries,
 * idempotency keys, API version), with answers read as JSON: the functions read a few fields of a
 * few objects, and do without stripe-java's thousands of model classes in the Lambda jar.
 */
public class StripeApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Stripe refused; {@code status} is its HTTP status (0: not reached). */
    public static final class Failed extends RuntimeException {
        private final int status;

        public Failed(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private record Keyed(String key, StripeClient client) {
    }

    private final java.util.function.Supplier<String> secretKey;
    private final String apiBase;
    private volatile Keyed keyed;

    /**
     * {@code secretKey} is asked for on every call (it may be unset after a first deploy, or
     * rotated): a client is built for each key it answers; without a usable key nothing is sent.
     */
    public StripeApi(java.util.function.Supplier<String> secretKey, String apiBase) {
        this.secretKey = secretKey;
        this.apiBase = apiBase;
    }

    private StripeClient client() {
        String key = secretKey.get();
        Keyed current = keyed;
        if (current == null || !current.key().equals(key)) {
            StripeClient.StripeClientBuilder builder = StripeClient.builder().setApiKey(key).setMaxNetworkRetries(2)
                    .setConnectTimeout(5_000).setReadTimeout(20_000);
            if (apiBase != null && !apiBase.isBlank()) {
                builder.setApiBase(apiBase);
            }
            current = new Keyed(key, builder.build());
            keyed = current;
        }
        return current.client();
    }

    /** Live mode (a live key), else test mode: which price ids of the catalog apply. */
    public boolean live() {
        String key = secretKey.get();
        return key.startsWith("sk_live_") || key.startsWith("rk_live_");
    }

    public JsonNode post(String path, Map<String, Object> params, String idempotencyKey) {
        return call(ApiResource.RequestMethod.POST, path, params, idempotencyKey);
    }

    public JsonNode delete(String path) {
        return call(ApiResource.RequestMethod.DELETE, path, null, null);
    }

    public JsonNode get(String path, Map<String, Object> params) {
        return call(ApiResource.RequestMethod.GET, path, params, null);
    }

    private JsonNode call(ApiResource.RequestMethod method, String path, Map<String, Object> params, String idempotencyKey) {
        String encoded = FormEncoder.createQueryString(params == null ? Map.of() : new LinkedHashMap<>(params));
        try {
            RawRequestOptions.RawRequestOptionsBuilder options = RawRequestOptions.builder();
            if (idempotencyKey != null) {
                options.setIdempotencyKey(idempotencyKey);
            }
            String target = path;
            String content = encoded;
            if (method != ApiResource.RequestMethod.POST) {
                // GET and DELETE carry their parameters in the query, and no body.
                target = encoded.isEmpty() ? path : path + "?" + encoded;
                content = null;
            }
            return JSON.readTree(client().rawRequest(method, target, content, options.build()).body());
        } catch (StripeException e) {
            int status = e.getStatusCode() == null ? 0 : e.getStatusCode();
            throw new Failed(status, "Stripe " + method + " " + path + " failed (" + status + "): " + e.getMessage(), e);
        }
    }
}
