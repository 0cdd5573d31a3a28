package com.image2model.devstack.identity;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.image2model.devstack.TestStack;
import com.image2model.platform.Settings;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Two companies; every company and member route tried across the tenant boundary and with bad
 * credentials. Every attempt is refused, and afterwards both companies are exactly as before.
 */
class CrossTenantTest {

    private static final List<String[]> ROUTES = List.of(
            new String[] {"GET", "/company", null},
            new String[] {"PATCH", "/company", "{\"autoJoin\": false}"},
            new String[] {"GET", "/company/members", null},
            new String[] {"GET", "/company/invitations", null},
            new String[] {"POST", "/company/invitations", "{\"email\": \"intruder@nowhere-corp.test\"}"},
            new String[] {"POST", "/company/invitations/{id}/resend", null},
            new String[] {"DELETE", "/company/invitations/{id}", null},
            new String[] {"PATCH", "/company/members/{id}", "{\"active\": false}"},
            new String[] {"DELETE", "/company/members/{id}", null},
            new String[] {"GET", "/company/join-requests", null},
            new String[] {"POST", "/company/join-requests/{id}/approve", "{\"role\": \"admin\"}"},
            new String[] {"POST", "/company/join-requests/{id}/decline", null},
            new String[] {"GET", "/company/domain", null},
            new String[] {"POST", "/company/domain/verify", null});

    private static String acmeAdmin;
    private static String acmeMember;
    private static String acmeMemberId;
    private static String globexAdmin;
    private static String globexAdminId;
    private static String globexMemberId;
    private static String acmeCompany;
    private static String globexCompany;
    private static String globexInvitationId;

    @BeforeAll
    static void twoCompanies() throws Exception {
        String acme = Api.domain("acme");
        String globex = Api.domain("globex");
        acmeAdmin = signUp("alice@" + acme, null).accessToken();
        acmeMember = Api.joinAs(acmeAdmin, "bob@" + acme).accessToken();
        globexAdmin = signUp("carol@" + globex, null).accessToken();
        String globexMember = Api.joinAs(globexAdmin, "dave@" + globex).accessToken();
        acmeMemberId = claims(acmeMember).get("sub").asText();
        globexAdminId = claims(globexAdmin).get("sub").asText();
        globexMemberId = claims(globexMember).get("sub").asText();
        acmeCompany = claims(acmeAdmin).get("company_id").asText();
        globexCompany = claims(globexAdmin).get("company_id").asText();
        globexInvitationId = call("POST", "/company/invitations", globexAdmin, "{\"email\": \"erin@" + globex + "\"}").body()
                .get("id").asText();
    }

