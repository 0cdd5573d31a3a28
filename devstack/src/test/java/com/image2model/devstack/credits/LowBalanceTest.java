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

    @Test
    void anAlertSesRefusedIsSentAgainByTheSweeperNotLost() throws Exception {
        String domain = "low-retry-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        var config = TestStack.get().cognito().config();
        LoginFlow flow = new LoginFlow(TestStack.get().cognito().url(), config.clientId(), config.callbackUrls().get(0));
        String token = flow.signUp("admin@" + domain, "Correct-Horse-9", null).accessToken();
        String company = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("company_id").asText();
        com.image2model.credits.LowBalanceAlerts alerts = CreditsModule.lowBalanceAlerts((c, available, threshold, notice) -> { });
        CreditLedger ledger = CreditsModule.ledger(alerts);

        // SES refuses the first two sends (its rate): the movement is done all the same, the crossing kept due.
        TestStack.get().cognito().refuseNextEmails(2);
        ledger.reserve(company, "a", com.image2model.devstack.identity.Api.TRIAL - 60, Instant.now().plusSeconds(600));
        assertThat(ledger.balance(company).available()).isEqualTo(60);
        assertThat(emailsTo("admin@" + domain)).as("refused by SES").isZero();
        // The sweeper's look a minute later: refused again, tried again after two minutes.
        assertThat(alerts.retryDue(Instant.now().plusSeconds(61), 500)).containsEntry("alertsFailed", 1).containsEntry("alertsSent", 0);
        assertThat(alerts.retryDue(Instant.now().plusSeconds(61), 500)).as("not due yet").containsEntry("alertsFailed", 0);
        assertThat(emailsTo("admin@" + domain)).isZero();
        assertThat(alerts.retryDue(Instant.now().plusSeconds(200), 500)).containsEntry("alertsSent", 1);
        assertThat(emailsTo("admin@" + domain)).as("told once, late rather than never").isEqualTo(1);
        assertThat(alerts.retryDue(Instant.now().plusSeconds(3600), 500)).as("sent: no longer due").containsEntry("alertsSent", 0);
        ledger.reserve(company, "b", 10, Instant.now().plusSeconds(600));
        assertThat(emailsTo("admin@" + domain)).as("the same crossing: told once").isEqualTo(1);

        // The deployed sweeper runs this retry too (its IAM lets it read the Due index and send).
        byte[] swept = TestStack.get().functions().invoke("SweeperFunction",
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(new ObjectMapper().readTree(swept).has("alertsSent")).as(new String(swept)).isTrue();
    }

    private static long emailsTo(String address) {
        return TestStack.get().cognito().outbox().stream().filter(m -> m.to().equals(address) && m.subject().contains("credits")).count();
    }
}
