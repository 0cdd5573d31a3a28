package com.image2model.devstack.identity;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.platform.Settings;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Who joins a company: nobody by sign-up alone. A shared mailbox domain forms no company; a second
 * person of a company's domain asks to join and sees nothing until an admin approves; automatic
 * joining needs a domain the company proved with a DNS TXT record (looked up with a real DNS client
 * against the devstack's DNS), and is switched off when the record goes.
 */
class JoinRequestTest {

    private static final String SCHEDULED = "{\"detail-type\": \"Scheduled Event\", \"source\": \"aws.events\", \"detail\": {}}";

    private static boolean emailed(String to, String subjectPart) {
        return TestStack.get().cognito().outbox().stream().anyMatch(m -> m.to().equals(to) && m.subject().contains(subjectPart));
    }

    private static String table() {
        return TestStack.setting(Settings.TABLE_NAME);
    }

    /** The reproduction of the report: two strangers at hotmail.co.uk never share anything. */
    @Test
    void strangersAtASharedMailboxDomainEachGetTheirOwnWorkspace() throws Exception {
        long n = System.nanoTime();
        String attacker = signUp("attacker." + n + "@hotmail.co.uk", null).accessToken();
        String victim = signUp("victim." + n + "@hotmail.co.uk", null).accessToken();
        assertThat(claims(victim).get("company_id").asText()).isNotEqualTo(claims(attacker).get("company_id").asText());
        assertThat(claims(victim).get("role").asText()).isEqualTo("admin");
        Api.Answer job = call("POST", "/jobs", victim, "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}");
        assertThat(job.status()).isEqualTo(201);
        assertThat(call("GET", "/jobs", attacker, null).body().path("jobs")).isEmpty();
        assertThat(call("GET", "/company", attacker, null).body().path("personal").asBoolean()).isTrue();
        assertThat(call("GET", "/company", attacker, null).body().path("members").asInt()).isEqualTo(1);
    }

    @Test
    void aSecondPersonOfTheDomainWaitsForAnAdminWhoApprovesOrDeclines() throws Exception {
        String domain = Api.domain("studio");
        String admin = signUp("founder@" + domain, "Studio North").accessToken();
        String company = claims(admin).get("company_id").asText();
        assertThat(call("GET", "/company", admin, null).body().path("autoJoin").asBoolean()).as("off by default").isFalse();

        String waiting = signUp("newcomer@" + domain, null).accessToken();
        JsonNode waitingClaims = claims(waiting);
        assertThat(waitingClaims.has("company_id")).isFalse();
        assertThat(waitingClaims.get("join_status").asText()).isEqualTo("pending");
        // Nothing of the company: every company route refuses, with a code the web app shows as "waiting".
        for (String path : new String[] {"/jobs", "/company", "/company/members", "/credits", "/billing", "/company/join-requests"}) {
            Api.Answer refused = call("GET", path, waiting, null);
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.errorCode()).as(path).isEqualTo("join_pending");
        }
        Api.Answer own = call("GET", "/account/join-request", waiting, null);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body().path("status").asText()).isEqualTo("pending");
        assertThat(own.body().path("companyName").asText()).isEqualTo("Studio North");
        assertThat(emailed("founder@" + domain, "asks to join Studio North")).isTrue();

        // The admins see it; a member does not decide, another company's admin does not even see it.
        JsonNode requests = call("GET", "/company/join-requests", admin, null).body().path("requests");
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).path("email").asText()).isEqualTo("newcomer@" + domain);
        String requestId = requests.get(0).path("id").asText();
        String outsider = signUp("boss@" + Api.domain("elsewhere"), null).accessToken();
        assertThat(call("POST", "/company/join-requests/" + requestId + "/approve", outsider, null).status()).isEqualTo(404);
        assertThat(call("POST", "/company/join-requests/" + requestId + "/decline", outsider, null).status()).isEqualTo(404);
        assertThat(call("GET", "/company/join-requests", outsider, null).body().path("requests")).isEmpty();

        Api.Answer approved = call("POST", "/company/join-requests/" + requestId + "/approve", admin, "{\"role\": \"member\"}");
        assertThat(approved.status()).as("%s", approved.body()).isEqualTo(200);
        assertThat(call("POST", "/company/join-requests/" + requestId + "/approve", admin, null).status()).as("answered once").isEqualTo(404);
        assertThat(emailed("newcomer@" + domain, "you joined Studio North")).isTrue();
        String member = Api.login().signIn("newcomer@" + domain, Api.PASSWORD).accessToken();
        assertThat(claims(member).get("company_id").asText()).isEqualTo(company);
        assertThat(claims(member).get("role").asText()).isEqualTo("member");
        assertThat(call("GET", "/company/members", member, null).body().path("members")).hasSize(2);
        // A member cannot decide on the next one.
        String next = signUp("second@" + domain, null).accessToken();
        String nextId = claims(next).get("sub").asText();
        assertThat(call("POST", "/company/join-requests/" + nextId + "/approve", member, null).errorCode()).isEqualTo("admin_required");

        // Declined: told so, and they start a workspace of their own.
        assertThat(call("POST", "/company/join-requests/" + nextId + "/decline", admin, null).status()).isEqualTo(200);
        assertThat(emailed("second@" + domain, "your request to join Studio North")).isTrue();
        String declined = Api.login().signIn("second@" + domain, Api.PASSWORD).accessToken();
        assertThat(claims(declined).get("join_status").asText()).isEqualTo("declined");
        assertThat(call("GET", "/jobs", declined, null).errorCode()).isEqualTo("join_declined");
        assertThat(call("GET", "/account/join-request", declined, null).body().path("status").asText()).isEqualTo("declined");
        Api.Answer workspace = call("POST", "/account/workspace", declined, null);
        assertThat(workspace.status()).as("%s", workspace.body()).isEqualTo(201);
        String own2 = Api.login().signIn("second@" + domain, Api.PASSWORD).accessToken();
        assertThat(claims(own2).get("company_id").asText()).isNotEqualTo(company);
        assertThat(call("GET", "/company", own2, null).body().path("personal").asBoolean()).isTrue();
        assertThat(call("GET", "/company/members", admin, null).body().path("members")).hasSize(2);
        assertThat(call("POST", "/account/workspace", own2, null).errorCode()).isEqualTo("already_member");
    }

    @Test
    void someoneWaitingMayStartTheirOwnWorkspaceAndTheRequestGoes() throws Exception {
        String domain = Api.domain("impatient");
        String admin = signUp("founder@" + domain, null).accessToken();
        String waiting = signUp("eager@" + domain, null).accessToken();
        assertThat(call("GET", "/company/join-requests", admin, null).body().path("requests")).hasSize(1);
        assertThat(call("POST", "/account/workspace", waiting, null).status()).isEqualTo(201);
        assertThat(call("GET", "/company/join-requests", admin, null).body().path("requests")).isEmpty();
        String own = Api.login().signIn("eager@" + domain, Api.PASSWORD).accessToken();
        assertThat(claims(own).get("role").asText()).isEqualTo("admin");
        assertThat(claims(own).get("company_id").asText()).isNotEqualTo(claims(admin).get("company_id").asText());
    }

    @Test
    void automaticJoiningNeedsAVerifiedDomainAndGoesWithItsRecord() throws Exception {
        String domain = Api.domain("verified");
        String admin = signUp("founder@" + domain, "Verified Works").accessToken();
        String company = claims(admin).get("company_id").asText();

        Api.Answer refused = call("PATCH", "/company", admin, "{\"autoJoin\": true}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("domain_not_verified");
        JsonNode proof = call("GET", "/company/domain", admin, null).body();
        assertThat(proof.path("verified").asBoolean()).isFalse();
        assertThat(proof.at("/record/type").asText()).isEqualTo("TXT");
        assertThat(proof.at("/record/name").asText()).isEqualTo(domain);
        String value = proof.at("/record/value").asText();
        assertThat(value).startsWith("image2model-verification=").hasSizeGreaterThan(40);
        assertThat(call("GET", "/company/domain", admin, null).body().at("/record/value").asText()).as("the same token each time").isEqualTo(value);
        assertThat(call("POST", "/company/domain/verify", admin, null).errorCode()).isEqualTo("domain_not_verified");

        // Someone else's record at the domain proves nothing; the company's own does.
        TestStack.get().dns().addTxt(domain, "image2model-verification=0123456789abcdef0123456789abcdef");
        assertThat(call("POST", "/company/domain/verify", admin, null).errorCode()).isEqualTo("domain_not_verified");
        TestStack.get().dns().addTxt(domain, value);
        Api.Answer verified = call("POST", "/company/domain/verify", admin, null);
        assertThat(verified.status()).as("%s", verified.body()).isEqualTo(200);
        assertThat(verified.body().path("verified").asBoolean()).isTrue();
        assertThat(call("PATCH", "/company", admin, "{\"autoJoin\": true}").body().path("autoJoin").asBoolean()).isTrue();
        String joined = signUp("colleague@" + domain, null).accessToken();
        assertThat(claims(joined).get("company_id").asText()).isEqualTo(company);
        assertThat(claims(joined).get("role").asText()).isEqualTo("member");

        // The record goes: the periodic check turns verification and automatic joining off, and tells the admins.
        TestStack.get().dns().removeTxt(domain, value);
        TestStack.get().functions().invoke("DomainCheckFunction", SCHEDULED.getBytes());
        JsonNode after = call("GET", "/company", admin, null).body();
        assertThat(after.path("autoJoin").asBoolean()).isFalse();
        assertThat(after.path("domainVerified").asBoolean()).isFalse();
        assertThat(emailed("founder@" + domain, "automatic joining was turned off")).isTrue();
        assertThat(claims(signUp("latecomer@" + domain, null).accessToken()).has("company_id")).as("asks again").isFalse();
    }

    /** Companies that joined automatically before domains were verified: the check is their one-time migration. */
    @Test
    void automaticJoiningOnAnUnverifiedDomainIsSwitchedOffAndNeverAdmitsMeanwhile() throws Exception {
        String domain = Api.domain("legacy");
        String admin = signUp("founder@" + domain, null).accessToken();
        String company = claims(admin).get("company_id").asText();
        // As the data of an older version left it: autoJoin on, no verification.
        TestStack.get().aws().dynamoDb().updateItem(u -> u.tableName(table())
                .key(Map.of("PK", AttributeValue.fromS("C#" + company), "SK", AttributeValue.fromS("COMPANY")))
                .updateExpression("SET autoJoin = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
        assertThat(claims(signUp("walkin@" + domain, null).accessToken()).has("company_id")).as("unverified: a request").isFalse();
        TestStack.get().functions().invoke("DomainCheckFunction", SCHEDULED.getBytes());
        assertThat(call("GET", "/company", admin, null).body().path("autoJoin").asBoolean()).isFalse();
    }
}
