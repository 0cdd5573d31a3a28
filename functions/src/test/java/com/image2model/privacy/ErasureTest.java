package com.image2model.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.image2model.company.Member;
import com.image2model.tenancy.TenantContext.Role;

/** Who may erase what, and what a person's traces become. */
class ErasureTest {

    private static Member member(String id, Role role, boolean active) {
        return new Member(id, "c1", id + "@acme.test", role, active, "2026-01-01T00:00:00Z");
    }

    private static String refusal(Runnable action) {
        try {
            action.run();
            return "allowed";
        } catch (Erasure.Refused refused) {
            return refused.status() + " " + refused.code();
        }
    }

    @Test
    void aMemberMayLeaveButNotTheLastAdminNorTheLastMember() {
        Member admin = member("ann", Role.ADMIN, true);
        Member bob = member("bob", Role.MEMBER, true);
        assertThat(refusal(() -> Erasure.mayDeleteAccount(bob, List.of(admin, bob), "BOB@acme.test "))).isEqualTo("allowed");
        assertThat(refusal(() -> Erasure.mayDeleteAccount(admin, List.of(admin, bob), "ann@acme.test"))).isEqualTo("409 last_admin");
        // An inactive second admin does not count.
        assertThat(refusal(() -> Erasure.mayDeleteAccount(admin, List.of(admin, bob, member("cid", Role.ADMIN, false)), "ann@acme.test")))
                .isEqualTo("409 last_admin");
        assertThat(refusal(() -> Erasure.mayDeleteAccount(admin, List.of(admin, bob, member("dee", Role.ADMIN, true)), "ann@acme.test")))
                .isEqualTo("allowed");
        assertThat(refusal(() -> Erasure.mayDeleteAccount(admin, List.of(admin), "ann@acme.test"))).isEqualTo("409 delete_company_instead");
        assertThat(refusal(() -> Erasure.mayDeleteAccount(bob, List.of(admin, bob), "ann@acme.test"))).isEqualTo("400 confirmation_mismatch");
        assertThat(refusal(() -> Erasure.mayDeleteAccount(bob, List.of(admin, bob), null))).isEqualTo("400 confirmation_mismatch");
    }

    @Test
    void aCompanyGoesOnlyByItsExactNameWithNoPlanAndNothingHeld() {
        assertThatCode(() -> Erasure.mayDeleteCompany("Acme", " Acme ", false, 0)).doesNotThrowAnyException();
        assertThat(refusal(() -> Erasure.mayDeleteCompany("Acme", "acme", false, 0))).isEqualTo("400 confirmation_mismatch");
        assertThat(refusal(() -> Erasure.mayDeleteCompany("Acme", "Acme", true, 0))).isEqualTo("409 plan_active");
        assertThat(refusal(() -> Erasure.mayDeleteCompany("Acme", "Acme", false, 35))).isEqualTo("409 credits_held");
    }

    @Test
    void scrubbingReplacesWholeValuesAndWholeKeySegmentsOnly() {
        Map<String, String> r = Map.of("u-123", "former-member-x", "x@acme.test", "former-member-x");
        assertThat(Erasure.scrub("USAGE#D#2026-12-01#U#u-123", r)).isEqualTo("USAGE#D#2026-12-01#U#former-member-x");
        assertThat(Erasure.scrub("RATE#u-123#jobs#2026", r)).isEqualTo("RATE#former-member-x#jobs#2026");
        assertThat(Erasure.scrub("x@acme.test", r)).isEqualTo("former-member-x");
        assertThat(Erasure.scrub("u-123", r)).isEqualTo("former-member-x");
        // Addresses and ids that contain the erased ones, and free text that mentions them, stay as they are.
        for (String other : List.of("max@acme.test", "ax@acme.test", "x@acme.test.example", "u-1234", "MEMBER#u-12",
                "Chairs for x@acme.test", "x@acme.test's chairs", "Chair #2 for x@acme.test", "")) {
            assertThat(Erasure.scrub(other, r)).as(other).isEqualTo(other);
            assertThat(Erasure.mentions(other, r)).as(other).isFalse();
        }
        assertThat(Erasure.mentions("nothing here", r)).isFalse();
        assertThat(Erasure.mentions("EMAIL#x@acme.test", r)).isTrue();
        assertThat(Erasure.anonymousId()).startsWith("former-member-").isNotEqualTo(Erasure.anonymousId());
        assertThatThrownBy(() -> Erasure.mayDeleteCompany("Acme", "", false, 0)).isInstanceOf(Erasure.Refused.class);
    }
}
