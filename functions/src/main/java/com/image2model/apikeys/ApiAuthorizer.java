package com.image2model.apikeys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

import com.image2model.tenancy.AccessTokens;
import com.image2model.tenancy.TenantContext;

/**
 * The HTTP API's one authorizer: a bearer value is either a Cognito access token (checked as the
 * JWT authorizer did) or a company's API key, which may also come as {@code X-Api-Key}. Either way
 * the functions get the same claims: {@code sub}, {@code email}, {@code company_id}, {@code role},
 * {@code token_use}; a key adds {@link TenantContext#KEY_CLAIM}. A value that is neither gets a
 * context that says why ({@link TenantContext#DENIED}), so the function answers 401 with that code.
 *
 * <p>Why the cache is here and not API Gateway's: an HTTP API caches a Lambda authorizer's answer
 * only by identity sources that must all be present, and a request without one is refused before
 * the authorizer runs; a key sent as {@code X-Api-Key} has no Authorization header. So API Gateway
 * calls this on every request, and a decision is kept here, by a hash of the credentials, for at
 * most {@code ttl} and never past a token's expiry. The functions re-read the key (and the person)
 * on every request, so a revoked key stops at once there; this decision itself lapses at the TTL.
 */
public final class ApiAuthorizer {

    private static final Logger LOG = Logger.getLogger(ApiAuthorizer.class.getName());
    /** Decisions kept at most; a client trying many values cannot grow the cache past this. */
    static final int MAX_CACHED = 10_000;
    /** The longest a decision may be kept: a revoked key or a removed person must stop within it. */
    public static final Duration MAX_TTL = Duration.ofMinutes(5);

    /** A stored key, as the authorizer needs it (an eventually consistent read is enough: the functions check again). */
    @FunctionalInterface
    public interface KeyLookup {
        Optional<ApiKeyRecord> find(String companyId, String keyId);
    }

    private record Cached(Map<String, String> context, Instant until) {
    }

    private final AccessTokens tokens;
    private final KeyLookup keys;
    private final String stage;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** {@code stage}: the keys this deployment accepts, {@code live} or {@code test}; {@code ttl}: how long a decision is kept (zero: not kept). */
    public ApiAuthorizer(AccessTokens tokens, KeyLookup keys, String stage, Clock clock, Duration ttl) {
        if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("The authorizer keeps a decision 0 to " + MAX_TTL.toSeconds() + " s, not " + ttl.toSeconds());
        }
        this.tokens = tokens;
        this.keys = keys;
        this.stage = stage;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The context for the functions, from the request's Authorization header alone. */
    public Map<String, String> decide(String authorization) {
        return decide(authorization, null);
    }

    /**
     * The context for the functions, from the request's Authorization and X-Api-Key headers
     * (either may be null). Both at once is refused: which one speaks for the caller would be a guess.
     */
    public Map<String, String> decide(String authorization, String apiKeyHeader) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            if (authorization != null && !authorization.isBlank()) {
                return denied("credentials_ambiguous", "Send either 'Authorization: Bearer ...' or 'X-Api-Key', not both.");
            }
            String key = apiKeyHeader.trim();
            return ApiKey.looksLikeOne(key) ? cached(key, () -> key(key))
                    : denied("api_key_invalid", "X-Api-Key takes an API key (i2m_live_... or i2m_test_...).");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return denied("unauthorized", "Send an access token or an API key as 'Authorization: Bearer ...' (a key may also come as 'X-Api-Key').");
        }
        String value = authorization.substring(7).trim();
        return cached(value, () -> ApiKey.looksLikeOne(value) ? key(value) : token(value));
    }

    private Map<String, String> cached(String credential, Supplier<Map<String, String>> decision) {
        if (ttl.isZero()) {
            return decision.get();
        }
        String id = com.image2model.platform.LinkToken.sha256(credential);
        Instant now = clock.instant();
        Cached hit = cache.get(id);
        if (hit != null && now.isBefore(hit.until())) {
            return hit.context();
        }
        Map<String, String> context = java.util.Collections.unmodifiableMap(decision.get());
        Instant until = now.plus(ttl);
        String exp = context.get("exp");
        if (exp != null) {
            // A token's yes ends with the token: never served from here after its expiry.
            try {
                Instant expires = Instant.ofEpochSecond(Long.parseLong(exp));
                until = expires.isBefore(until) ? expires : until;
            } catch (NumberFormatException | java.time.DateTimeException e) {
                // Not a time this clock can hold (a signed token said so): decided, not kept.
                return context;
            }
        }
        if (cache.size() >= MAX_CACHED) {
            cache.entrySet().removeIf(entry -> !now.isBefore(entry.getValue().until()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(id, new Cached(context, until));
        return context;
    }

    /** How many decisions are kept now. */
    int cachedDecisions() {
        return cache.size();
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
