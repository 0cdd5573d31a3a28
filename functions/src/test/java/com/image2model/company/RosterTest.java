package com.image2model.company;

import org.junit.jupiter.api.Test;

import com.image2model.tenancy.TenantContext.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A company always keeps an active admin. */
class RosterTest {

    private static Member member(Role role, boolean active) {
        return new Member("u1", "c1", "a@acme.test", role, active, "2026-12-01");
    }

    @Test
    void demotingOrDeactivatingAnAdminLowersTheCount() {
        assertThat(Roster.adminDelta(member(Role.ADMIN, true), member(Role.MEMBER, true))).isEqualTo(-1);
        assertThat(Roster.adminDelta(member(Role.ADMIN, true), member(Role.ADMIN, false))).isEqualTo(-1);
    }

    @Test
    void promotingOrReactivatingAnAdminRaisesIt() {
        assertThat(Roster.adminDelta(member(Role.MEMBER, true), member(Role.ADMIN, true))).isEqualTo(1);
        assertThat(Roster.adminDelta(member(Role.ADMIN, false), member(Role.ADMIN, true))).isEqualTo(1);
    }

    @Test
    void changesAmongMembersDoNotCount() {
        assertThat(Roster.adminDelta(member(Role.MEMBER, true), member(Role.MEMBER, false))).isZero();
        assertThat(Roster.adminDelta(member(Role.ADMIN, false), member(Role.MEMBER, false))).isZero();
        assertThat(Roster.adminDeltaOfRemoval(member(Role.MEMBER, true))).isZero();
        assertThat(Roster.adminDeltaOfRemoval(member(Role.ADMIN, false))).isZero();
        assertThat(Roster.adminDeltaOfRemoval(member(Role.ADMIN, true))).isEqualTo(-1);
    }

    @Test
    void theLastActiveAdminCannotGo() {
        assertThatThrownBy(() -> Roster.check(1, -1)).isInstanceOf(Roster.LastAdmin.class).hasMessageContaining("at least one active admin");
        assertThatThrownBy(() -> Roster.check(0, -1)).isInstanceOf(Roster.LastAdmin.class);
    }

    @Test
    void anAdminMayGoWhileAnotherStays() {
        assertThatCode(() -> Roster.check(2, -1)).doesNotThrowAnyException();
        assertThatCode(() -> Roster.check(1, 0)).doesNotThrowAnyException();
        assertThatCode(() -> Roster.check(0, 1)).doesNotThrowAnyException();
    }

    @Test
    void theConditionNeedsOneMoreAdminThanALoweringTakesAway() {
        assertThat(Roster.adminsNeeded(-1)).isEqualTo(2);
        assertThat(Roster.adminsNeeded(0)).isZero();
        assertThat(Roster.adminsNeeded(1)).isZero();
    }
}
