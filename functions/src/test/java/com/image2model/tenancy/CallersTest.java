package com.image2model.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.image2model.platform.ApiException;
import com.image2model.tenancy.Callers.Standing;
import com.image2model.tenancy.TenantContext.Role;

class CallersTest {

    private static final TenantContext ADMIN_TOKEN = new TenantContext("c1", "u1", "a@x.test", Role.ADMIN);
    private static final TenantContext MEMBER_TOKEN = new TenantContext("c1", "u1", "a@x.test", Role.MEMBER);

    private static String refusal(Callers callers, TenantContext token) {
        try {
            callers.verify(token);
            return "accepted";
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(403);
            return e.code();
        }
    }

    @Test
    void aMembershipThatStillHoldsIsAccepted() {
        assertThat(new Callers((c, u) -> Optional.of(new Standing(Role.ADMIN, true))).verify(ADMIN_TOKEN).role()).isEqualTo(Role.ADMIN);
        assertThat(new Callers((c, u) -> Optional.of(new Standing(Role.MEMBER, true))).verify(MEMBER_TOKEN).role()).isEqualTo(Role.MEMBER);
    }

    @Test
    void removedDeactivatedAndDemotedAreRevoked() {
        assertThat(refusal(new Callers((c, u) -> Optional.empty()), MEMBER_TOKEN)).isEqualTo("membership_revoked");
        assertThat(refusal(new Callers((c, u) -> Optional.of(new Standing(Role.MEMBER, false))), MEMBER_TOKEN)).isEqualTo("membership_revoked");
        assertThat(refusal(new Callers((c, u) -> Optional.of(new Standing(Role.ADMIN, false))), ADMIN_TOKEN)).isEqualTo("membership_revoked");
        assertThat(refusal(new Callers((c, u) -> Optional.of(new Standing(Role.MEMBER, true))), ADMIN_TOKEN)).isEqualTo("membership_revoked");
    }

    @Test
    void aPromotionWaitsForTheNextToken() {
        TenantContext caller = new Callers((c, u) -> Optional.of(new Standing(Role.ADMIN, true))).verify(MEMBER_TOKEN);
        assertThat(caller.role()).isEqualTo(Role.MEMBER);
        assertThatThrownBy(caller::requireAdmin).isInstanceOf(ApiException.class);
    }

    @Test
    void theRecordIsLookedUpForTheTokensCompanyAndPerson() {
        String[] asked = new String[2];
        new Callers((c, u) -> {
            asked[0] = c;
            asked[1] = u;
            return Optional.of(new Standing(Role.MEMBER, true));
        }).verify(MEMBER_TOKEN);
        assertThat(asked).containsExactly("c1", "u1");
    }
}
