package com.image2model.devstack.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.credits.CreditLedger;
import com.image2model.wiring.CreditsModule;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.LoginFlow;

/** Admins hear once when their credits fall below the threshold, through SES (the devstack's outbox). */
class LowBalanceTest {

    @Test
    void adminsAreEmailedOncePerCrossingBelowTheThreshold() throws Exception {
        String domain = "low-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        var config = TestStack.get().cognito().config();
        LoginFlow flow = new LoginFlow(TestStack.get().cognito().url(), config.clientId(), config.callbackUrls().get(0));
        String token = flow.signUp("admin@" + domain, "Correct-Horse-9", null).accessToken();
        com.image2model.devstack.identity.Api.joinAs(token, "member@" + domain);
        String company = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("company_id").asText();

        CreditLedger ledger = CreditsModule.ledger();
        ledger.reserve(company, "a", com.image2model.devstack.identity.Api.TRIAL - 80, Instant.now().plusSeconds(600));
        assertThat(emailsTo("admin@" + domain)).as("trial -> 80: still above 70").isZero();
        ledger.reserve(company, "b", 20, Instant.now().plusSeconds(600));
        assertThat(emailsTo("admin@" + domain)).as("80 -> 60: crossed").isEqualTo(1);
        ledger.reserve(company, "c", 20, Instant.now().plusSeconds(600));
        assertThat(emailsTo("admin@" + domain)).as("60 -> 40: already told").isEqualTo(1);
        assertThat(emailsTo("member@" + domain)).as("members are not told").isZero();

        ledger.grant(company, 500, "pack", "pack-" + company);
        ledger.reserve(company, "d", 480, Instant.now().plusSeconds(600));
        assertThat(emailsTo("admin@" + domain)).as("back above, then below again: told again").isEqualTo(2);
        assertThat(TestStack.get().cognito().outbox().stream().filter(m -> m.to().equals("admin@" + domain) && m.subject().contains("credits"))
                .findFirst().orElseThrow()
                .body()).contains("60 credits left");
    }

    private static long emailsTo(String address) {
        return TestStack.get().cognito().outbox().stream().filter(m -> m.to().equals(address) && m.subject().contains("credits")).count();
    }
}
