package com.image2model.devstack.security;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.identity.Api;

/** What an admin or a sign-up could learn or plant that they should not. */
class SmallLeaksTest {

    /**
     * An invitation is an offer to the address, so the inviting admin learns nothing about it: an
     * address that belongs to another company answers exactly as a fresh one, nothing of it changes,
     * and only its owner, following the link, is told it cannot join two companies.
     */
    @Test
    void invitingAnAddressOfAnotherCompanyRevealsNothingAndChangesNothing() throws Exception {
        String ours = Api.domain("inviter");
        String theirs = Api.domain("secretive");
        String admin = signUp("boss@" + ours, "Inviter Ltd").accessToken();
        String someone = signUp("someone@" + theirs, "Very Secret Holdings").accessToken();
        String theirCompany = Api.claims(someone).get("company_id").asText();

        Api.Answer taken = call("POST", "/company/invitations", admin, "{\"email\": \"someone@" + theirs + "\"}");
        Api.Answer fresh = call("POST", "/company/invitations", admin, "{\"email\": \"nobody@" + Api.domain("fresh") + "\"}");

        assertThat(taken.status()).isEqualTo(201).isEqualTo(fresh.status());
        assertThat(Api.JSON.convertValue(taken.body(), java.util.Map.class).keySet())
                .isEqualTo(Api.JSON.convertValue(fresh.body(), java.util.Map.class).keySet());
        assertThat(taken.body().toString()).doesNotContain("Secret").doesNotContain("belongs").doesNotContain("account");
        // Their sign-in and company are untouched; following the link, only they are told why they cannot accept.
        assertThat(Api.login().signIn("someone@" + theirs, Api.PASSWORD).error()).isNull();
        assertThat(Api.claims(Api.login().signIn("someone@" + theirs, Api.PASSWORD).accessToken()).get("company_id").asText())
                .isEqualTo(theirCompany);
        Api.Answer accepted = call("POST", "/invitations/accept", null,
                "{\"token\": \"" + Api.invitationToken("someone@" + theirs) + "\", \"password\": \"" + Api.PASSWORD + "\"}");
        assertThat(accepted.errorCode()).isEqualTo("member_elsewhere");
        assertThat(accepted.body().toString()).doesNotContain("Very Secret");
        // A member of one's own company gets a plain answer: the admin sees the team anyway.
        assertThat(call("POST", "/company/invitations", admin, "{\"email\": \"boss@" + ours + "\"}").errorCode()).isEqualTo("already_member");
    }

    @Test
    void aCompanyNameGivenAtSignUpIsCleanedLikeJobNames() throws Exception {
        String token = signUp("founder@" + Api.domain("markup"), "<img src=x onerror=alert(1)> Studio").accessToken();

        String name = call("GET", "/company", token, null).body().get("name").asText();

        assertThat(name).doesNotContain("<").doesNotContain(">").doesNotContain("=").contains("Studio");
    }
}
