package com.image2model.company;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvitationTokenTest {

    private static final String COMPANY = "0e9b0c43-3d5c-4b8e-a4a6-7d1f3f1c2b55";

    @Test
    void aFreshTokenReadsBackAndMatchesOnlyItsOwnHash() {
        InvitationToken token = InvitationToken.fresh(COMPANY, "0123456789abcdef0123456789abcdef");
        InvitationToken read = InvitationToken.parse(token.text()).orElseThrow();

        assertThat(read).isEqualTo(token);
        assertThat(read.matches(token.secretHash())).isTrue();
        assertThat(read.matches(InvitationToken.fresh(COMPANY, "0123456789abcdef0123456789abcdef").secretHash())).isFalse();
        assertThat(read.matches(null)).isFalse();
        assertThat(token.secretHash()).doesNotContain(token.secret()).hasSize(64);
    }

    @Test
    void twoFreshTokensNeverShareASecret() {
        assertThat(InvitationToken.fresh(COMPANY, "0".repeat(32)).secret()).isNotEqualTo(InvitationToken.fresh(COMPANY, "0".repeat(32)).secret());
    }

    @Test
    void anythingButATokenIsNoToken() {
        String secret = "A".repeat(43);
        for (String text : new String[] {null, "", "x", COMPANY + ".0123456789abcdef0123456789abcdef", COMPANY + ".short." + secret,
                COMPANY + ".0123456789ABCDEF0123456789ABCDEF." + secret, COMPANY + ".0123456789abcdef0123456789abcdef." + secret + "A",
                "C#x/../y.0123456789abcdef0123456789abcdef." + secret, COMPANY + ".0123456789abcdef0123456789abcdef." + secret + "\n."}) {
            assertThat(InvitationToken.parse(text)).as(String.valueOf(text)).isEmpty();
        }
    }

    @Test
    void itsTextNeverReachesALogLine() {
        InvitationToken token = InvitationToken.fresh(COMPANY, "0123456789abcdef0123456789abcdef");
        assertThat(token.toString()).doesNotContain(token.secret()).contains(COMPANY);
    }

    @Test
    void anInvitationIdIsTheAddressHashedNotTheAddress() {
        String id = Invitation.idOf(EmailAddress.parse("Ceo@Acme.test"));
        assertThat(id).matches("[0-9a-f]{32}").isEqualTo(Invitation.idOf(EmailAddress.parse("ceo@acme.test"))).doesNotContain("acme");
    }
}
