package com.image2model.company;

import java.util.LinkedHashMap;
import java.util.Map;

import com.image2model.platform.ApiException;
import com.image2model.tenancy.TenantContext.Role;
import com.image2model.tenancy.TenantContext;

/** Companies, members and roles as the company API reads and shows them. */
final class CompanyViews {

    private CompanyViews() {
    }

    static Role role(String value, Role fallback) {
        if (value == null) {
            if (fallback == null) {
                throw ApiException.badRequest("invalid_role", "\"role\" must be \"admin\" or \"member\".");
            }
            return fallback;
        }
        try {
            return Role.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_role", "\"role\" must be \"admin\" or \"member\".");
        }
    }


    static Map<String, Object> company(Company company, TenantContext caller) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", company.id());
        out.put("name", company.name());
        out.put("domain", company.domain());
        out.put("personal", company.personal());
        out.put("autoJoin", company.autoJoin());
        out.put("domainVerified", company.domainVerified());
        out.put("members", company.memberCount());
        out.put("admins", company.adminCount());
        out.put("createdAt", company.createdAt());
        out.put("yourRole", caller.role().wire());
        return out;
    }

    static Map<String, Object> joinRequest(CompanyStore.JoinRequest request) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", request.userId());
        out.put("email", request.email());
        out.put("requestedAt", request.requestedAt());
        return out;
    }

    static Map<String, Object> domainProof(CompanyStore.DomainProof proof) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", proof.domain());
        out.put("verified", proof.verified());
        out.put("verifiedAt", proof.verifiedAt());
        out.put("checkedAt", proof.checkedAt());
        out.put("record", Map.of("type", "TXT", "name", proof.domain(), "value", Memberships.VERIFICATION_PREFIX + proof.token()));
        return out;
    }

    static Map<String, Object> member(Member member) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", member.id());
        out.put("email", member.email());
        out.put("role", member.role().wire());
        out.put("active", member.active());
        out.put("joinedAt", member.joinedAt());
        return out;
    }
}
