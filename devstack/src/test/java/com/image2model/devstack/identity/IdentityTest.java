package com.image2model.devstack.identity;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.platform.Settings;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Sign-up, login, companies and members, through the devstack's login pages and API as a person uses them. */
class IdentityTest {

    @Test
    void twoPeopleOfOneDomainShareACompanyAndAnotherDomainGetsItsOwn() throws Exception {
        String acme = Api.domain("acme");
        String globex = Api.domain("globex");
        LoginFlow.Result first = signUp("alice@" + acme, "Acme Design");
        LoginFlow.Result second = Api.joinAs(first.accessToken(), "bob@" + acme);
        LoginFlow.Result other = signUp("carol@" + globex, null);

        JsonNode alice = claims(first.accessToken());
        JsonNode bob = claims(second.accessToken());
        JsonNode carol = claims(other.accessToken());
        assertThat(alice.get("role").asText()).isEqualTo("admin");
        assertThat(bob.get("role").asText()).isEqualTo("member");
        assertThat(bob.get("company_id").asText()).isEqualTo(alice.get("company_id").asText());
        assertThat(carol.get("company_id").asText()).isNotEqualTo(alice.get("company_id").asText());
        assertThat(carol.get("role").asText()).isEqualTo("admin");
        // The ID token carries the same claims, and says what it is.
        assertThat(claims(first.idToken()).get("company_id").asText()).isEqualTo(alice.get("company_id").asText());
        assertThat(claims(first.idToken()).get("token_use").asText()).isEqualTo("id");

        Api.Answer company = call("GET", "/company", first.accessToken(), null);
        assertThat(company.status()).isEqualTo(200);
        assertThat(company.body().get("name").asText()).isEqualTo("Acme Design");
        assertThat(company.body().get("domain").asText()).isEqualTo(acme);
        assertThat(company.body().get("members").asInt()).isEqualTo(2);
        assertThat(call("GET", "/company", other.accessToken(), null).body().get("name").asText())
                .as("named from the domain when the founder gave no name").startsWith("Globex");

        Api.Answer members = call("GET", "/company/members", second.accessToken(), null);
        assertThat(members.body().get("members")).extracting(m -> m.get("email").asText())
                .containsExactly("alice@" + acme, "bob@" + acme);

        assertTrialGrantedOnce(alice.get("company_id").asText());
        assertTrialGrantedOnce(carol.get("company_id").asText());
    }

    @Test
    void aRetriedPostConfirmationCreatesNothingTwice() throws Exception {
        String email = "dora@" + Api.domain("retry");
        String token = signUp(email, null).accessToken();
        String companyId = claims(token).get("company_id").asText();
        String sub = claims(token).get("sub").asText();

        // Cognito retries a trigger that timed out: the same event again, twice.
        for (int i = 0; i < 2; i++) {
            TestStack.get().functions().invoke("PostConfirmationFunction", Api.JSON.writeValueAsBytes(Map.of(
                    "version", "1", "triggerSource", "PostConfirmation_ConfirmSignUp", "userName", sub,
                    "request", Map.of("userAttributes", Map.of("sub", sub, "email", email)), "response", Map.of())));
        }
        assertTrialGrantedOnce(companyId);
        assertThat(memberCount(companyId)).isEqualTo(1);
        assertThat(call("GET", "/company", token, null).body().get("members").asInt()).isEqualTo(1);
    }

    @Test
    void freeMailAddressesGetPersonalCompaniesAndBlockedDomainsCannotSignUp() throws Exception {
        String first = claims(signUp("sam." + System.nanoTime() + "@gmail.com", null).accessToken()).get("company_id").asText();
        String second = claims(signUp("kim." + System.nanoTime() + "@gmail.com", null).accessToken()).get("company_id").asText();
        assertThat(first).isNotEqualTo(second);

        LoginFlow.Result blocked = Api.login().signUp("spam@mailinator.com", Api.PASSWORD, null);
        assertThat(blocked.error()).contains("not accepted");
    }

    @Test
    void aWalkInAsksToJoinWhileAnInvitationAdmits() throws Exception {
        String domain = Api.domain("closed");
        String admin = signUp("owner@" + domain, null).accessToken();
        assertThat(call("PATCH", "/company", admin, "{\"autoJoin\": false}").body().get("autoJoin").asBoolean()).isFalse();

        LoginFlow.Result walkIn = signUp("walkin@" + domain, null);
        assertThat(claims(walkIn.accessToken()).has("company_id")).isFalse();
        assertThat(claims(walkIn.accessToken()).get("join_status").asText()).isEqualTo("pending");

        // An invitation admits without an admin's second decision: the invitee accepts through the emailed link.
        LoginFlow.Result guest = Api.invitedMember(admin, "guest@" + domain, "member");
        assertThat(claims(guest.accessToken()).get("role").asText()).isEqualTo("member");
        assertThat(claims(guest.accessToken()).get("company_id").asText()).isEqualTo(claims(admin).get("company_id").asText());
    }

