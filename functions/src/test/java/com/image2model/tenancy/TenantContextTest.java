package com.image2model.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.image2model.platform.ApiException;

class TenantContextTest {

    private static Map<String, String> accessClaims() {
        Map<String, String> claims = new HashMap<>();
        claims.put("sub", "user-1");
        claims.put("token_use", "access");
        claims.put("company_id", "company-1");
        claims.put("role", "admin");
        claims.put("email", "ada@acme.test");
        return claims;
    }

    @Test
    void theCompanyAndRoleComeFromTheVerifiedClaims() {
        TenantContext context = TenantContext.fromClaims(accessClaims());
        assertThat(context.companyId()).isEqualTo("company-1");
        assertThat(context.userId()).isEqualTo("user-1");
        assertThat(context.isAdmin()).isTrue();
        assertThat(context.requireAdmin()).isSameAs(context);
    }

    @Test
    void idTokensMissingClaimsAndUnknownRolesAreRefused() {
        Map<String, String> id = accessClaims();
        id.put("token_use", "id");
        assertThatThrownBy(() -> TenantContext.fromClaims(id)).isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).status()).isEqualTo(401);

        Map<String, String> noCompany = accessClaims();
        noCompany.remove("company_id");
        assertThatThrownBy(() -> TenantContext.fromClaims(noCompany)).extracting(e -> ((ApiException) e).code()).isEqualTo("no_company");

        Map<String, String> oddRole = accessClaims();
        oddRole.put("role", "owner");
        assertThatThrownBy(() -> TenantContext.fromClaims(oddRole)).extracting(e -> ((ApiException) e).code()).isEqualTo("no_role");

        assertThatThrownBy(() -> TenantContext.fromClaims(Map.of())).extracting(e -> ((ApiException) e).status()).isEqualTo(401);
    }

    @Test
    void anEventWithoutAnAuthorizerIsRefused() {
        assertThatThrownBy(() -> TenantContext.from(new APIGatewayV2HTTPEvent())).extracting(e -> ((ApiException) e).status())
                .isEqualTo(401);
    }

    @Test
    void aMemberIsNotAnAdmin() {
        Map<String, String> member = accessClaims();
        member.put("role", "member");
        assertThatThrownBy(() -> TenantContext.fromClaims(member).requireAdmin())
                .extracting(e -> ((ApiException) e).status()).isEqualTo(403);
    }
}
