package com.image2model.apikeys;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import com.image2model.tenancy.AccessTokens;
import com.image2model.tenancy.TenantContext;

/**
 * The HTTP API's one authorizer: a bearer value is either a Cognito access token (checked as the
 * JWT authorizer did) or a company's API key. Either way the functions get the same claims:
 * {@code sub}, {@code email}, {@code company_id}, {@code role}, {@code token_use}; a key adds
 * {@link TenantContext#KEY_CLAIM}. A value that is neither gets a context that says why
 * ({@link TenantContext#DENIED}), so the function answers 401 with that code.
 *
 * <p>What it decides is cached by API Gateway for the authorizer's TTL; the functions re-read the
 * key (and the person) on every request, so a revoked key stops at once, not at the TTL's end.
 */
public final class ApiAuthorizer {

    private static final Logger LOG = Logger.getLogger(ApiAuthorizer.class.getName());

    /** A stored key, as the authorizer needs it (an eventually consistent read is enough: the functions check again). */
    @FunctionalInterface
    public interface KeyLookup {
        Optional<ApiKeyRecord> find(String companyId, String keyId);
    }

    private final AccessTokens tokens;
    private final KeyLookup keys;
    private final String stage;
    private final Clock clock;

    /** {@code stage}: the keys this deployment accepts, {@code live} or {@code test}. */
    public ApiAuthorizer(AccessTokens tokens, KeyLookup keys, String stage, Clock clock) {
        this.tokens = tokens;
        this.keys = keys;
        this.stage = stage;
        this.clock = clock;
    }

    /** The context for the functions, from the request's Authorization header. */
    public Map<String, String> decide(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return denied("unauthorized", "Send an access token or an API key as 'Authorization: Bearer ...'.");
        }
        String value = authorization.substring(7).trim();
        return ApiKey.looksLikeOne(value) ? key(value) : token(value);
    }

    private Map<String, String> token(String value) {
        try {
            Map<String, String> claims = new LinkedHashMap<>(tokens.verify(value));
            // Only this authorizer says a caller is a key or was refused: never a claim of a token.
            claims.remove(TenantContext.KEY_CLAIM);
            claims.remove(TenantContext.DENIED);
            claims.remove(TenantContext.DENIED_MESSAGE);
            return claims;
        } catch (AccessTokens.Invalid e) {
            LOG.fine(() -> "Token refused: " + e.getMessage());
            return denied("token_invalid", "The access token is not valid or has expired: sign in again.");
        }
    }

    private Map<String, String> key(String value) {
        Optional<ApiKey> parsed = ApiKey.parse(value);
        if (parsed.isEmpty()) {
            return denied("api_key_invalid", "This API key is not valid.");
        }
        ApiKey key = parsed.get();
        if (!key.stage().equals(stage)) {
            return denied("api_key_wrong_stage", "This is a " + key.stage() + " key; this API takes " + stage + " keys.");
        }
        ApiKeyRecord record = keys.find(key.companyId(), key.keyId()).filter(r -> key.matches(r.secretHash())).orElse(null);
        if (record == null) {
            return denied("api_key_invalid", "This API key is not valid.");
        }
        String refusal = record.refusalAt(clock.instant());
        if (refusal != null) {
            return denied(refusal, refusal.equals("api_key_expired") ? "This API key was replaced and its grace period is over."
                    : "This API key was revoked.");
        }
        Map<String, String> context = new LinkedHashMap<>();
        context.put("sub", record.createdBy());
        context.put("email", record.createdByEmail());
        context.put(TenantContext.COMPANY_CLAIM, record.companyId());
        context.put(TenantContext.ROLE_CLAIM, record.role().wire());
        context.put("token_use", "access");
        context.put(TenantContext.KEY_CLAIM, record.keyId());
        return context;
    }

    private static Map<String, String> denied(String code, String message) {
        return Map.of(TenantContext.DENIED, code, TenantContext.DENIED_MESSAGE, message);
    }
}
