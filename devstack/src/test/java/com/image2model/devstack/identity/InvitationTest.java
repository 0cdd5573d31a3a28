package com.image2model.devstack.identity;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.platform.Settings;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An invitation is an offer, not an account: nothing of the invited person exists until they open
 * the emailed link and accept it; a link is unguessable, stored hashed, expires after 7 days, can be
 * withdrawn or sent again; and an invitation never squats an address that another company owns.
 */
class InvitationTest {

    private static String table() {
        return TestStack.setting(Settings.TABLE_NAME);
    }

    private static boolean emailClaimed(String email) {
        return !TestStack.get().aws().dynamoDb().getItem(g -> g.tableName(table()).consistentRead(true)
                .key(Map.of("PK", AttributeValue.fromS("EMAIL#" + email), "SK", AttributeValue.fromS("EMAIL")))).item().isEmpty();
    }

    private static Api.Answer accept(String token, String password) throws Exception {
        return call("POST", "/invitations/accept", null, Api.JSON.writeValueAsString(
                password == null ? Map.of("token", token) : Map.of("token", token, "password", password)));
    }

    private static Api.Answer view(String token) throws Exception {
        return call("POST", "/invitations/view", null, Api.JSON.writeValueAsString(Map.of("token", token)));
    }

    @Test
    void anInvitationCreatesNothingUntilItsLinkIsAcceptedWithAChosenPassword() throws Exception {
        String domain = Api.domain("offer");
        String admin = signUp("owner@" + domain, "Offer Studio").accessToken();
        String invitee = "guest@" + domain;

        String token = Api.invite(admin, invitee, "admin");

        assertThat(TestStack.get().cognito().hasUser(invitee)).as("no account before acceptance").isFalse();
        assertThat(emailClaimed(invitee)).as("the address stays free").isFalse();
        JsonNode listed = call("GET", "/company/invitations", admin, null).body().path("invitations");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("status").asText()).isEqualTo("invited");
        assertThat(call("GET", "/company/members", admin, null).body().path("members")).hasSize(1);
        // The table holds the link's hash, never the link's secret.
        String secret = token.substring(token.lastIndexOf('.') + 1);
        assertThat(companyItems(claims(admin).get("company_id").asText()).toString()).doesNotContain(secret).contains("tokenHash");

        JsonNode offer = view(token).body();
        assertThat(offer.path("companyName").asText()).isEqualTo("Offer Studio");
        assertThat(offer.path("email").asText()).isEqualTo(invitee);
        assertThat(offer.path("account").asText()).isEqualTo("new");

