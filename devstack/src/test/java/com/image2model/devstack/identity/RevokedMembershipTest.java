package com.image2model.devstack.identity;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.TestStack;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tokens outlive changes of membership (an access token lives 15 minutes, and the HTTP API's
 * authorizer keeps accepting it after a sign-out): every request checks the member record as it
 * is now, so the old token of a person who was demoted, deactivated or removed a moment ago is
 * refused at once with 403 membership_revoked, and nothing is created or spent.
 */
class RevokedMembershipTest {

    private static final String JOB = "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}";

    private record Team(String domain, String founder, String founderId, String second, String secondId, String companyId) {
    }

    /** A founder (admin) and a second person who joined by domain; the second is made an admin when asked. */
    private static Team team(String name, boolean secondIsAdmin) throws Exception {
        String domain = Api.domain(name);
        String founder = signUp("founder@" + domain, null).accessToken();
        String second = Api.joinAs(founder, "second@" + domain).accessToken();
        String secondId = claims(second).get("sub").asText();
        if (secondIsAdmin) {
            assertThat(call("PATCH", "/company/members/" + secondId, founder, "{\"role\": \"admin\"}").status()).isEqualTo(200);
            second = Api.login().signIn("second@" + domain, Api.PASSWORD).accessToken();
        }
        return new Team(domain, founder, claims(founder).get("sub").asText(), second, secondId, claims(founder).get("company_id").asText());
    }

    @Test
    void anAdminDemotedToMemberCannotInviteWithTheOldToken() throws Exception {
        Team team = team("demoted", true);
        assertThat(claims(team.second()).get("role").asText()).isEqualTo("admin");
        assertThat(call("PATCH", "/company/members/" + team.secondId(), team.founder(), "{\"role\": \"member\"}").status()).isEqualTo(200);

        Api.Answer invite = call("POST", "/company/invitations", team.second(), "{\"email\": \"new@" + team.domain() + "\"}");

        assertThat(invite.status()).isEqualTo(403);
        assertThat(invite.errorCode()).isEqualTo("membership_revoked");
        assertThat(emailClaimed("new@" + team.domain())).isFalse();
        // Nor change a project's budget or see the invoices (admins' work), with that token.
        assertThat(call("PATCH", "/projects/general", team.second(), "{\"budget\": 1}").errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/billing/invoices", team.second(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/projects/general", team.founder(), null).body().path("budget").isNull()).isTrue();
        // Signed in again, the person is a member: reads work, admin work is refused as for any member.
        String fresh = Api.login().signIn("second@" + team.domain(), Api.PASSWORD).accessToken();
        assertThat(call("GET", "/company/members", fresh, null).status()).isEqualTo(200);
        assertThat(call("POST", "/company/invitations", fresh, "{\"email\": \"new@" + team.domain() + "\"}").errorCode()).isEqualTo("admin_required");
    }

    @Test
    void aDeactivatedMembersTokenCreatesNoJobAndSpendsNothing() throws Exception {
        Team team = team("deactivated-jobs", false);
        long before = available(team.founder());
        assertThat(call("PATCH", "/company/members/" + team.secondId(), team.founder(), "{\"active\": false}").status()).isEqualTo(200);

        Api.Answer job = call("POST", "/jobs", team.second(), JOB);

        assertThat(job.status()).isEqualTo(403);
        assertThat(job.errorCode()).isEqualTo("membership_revoked");
        assertThat(available(team.founder())).isEqualTo(before);
        assertThat(call("GET", "/jobs", team.founder(), null).body().get("jobs")).isEmpty();
    }

    @Test
    void aDeactivatedMembersTokenReadsNeitherTheTeamNorTheCredits() throws Exception {
        Team team = team("deactivated-reads", false);
        assertThat(call("GET", "/company/members", team.second(), null).status()).isEqualTo(200);
        assertThat(call("PATCH", "/company/members/" + team.secondId(), team.founder(), "{\"active\": false}").status()).isEqualTo(200);

        for (String path : new String[] {"/company", "/company/members", "/credits", "/credits/ledger", "/usage", "/jobs", "/billing"}) {
            Api.Answer answer = call("GET", path, team.second(), null);
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.errorCode()).as(path).isEqualTo("membership_revoked");
        }
        // Reactivated, the same token works again: the check is the record as it is now.
        assertThat(call("PATCH", "/company/members/" + team.secondId(), team.founder(), "{\"active\": true}").status()).isEqualTo(200);
        assertThat(call("GET", "/credits", team.second(), null).status()).isEqualTo(200);
    }

    @Test
    void aRemovedMembersTokenCreatesNoJobAndReadsNothing() throws Exception {
        Team team = team("removed-member", false);
        long before = available(team.founder());
        assertThat(call("DELETE", "/company/members/" + team.secondId(), team.founder(), null).status()).isEqualTo(200);

        Api.Answer job = call("POST", "/jobs", team.second(), JOB);

        assertThat(job.status()).isEqualTo(403);
        assertThat(job.errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/credits", team.second(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(call("PATCH", "/jobs/j00000000000000000000", team.second(), "{\"name\": \"x\"}").errorCode())
                .isEqualTo("membership_revoked");
        assertThat(call("POST", "/credits/estimate", team.second(), "{\"quality\":\"low\",\"files\":1}").errorCode())
                .isEqualTo("membership_revoked");
        // The routes of projects, idempotent jobs and the gallery check it too.
        assertThat(call("POST", "/projects", team.second(), "{\"name\": \"Left behind\"}").errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/projects", team.second(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/models", team.second(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/projects", team.founder(), null).body().path("projects").toString()).doesNotContain("Left behind");
        assertThat(available(team.founder())).isEqualTo(before);
    }

    @Test
    void aRemovedAdminsTokenInvitesNobodyAndLeavesNoWayBackIn() throws Exception {
        Team team = team("removed-admin", true);
        assertThat(call("DELETE", "/company/members/" + team.secondId(), team.founder(), null).status()).isEqualTo(200);
        String outsider = "accomplice@" + Api.domain("elsewhere");

        Api.Answer invite = call("POST", "/company/invitations", team.second(), "{\"email\": \"" + outsider + "\", \"role\": \"admin\"}");

        assertThat(invite.status()).isEqualTo(403);
        assertThat(invite.errorCode()).isEqualTo("membership_revoked");
        assertThat(emailClaimed(outsider)).isFalse();
        assertThat(call("PATCH", "/company", team.second(), "{\"autoJoin\": false}").errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/company/invitations", team.second(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(call("DELETE", "/company/invitations/0123456789abcdef0123456789abcdef", team.second(), null).errorCode())
                .isEqualTo("membership_revoked");
        assertThat(call("POST", "/billing/checkout", team.second(), "{\"item\": \"pack_5000\"}").errorCode()).isEqualTo("membership_revoked");
        assertThat(call("GET", "/company/members", team.founder(), null).body().get("members"))
                .extracting(m -> m.get("email").asText()).containsExactly("founder@" + team.domain());
    }

    private static long available(String token) throws Exception {
        return call("GET", "/credits", token, null).body().get("available").asLong();
    }

    private static boolean emailClaimed(String email) {
        String table = TestStack.get().provisioner().ref("Table");
        return TestStack.get().aws().dynamoDb().getItem(g -> g.tableName(table).consistentRead(true).key(Map.of(
                "PK", AttributeValue.fromS("EMAIL#" + email), "SK", AttributeValue.fromS("EMAIL")))).hasItem();
    }
}