    @Test
    void adminsChangeRolesDeactivateReactivateAndRemoveButNeverTheLastAdmin() throws Exception {
        String domain = Api.domain("team");
        String admin = signUp("ada@" + domain, null).accessToken();
        String member = Api.joinAs(admin, "ben@" + domain).accessToken();
        String adaId = claims(admin).get("sub").asText();
        String benId = claims(member).get("sub").asText();

        assertThat(call("PATCH", "/company/members/" + adaId, admin, "{\"role\": \"member\"}").errorCode()).isEqualTo("last_admin");
        assertThat(call("PATCH", "/company/members/" + adaId, admin, "{\"active\": false}").errorCode()).isEqualTo("last_admin");
        assertThat(call("DELETE", "/company/members/" + adaId, admin, null).errorCode()).isEqualTo("last_admin");

        assertThat(call("PATCH", "/company/members/" + benId, admin, "{\"active\": false}").body().get("active").asBoolean()).isFalse();
        assertThat(Api.login().signIn("ben@" + domain, Api.PASSWORD).error()).contains("disabled");
        assertThat(call("PATCH", "/company/members/" + benId, admin, "{\"active\": true}").status()).isEqualTo(200);
        assertThat(Api.login().signIn("ben@" + domain, Api.PASSWORD).error()).isNull();

        assertThat(call("PATCH", "/company/members/" + benId, admin, "{\"role\": \"admin\"}").body().get("role").asText()).isEqualTo("admin");
        // Two admins now: Ada may step down.
        assertThat(call("PATCH", "/company/members/" + adaId, admin, "{\"role\": \"member\"}").status()).isEqualTo(200);
        String benAgain = Api.login().signIn("ben@" + domain, Api.PASSWORD).accessToken();
        assertThat(call("DELETE", "/company/members/" + adaId, benAgain, null).status()).isEqualTo(200);
        assertThat(call("GET", "/company/members", benAgain, null).body().get("members")).extracting(m -> m.get("email").asText())
                .containsExactly("ben@" + domain);
        assertThat(Api.login().signIn("ada@" + domain, Api.PASSWORD).error()).contains("Incorrect username or password");

        assertThat(call("PATCH", "/company/members/" + benId, benAgain, "{\"role\": \"boss\"}").errorCode()).isEqualTo("invalid_role");
        assertThat(call("PATCH", "/company/members/" + benId, benAgain, "{}").errorCode()).isEqualTo("nothing_to_change");
        assertThat(call("POST", "/company/invitations", benAgain, "{\"email\": \"not-an-email\"}").errorCode()).isEqualTo("invalid_email");
        assertThat(call("POST", "/company/invitations", benAgain, "{\"email\": ").errorCode()).isEqualTo("invalid_json");
    }


    private static void assertTrialGrantedOnce(String companyId) {
        String table = com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME);
        List<Map<String, AttributeValue>> ledger = TestStack.get().aws().dynamoDb().query(q -> q.tableName(table)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :ledger)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("C#" + companyId), ":ledger", AttributeValue.fromS("LEDGER#"))))
                .items();
        assertThat(ledger).hasSize(1);
        assertThat(ledger.get(0).get("type").s()).isEqualTo("GRANT");
        assertThat(ledger.get(0).get("amount").n()).isEqualTo(String.valueOf(Api.TRIAL));
        Map<String, AttributeValue> balance = TestStack.get().aws().dynamoDb().getItem(g -> g.tableName(table)
                .key(Map.of("PK", AttributeValue.fromS("C#" + companyId), "SK", AttributeValue.fromS("BALANCE")))).item();
        assertThat(balance.get("available").n()).isEqualTo(String.valueOf(Api.TRIAL));
    }

    private static long memberCount(String companyId) {
        String table = com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME);
        return StreamSupport.stream(TestStack.get().aws().dynamoDb().queryPaginator(q -> q.tableName(table)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :m)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("C#" + companyId), ":m", AttributeValue.fromS("MEMBER#"))))
                .items().spliterator(), false).count();
    }
}
