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
    private static final TenantContext KEY = new TenantContext("c1", "u1", "a@x.test", Role.ADMIN, "k1");

    private static Callers.Keys keys(Callers.KeyStanding standing, java.util.List<String> used) {
        return new Callers.Keys() {
            @Override
            public Optional<Callers.KeyStanding> of(String companyId, String keyId) {
                return "c1".equals(companyId) && "k1".equals(keyId) ? Optional.ofNullable(standing) : Optional.empty();
            }

            @Override
            public void used(String companyId, String keyId) {
                used.add(companyId + "/" + keyId);
            }
        };
    }

    private static String keyRefusal(Callers.KeyStanding key, Standing maker) {
        java.util.List<String> used = new java.util.ArrayList<>();
        try {
            TenantContext caller = new Callers((c, u) -> "u9".equals(u) ? Optional.ofNullable(maker) : Optional.empty(), x -> { },
                    keys(key, used)).verify(KEY);
            assertThat(used).containsExactly("c1/k1");
            return "accepted as " + caller.role().wire() + " for " + caller.userId();
        } catch (ApiException e) {
            assertThat(used).isEmpty();
            return e.status() + " " + e.code();
        }
    }

    @Test
    void aKeyActsForItsMakerWithItsOwnRoleAsStoredNow() {
        assertThat(keyRefusal(new Callers.KeyStanding(Role.MEMBER, "u9", null), new Standing(Role.ADMIN, true)))
                .isEqualTo("accepted as member for u9");
        assertThat(keyRefusal(new Callers.KeyStanding(Role.ADMIN, "u9", null), new Standing(Role.ADMIN, true)))
                .isEqualTo("accepted as admin for u9");
    }

    @Test
    void aRevokedExpiredOrUnknownKeyIsRefusedWhateverTheAuthorizerSaid() {
        assertThat(keyRefusal(null, new Standing(Role.ADMIN, true))).isEqualTo("401 api_key_invalid");
        assertThat(keyRefusal(new Callers.KeyStanding(Role.ADMIN, "u9", "api_key_revoked"), new Standing(Role.ADMIN, true)))
                .isEqualTo("401 api_key_revoked");
        assertThat(keyRefusal(new Callers.KeyStanding(Role.ADMIN, "u9", "api_key_expired"), new Standing(Role.ADMIN, true)))
                .isEqualTo("401 api_key_expired");
    }

    @Test
    void aKeyStopsWithItsMakersMembership() {
        assertThat(keyRefusal(new Callers.KeyStanding(Role.MEMBER, "u9", null), null)).isEqualTo("403 api_key_owner_gone");
        assertThat(keyRefusal(new Callers.KeyStanding(Role.MEMBER, "u9", null), new Standing(Role.MEMBER, false)))
                .isEqualTo("403 api_key_owner_gone");
        assertThat(keyRefusal(new Callers.KeyStanding(Role.ADMIN, "u9", null), new Standing(Role.MEMBER, true)))
                .isEqualTo("403 api_key_owner_demoted");
        assertThat(keyRefusal(new Callers.KeyStanding(Role.MEMBER, "u9", null), new Standing(Role.ADMIN, true, true)))
                .isEqualTo("403 company_suspended");
    }

    @Test
    void aKeyIsNotAPerson() {
        TenantContext caller = new Callers((c, u) -> Optional.of(new Standing(Role.ADMIN, true)), x -> { },
                keys(new Callers.KeyStanding(Role.ADMIN, "u1", null), new java.util.ArrayList<>())).verify(KEY);
        assertThatThrownBy(caller::requirePerson).isInstanceOf(ApiException.class).hasFieldOrPropertyWithValue("code", "person_required");
        assertThat(refusal(new Callers((c, u) -> Optional.of(new Standing(Role.ADMIN, true))), ADMIN_TOKEN)).isEqualTo("accepted");
    }
}
