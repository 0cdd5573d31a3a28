package com.image2model.devstack.security;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.identity.Api;

/** What an admin or a sign-up could learn or plant that they should not. */
class SmallLeaksTest {

    @Test
    void invitingAnAddressOfAnotherCompanyNamesNoCompanyAndTellsNobody() throws Exception {
        String ours = Api.domain("inviter");
        String theirs = Api.domain("secretive");
        String admin = signUp("boss@" + ours, "Inviter Ltd").accessToken();
        signUp("someone@" + theirs, "Very Secret Holdings");
        int outboxBefore = com.image2model.devstack.TestStack.get().cognito().outbox().size();

        Api.Answer taken = call("POST", "/company/members", admin, "{\"email\": \"someone@" + theirs + "\"}");

        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.errorCode()).isEqualTo("cannot_invite");
        assertThat(taken.body().toString()).doesNotContain("Secret").doesNotContain("belongs").doesNotContain("already has an account");
        assertThat(com.image2model.devstack.TestStack.get().cognito().outbox()).hasSize(outboxBefore);
        // A member of one's own company gets a plain answer: the admin sees the team anyway.
        assertThat(call("POST", "/company/members", admin, "{\"email\": \"boss@" + ours + "\"}").errorCode()).isEqualTo("already_member");
    }

    @Test
    void aCompanyNameGivenAtSignUpIsCleanedLikeJobNames() throws Exception {
        String token = signUp("founder@" + Api.domain("markup"), "<img src=x onerror=alert(1)> Studio").accessToken();

        String name = call("GET", "/company", token, null).body().get("name").asText();

        assertThat(name).doesNotContain("<").doesNotContain(">").doesNotContain("=").contains("Studio");
    }
}