        assertThat(accept(token, null).errorCode()).isEqualTo("password_required");
        Api.Answer weak = accept(token, "short");
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.errorCode()).isEqualTo("weak_password");
        assertThat(TestStack.get().cognito().hasUser(invitee)).as("a refused password leaves no account").isFalse();

        Api.Answer accepted = accept(token, "Chosen-Passw0rd");
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(201);
        assertThat(accepted.body().path("newAccount").asBoolean()).isTrue();
        LoginFlow.Result guest = Api.login().signIn(invitee, "Chosen-Passw0rd");
        assertThat(guest.error()).isNull();
        assertThat(claims(guest.accessToken()).get("company_id").asText()).isEqualTo(claims(admin).get("company_id").asText());
        assertThat(claims(guest.accessToken()).get("role").asText()).isEqualTo("admin");
        assertThat(call("GET", "/company/invitations", admin, null).body().path("invitations")).isEmpty();
        assertThat(call("GET", "/company", admin, null).body().path("members").asInt()).isEqualTo(2);
        assertThat(call("GET", "/company", admin, null).body().path("admins").asInt()).isEqualTo(2);

        // The link works once.
        assertThat(accept(token, "Chosen-Passw0rd").errorCode()).isEqualTo("already_accepted");
        assertThat(view(token).errorCode()).isEqualTo("already_accepted");
    }

    @Test
    void anotherCompanysPendingInvitationBlocksNeitherTheOwnersInvitationNorItsAutomaticJoining() throws Exception {
        String acme = Api.domain("acme-owner");
        String squatter = signUp("boss@" + Api.domain("squatter"), "Squatter Inc").accessToken();
        String acmeAdmin = signUp("founder@" + acme, "Acme").accessToken();

        // Acme's domain is not verified yet: the squatter's offer goes out, and changes nothing.
        String squatted = Api.invite(squatter, "ceo@" + acme, "member");
        String acmeInvitation = Api.invite(acmeAdmin, "ceo@" + acme, "admin");
        assertThat(Api.invitedMemberWithLastInvitation("ceo@" + acme).error()).isNull();
        assertThat(accept(squatted, Api.PASSWORD).errorCode()).isEqualTo("member_elsewhere");
        assertThat(acmeInvitation).isNotEqualTo(squatted);

        // Once Acme proved its domain, nobody else may invite its addresses.
        String value = call("GET", "/company/domain", acmeAdmin, null).body().at("/record/value").asText();
        TestStack.get().dns().addTxt(acme, value);
        assertThat(call("POST", "/company/domain/verify", acmeAdmin, null).status()).isEqualTo(200);
        Api.Answer refused = call("POST", "/company/invitations", squatter, "{\"email\": \"cfo@" + acme + "\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("domain_owned_elsewhere");
        assertThat(refused.body().toString()).doesNotContain("Acme");

        // An offer made before the domain was verified cannot be accepted after it, and never blocks automatic joining.
        String early = Api.domain("acme-late");
        String lateAdmin = signUp("founder@" + early, "Late Acme").accessToken();
        String earlyOffer = Api.invite(squatter, "dev@" + early, "member");
        TestStack.get().dns().addTxt(early, call("GET", "/company/domain", lateAdmin, null).body().at("/record/value").asText());
        assertThat(call("POST", "/company/domain/verify", lateAdmin, null).status()).isEqualTo(200);
        assertThat(call("PATCH", "/company", lateAdmin, "{\"autoJoin\": true}").status()).isEqualTo(200);
        assertThat(accept(earlyOffer, Api.PASSWORD).errorCode()).isEqualTo("domain_owned_elsewhere");
        String dev = signUp("dev@" + early, null).accessToken();
        assertThat(claims(dev).get("company_id").asText()).isEqualTo(claims(lateAdmin).get("company_id").asText());
    }

    @Test
    void aLinkCannotBeGuessedForgedOrMovedToAnotherCompany() throws Exception {
        String domain = Api.domain("forged");
        String admin = signUp("owner@" + domain, null).accessToken();
        String other = signUp("owner@" + Api.domain("forged-other"), null).accessToken();
        String token = Api.invite(admin, "guest@" + domain, "member");
        String[] parts = token.split("\\.");
        String otherCompany = claims(other).get("company_id").asText();

        List<String> forged = List.of(
                parts[0] + "." + parts[1] + "." + "A".repeat(43),                          // the right invitation, a guessed secret
                otherCompany + "." + parts[1] + "." + parts[2],                            // the secret moved to another company
                parts[0] + "." + "0".repeat(32) + "." + parts[2],                           // another invitation id
                token + "x", token.substring(1), "", "../../etc/passwd", parts[2]);
        Api.Answer unknown = view(parts[0] + "." + parts[1] + "." + "B".repeat(43));
        for (String attempt : forged) {
            Api.Answer viewed = view(attempt);
            Api.Answer accepted = accept(attempt, Api.PASSWORD);
            if (attempt.isEmpty()) {
                assertThat(viewed.errorCode()).isEqualTo("missing_token");
                continue;
            }
            assertThat(viewed.status()).as(attempt).isEqualTo(404);
            assertThat(viewed.body()).as("the same answer for every bad link").isEqualTo(unknown.body());
            assertThat(accepted.status()).as(attempt).isEqualTo(404);
        }
        assertThat(call("POST", "/invitations/accept", null, "[{\"token\": \"" + token + "\"}]").errorCode()).isEqualTo("invalid_json");
        assertThat(call("POST", "/invitations/accept", null, "{\"token\": 42}").errorCode()).isEqualTo("invalid_token");
        assertThat(TestStack.get().cognito().hasUser("guest@" + domain)).isFalse();
        // The real link still works after all that.
        assertThat(accept(token, Api.PASSWORD).status()).isEqualTo(201);
    }

    @Test
    void aWithdrawnResentOrExpiredLinkStopsWorking() throws Exception {
        String domain = Api.domain("lifecycle");
        String admin = signUp("owner@" + domain, null).accessToken();
        String companyId = claims(admin).get("company_id").asText();

        String first = Api.invite(admin, "a@" + domain, "member");
        String id = call("GET", "/company/invitations", admin, null).body().at("/invitations/0/id").asText();
        assertThat(call("POST", "/company/invitations", admin, "{\"email\": \"a@" + domain + "\"}").errorCode()).isEqualTo("already_invited");
        Api.Answer resent = call("POST", "/company/invitations/" + id + "/resend", admin, null);
        assertThat(resent.status()).isEqualTo(200);
        String second = Api.invitationToken("a@" + domain);
        assertThat(second).isNotEqualTo(first);
        assertThat(view(first).errorCode()).as("the earlier link").isEqualTo("invitation_not_found");
        assertThat(view(second).status()).isEqualTo(200);

        assertThat(call("DELETE", "/company/invitations/" + id, admin, null).status()).isEqualTo(200);
        assertThat(accept(second, Api.PASSWORD).errorCode()).as("a withdrawn link").isEqualTo("invitation_not_found");
        assertThat(call("DELETE", "/company/invitations/" + id, admin, null).status()).isEqualTo(404);
        assertThat(TestStack.get().cognito().hasUser("a@" + domain)).isFalse();

        // Seven days later (the stored expiry moved back), the link answers 410 and the Team page says "expired".
        String third = Api.invite(admin, "a@" + domain, "member");
        TestStack.get().aws().dynamoDb().updateItem(u -> u.tableName(table())
                .key(Map.of("PK", AttributeValue.fromS("C#" + companyId), "SK", AttributeValue.fromS("INVITE#" + id)))
                .updateExpression("SET expiresAt = :past")
                .expressionAttributeValues(Map.of(":past", AttributeValue.fromS(Instant.now().minusSeconds(60).toString()))));
        Api.Answer expired = accept(third, Api.PASSWORD);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.errorCode()).isEqualTo("invitation_expired");
        assertThat(call("GET", "/company/invitations", admin, null).body().at("/invitations/0/status").asText()).isEqualTo("expired");
        // An expired invitation is sent again (or replaced by a new one), and then works.
        assertThat(call("POST", "/company/invitations", admin, "{\"email\": \"a@" + domain + "\"}").status()).isEqualTo(201);
        assertThat(accept(Api.invitationToken("a@" + domain), Api.PASSWORD).status()).isEqualTo(201);
    }

    @Test
    void someoneWaitingOnAJoinRequestAcceptsWithTheirOwnAccount() throws Exception {
        String domain = Api.domain("waiting");
        String admin = signUp("owner@" + domain, null).accessToken();
        String waiting = signUp("walkin@" + domain, null).accessToken();
        assertThat(claims(waiting).get("join_status").asText()).isEqualTo("pending");
        // Asking to join already: the admin is pointed at the request.
        assertThat(call("POST", "/company/invitations", admin, "{\"email\": \"walkin@" + domain + "\"}").errorCode())
                .isEqualTo("join_requested");

        // Invited by another company instead, they accept with the account they have: no password asked.
        String other = signUp("boss@" + Api.domain("waiting-other"), "Other Studio").accessToken();
        String token = Api.invite(other, "walkin@" + domain, "member");
        assertThat(view(token).body().path("account").asText()).isEqualTo("existing");
        Api.Answer accepted = accept(token, null);
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(201);
        assertThat(accepted.body().path("newAccount").asBoolean()).isFalse();
        String member = Api.login().signIn("walkin@" + domain, Api.PASSWORD).accessToken();
        assertThat(claims(member).get("company_id").asText()).isEqualTo(claims(other).get("company_id").asText());
        assertThat(call("GET", "/company/join-requests", admin, null).body().path("requests")).as("the request went").isEmpty();
    }

    @Test
    void twentyConcurrentAcceptsOfOneLinkMakeOneMember() throws Exception {
        String domain = Api.domain("race");
        String admin = signUp("owner@" + domain, null).accessToken();
        String token = Api.invite(admin, "racer@" + domain, "member");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Api.Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Callable<Api.Answer> attempt = () -> accept(token, Api.PASSWORD);
                answers.add(pool.submit(attempt));
            }
            long created = 0;
            for (Future<Api.Answer> answer : answers) {
                int status = answer.get().status();
                assertThat(status).as(answer.get().body().toString()).isIn(201, 409);
                created += status == 201 ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(call("GET", "/company", admin, null).body().path("members").asInt()).isEqualTo(2);
        assertThat(Api.login().signIn("racer@" + domain, Api.PASSWORD).error()).isNull();
    }

    private static List<Map<String, AttributeValue>> companyItems(String companyId) {
        return TestStack.get().aws().dynamoDb().query(q -> q.tableName(table()).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("C#" + companyId)))).items();
    }
}
