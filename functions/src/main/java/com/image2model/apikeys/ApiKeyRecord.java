package com.image2model.apikeys;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.image2model.tenancy.TenantContext.Role;

/**
 * A company's API key as stored: never the key, only its SHA-256 and its shown prefix. A key acts
 * for the admin who made it (its jobs are theirs) with at most the role it was given.
 *
 * @param expiresAt set when the key was rotated: it keeps working until then, so a pipeline can
 *                  move to the new key without a gap
 */
public record ApiKeyRecord(String companyId, String keyId, String name, String prefix, String secretHash, Role role,
                           String createdBy, String createdByEmail, Instant createdAt, Instant lastUsedAt, String usesDay,
                           long usesToday, Instant revokedAt, Instant expiresAt, String replacedBy) {

    /** Why the key cannot be used at {@code now}; null when it can. */
    public String refusalAt(Instant now) {
        if (revokedAt != null) {
            return "api_key_revoked";
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return "api_key_expired";
        }
        return null;
    }

    public boolean usableAt(Instant now) {
        return refusalAt(now) == null;
    }

    /** Requests made with it on {@code day} (UTC, yyyy-MM-dd). */
    public long usesOn(String day) {
        return day.equals(usesDay) ? usesToday : 0;
    }

    /** What the company's admins see of it. */
    public Map<String, Object> view(Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", keyId);
        view.put("name", name);
        view.put("prefix", prefix);
        view.put("role", role.wire());
        view.put("createdBy", createdByEmail);
        view.put("createdAt", createdAt.toString());
        view.put("lastUsedAt", lastUsedAt == null ? null : lastUsedAt.toString());
        view.put("requestsToday", usesOn(now.toString().substring(0, 10)));
        view.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        view.put("replacedBy", replacedBy);
        view.put("state", refusalAt(now) == null ? (expiresAt == null ? "active" : "expiring")
                : revokedAt != null ? "revoked" : "expired");
        return view;
    }
}
