package com.image2model.devstack.identity;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Trial credits once per mailbox: +tags, Gmail's dots and an erased company do not bring another. */
class TrialTest {

    private static long available(String token) throws Exception {
        Api.Answer credits = call("GET", "/credits", token, null);
        assertThat(credits.status()).as("%s", credits.body()).isEqualTo(200);
        return credits.body().path("available").asLong();
    }

    @Test
    void addressVariantsOfOneMailboxGetOneTrial() throws Exception {
        String name = "mallory" + System.nanoTime();
        assertThat(available(signUp(name + "+1@gmail.com", null).accessToken())).isEqualTo(Api.TRIAL);
        assertThat(available(signUp(name + "+2@gmail.com", null).accessToken())).isZero();
        assertThat(available(signUp(name.charAt(0) + "." + name.substring(1) + "@googlemail.com", null).accessToken())).isZero();
        // Another mailbox still gets its own.
        assertThat(available(signUp("someone" + System.nanoTime() + "@gmail.com", null).accessToken())).isEqualTo(Api.TRIAL);
    }

    @Test
    void aCompanyErasedAndFoundedAgainStartsWithoutATrial() throws Exception {
        String domain = Api.domain("again");
        String first = signUp("founder@" + domain, "Again Studio").accessToken();
        assertThat(available(first)).isEqualTo(Api.TRIAL);
        String companyId = Api.claims(first).path("company_id").asText();
        assertThat(call("DELETE", "/company", first, "{\"confirm\": \"Again Studio\"}").status()).isEqualTo(202);
        long until = System.currentTimeMillis() + 30_000;
        while (call("GET", "/company", first, null).status() != 403 && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        String second = signUp("founder+new@" + domain, "Again Studio").accessToken();
        assertThat(Api.claims(second).path("company_id").asText()).isNotEqualTo(companyId);
        assertThat(available(second)).isZero();
    }
}
