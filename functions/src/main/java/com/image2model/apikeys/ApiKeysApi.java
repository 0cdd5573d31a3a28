package com.image2model.apikeys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;
import com.image2model.tenancy.TenantContext.Role;

import tools.jackson.databind.JsonNode;

/**
 * The company's API keys: {@code GET/POST /company/api-keys}, {@code POST
 * /company/api-keys/{id}/rotate}, {@code DELETE /company/api-keys/{id}}. Admins only; making,
 * rotating and revoking need a person (a key cannot make keys, so a leaked admin key cannot
 * outlive its own revocation).
 */
public final class ApiKeysApi {

    /** How long a rotated key keeps working by default, and at most. */
    public static final long DEFAULT_GRACE_HOURS = 24;
    public static final long MAX_GRACE_HOURS = 168;

    private final ApiKeyStore store;
    private final String stage;
    private final Clock clock;

    /** {@code stage}: {@code live} or {@code test}, the kind of keys this deployment makes. */
    public ApiKeysApi(ApiKeyStore store, String stage, Clock clock) {
        this.store = store;
        this.stage = stage;
        this.clock = clock;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /company/api-keys", (caller, event) -> {
            caller.requireAdmin();
            Instant now = clock.instant();
            return ApiResponses.json(200, Map.of("stage", stage, "keys", store.keys(caller.companyId()).stream().map(k -> k.view(now)).toList()));
        });
        routes.put("POST /company/api-keys", (caller, event) -> {
            caller.requireAdmin().requirePerson();
            JsonNode body = ApiRequests.jsonBody(event);
            ApiKey key = ApiKey.fresh(stage, caller.companyId());
            ApiKeyRecord record = store.create(caller, key, name(body), role(body));
            return ApiResponses.json(201, shown(record, key));
        });
        routes.put("POST /company/api-keys/{id}/rotate", (caller, event) -> {
            caller.requireAdmin().requirePerson();
            JsonNode body = event.getBody() == null || event.getBody().isBlank() ? null : ApiRequests.jsonBody(event);
            long hours = body == null || !body.has("graceHours") ? DEFAULT_GRACE_HOURS
                    : ApiRequests.wholeNumber(body.get("graceHours"), "graceHours", "grace", 0, MAX_GRACE_HOURS);
            ApiKeyRecord old = find(caller, MemberRoutes.pathId(event));
            if (!old.usableAt(clock.instant()) || old.expiresAt() != null) {
                throw ApiException.conflict("api_key_not_active", "This key was revoked or rotated already; rotate its replacement instead.");
            }
            ApiKey key = ApiKey.fresh(stage, caller.companyId());
            ApiKeyRecord record = store.rotate(caller, old, key, Duration.ofHours(hours));
            Map<String, Object> answer = shown(record, key);
            answer.put("replaces", old.keyId());
            answer.put("oldKeyWorksUntil", clock.instant().plus(Duration.ofHours(hours)).toString());
            return ApiResponses.json(201, answer);
        });
        routes.put("DELETE /company/api-keys/{id}", (caller, event) -> {
            caller.requireAdmin().requirePerson();
            ApiKeyRecord key = find(caller, MemberRoutes.pathId(event));
            store.revoke(caller.companyId(), key.keyId());
            return ApiResponses.json(200, Map.of("revoked", key.keyId()));
        });
        return routes;
    }

    private ApiKeyRecord find(TenantContext caller, String keyId) {
        return store.find(caller.companyId(), keyId, true).orElseThrow(() -> ApiException.notFound("API key " + keyId));
    }

    /** The new key's view with the key itself: the one time it is shown. */
    private Map<String, Object> shown(ApiKeyRecord record, ApiKey key) {
        Map<String, Object> answer = new LinkedHashMap<>(record.view(clock.instant()));
        answer.put("key", key.text());
        return answer;
    }

    static String name(JsonNode body) {
        String name = ApiRequests.optionalText(body, "name", "name");
        if (name == null || name.isBlank() || name.strip().length() > 60 || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("invalid_name", "Give the key a name of 1 to 60 characters (what uses it: \"DAM sync\").");
        }
        return name.strip();
    }

    static Role role(JsonNode body) {
        String role = ApiRequests.optionalText(body, "role", "role");
        if (role == null) {
            return Role.MEMBER;
        }
        return switch (role) {
            case "member" -> Role.MEMBER;
            case "admin" -> Role.ADMIN;
            default -> throw ApiException.badRequest("invalid_role", "role is \"member\" or \"admin\".");
        };
    }
}