    @Test
    void anotherCompanysMemberIdsAnswer404AndChangeNothing() throws Exception {
        Map<String, Object> before = snapshot();
        for (String target : List.of(globexAdminId, globexMemberId)) {
            assertThat(call("PATCH", "/company/members/" + target, acmeAdmin, "{\"active\": false}").status()).isEqualTo(404);
            assertThat(call("PATCH", "/company/members/" + target, acmeAdmin, "{\"role\": \"member\"}").status()).isEqualTo(404);
            assertThat(call("DELETE", "/company/members/" + target, acmeAdmin, null).status()).isEqualTo(404);
            assertThat(call("POST", "/company/join-requests/" + target + "/approve", acmeAdmin, null).status()).isEqualTo(404);
            assertThat(call("POST", "/company/join-requests/" + target + "/decline", acmeAdmin, null).status()).isEqualTo(404);
        }
        // Another company's invitation answers as an invitation that does not exist.
        Api.Answer noInvitation = call("DELETE", "/company/invitations/0123456789abcdef0123456789abcdef", acmeAdmin, null);
        assertThat(noInvitation.status()).isEqualTo(404);
        assertThat(call("DELETE", "/company/invitations/" + globexInvitationId, acmeAdmin, null).body()).isEqualTo(noInvitation.body());
        assertThat(call("POST", "/company/invitations/" + globexInvitationId + "/resend", acmeAdmin, null).body())
                .isEqualTo(noInvitation.body());
        assertThat(call("GET", "/company/invitations", acmeAdmin, null).body().get("invitations"))
                .extracting(i -> i.get("id").asText()).doesNotContain(globexInvitationId);
        // The same answer as for an id that exists nowhere.
        Api.Answer unknown = call("DELETE", "/company/members/00000000-0000-0000-0000-000000000000", acmeAdmin, null);
        Api.Answer foreign = call("DELETE", "/company/members/" + globexMemberId, acmeAdmin, null);
        assertThat(foreign.body()).isEqualTo(unknown.body());

        assertThat(call("GET", "/company/members", acmeAdmin, null).body().get("members"))
                .extracting(m -> m.get("id").asText()).doesNotContain(globexAdminId, globexMemberId);
        assertThat(call("GET", "/company", acmeAdmin, null).body().get("id").asText()).isEqualTo(acmeCompany);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void everyRouteRefusesMissingForgedExpiredForeignAndIdTokens() throws Exception {
        Map<String, Object> before = snapshot();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("no token", null);
        bad.put("not a JWT", "not-a-token");
        bad.put("signed with another key", forged(claimsOf(acmeAdmin)));
        Map<String, Object> moved = claimsOf(acmeAdmin);
        moved.put("company_id", globexCompany);
        bad.put("claims changed after signing", tamper(acmeAdmin, moved));
        Map<String, Object> expired = claimsOf(acmeAdmin);
        expired.put("exp", Instant.now().minusSeconds(60).getEpochSecond());
        bad.put("expired", TestStack.get().cognito().sign(expired));
        Map<String, Object> otherIssuer = claimsOf(acmeAdmin);
        otherIssuer.put("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneElse");
        bad.put("another issuer", TestStack.get().cognito().sign(otherIssuer));
        Map<String, Object> otherClient = claimsOf(acmeAdmin);
        otherClient.put("client_id", "another-app-client");
        bad.put("another app client", TestStack.get().cognito().sign(otherClient));
        bad.put("an ID token", Api.login().signIn(claims(acmeAdmin).get("email").asText(), Api.PASSWORD).idToken());
        Map<String, Object> noCompany = claimsOf(acmeAdmin);
        noCompany.remove("company_id");
        bad.put("no company claim", TestStack.get().cognito().sign(noCompany));

        List<String> accepted = new ArrayList<>();
        bad.forEach((what, token) -> {
            for (String[] route : ROUTES) {
                try {
                    String id = route[1].startsWith("/company/invitations") ? globexInvitationId : globexMemberId;
                    Api.Answer answer = call(route[0], route[1].replace("{id}", id), token, route[2]);
                    if (answer.status() != 401 && answer.status() != 403) {
                        accepted.add(what + ": " + route[0] + " " + route[1] + " -> " + answer.status());
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertThat(accepted).isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aMemberWhoIsNotAnAdminCannotInviteChangeRolesOrDeactivate() throws Exception {
        Map<String, Object> before = snapshot();
        String adminId = claims(acmeAdmin).get("sub").asText();
        assertThat(call("POST", "/company/invitations", acmeMember, "{\"email\": \"friend@example-corp.test\"}").status()).isEqualTo(403);
        assertThat(call("GET", "/company/invitations", acmeMember, null).status()).isEqualTo(403);
        assertThat(call("PATCH", "/company/members/" + acmeMemberId, acmeMember, "{\"role\": \"admin\"}").status()).isEqualTo(403);
        assertThat(call("PATCH", "/company/members/" + adminId, acmeMember, "{\"active\": false}").status()).isEqualTo(403);
        assertThat(call("DELETE", "/company/members/" + adminId, acmeMember, null).status()).isEqualTo(403);
        assertThat(call("PATCH", "/company", acmeMember, "{\"autoJoin\": false}").status()).isEqualTo(403);
        assertThat(call("GET", "/company/members", acmeMember, null).status()).isEqualTo(200);
        assertThat(snapshot()).isEqualTo(before);
    }

    /** Every item of both companies, and whether each person can still sign in. */
    private static Map<String, Object> snapshot() throws Exception {
        Map<String, Object> state = new LinkedHashMap<>();
        String table = com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME);
        for (String company : List.of(acmeCompany, globexCompany)) {
            state.put(company, TestStack.get().aws().dynamoDb().query(q -> q.tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("C#" + company))))
                    // Rate counters count refused requests too, and the sign-ins below record themselves: neither is the company's state.
                    .items().stream().filter(item -> !item.get("SK").s().startsWith("RATE#")).map(item -> {
                        java.util.Map<String, AttributeValue> copy = new java.util.TreeMap<>(item);
                        copy.remove("lastSignInAt");
                        return copy;
                    }).toList().toString());
        }
        for (String token : List.of(acmeAdmin, acmeMember, globexAdmin)) {
            String email = claims(token).get("email").asText();
            state.put(email, Api.login().signIn(email, Api.PASSWORD).error() == null);
        }
        return state;
    }

    private static Map<String, Object> claimsOf(String token) throws Exception {
        return Api.JSON.convertValue(claims(token), new TypeReference<>() { });
    }

    private static String forged(Map<String, Object> claims) {
        return Jwt.sign(Jwt.SigningKey.generate(), claims);
    }

    /** The same header and signature over other claims. */
    private static String tamper(String token, Map<String, Object> claims) throws Exception {
        String[] parts = token.split("\\.");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(Api.JSON.writeValueAsBytes(claims)) + "." + parts[2];
    }
}
