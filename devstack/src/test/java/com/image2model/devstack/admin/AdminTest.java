package com.image2model.devstack.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.identity.LoginFlow;
import com.image2model.devstack.template.SamTemplate;

/**
 * The operator console's API through the real front: only operators get in; an operator's
 * adjustment of one company changes only it; suspension and disabling take effect at sign-in and
 * on the API at once; every action is audited once, with before and after.
 */
class AdminTest {

    private record Company(String id, String adminEmail, String adminToken, String memberEmail, String memberToken, String memberId) {
    }

    private static String operatorToken;
    private static Company acme;
    private static Company globex;

    private static Company company(String name) throws Exception {
        String domain = Api.domain(name);
        String adminEmail = "boss@" + domain;
        String adminToken = Api.signUp(adminEmail, name).accessToken();
        String memberEmail = "staff@" + domain;
        String memberToken = Api.joinAs(adminToken, memberEmail).accessToken();
        return new Company(Api.claims(adminToken).path("company_id").asText(), adminEmail, adminToken, memberEmail, memberToken,
                Api.claims(memberToken).path("sub").asText());
    }

    @BeforeAll
    static void setUp() throws Exception {
        acme = company("Acme Operated");
        globex = company("Globex Operated");
        String email = "ops@" + Api.domain("platform-ops");
        Api.signUp(email, "Platform Ops");
        TestStack.get().cognito().addToGroup(email, "operators");
        operatorToken = Api.login().signIn(email, Api.PASSWORD).accessToken();
    }

    private static long available(Company company) throws Exception {
        return Api.call("GET", "/admin/companies/" + company.id(), operatorToken, null).body().at("/balance/available").asLong();
    }

    private static List<JsonNode> audit() throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        Api.call("GET", "/admin/audit", operatorToken, null).body().path("entries").forEach(entries::add);
        return entries;
    }

    @Test
    void everyAdminRouteRefusesEveryoneButOperators() throws Exception {
        String idToken = String.valueOf(Api.login().signIn(acme.adminEmail(), Api.PASSWORD).tokens().get("id_token"));
        List<String> checked = new ArrayList<>();
        for (SamTemplate.FunctionDef function : TestStack.get().template().functions()) {
            for (SamTemplate.HttpRoute route : function.routes()) {
                if (!route.path().startsWith("/admin")) {
                    continue;
                }
                String path = route.path().replace("{id}", acme.id()).replace("{sub}", acme.memberId());
                String body = route.method().equals("POST") ? "{\"amount\": 500, \"reason\": \"an attempt\"}" : null;
                assertThat(Api.call(route.method(), path, null, body).status()).as("no token: %s", route).isEqualTo(401);
                assertThat(Api.call(route.method(), path, idToken, body).status()).as("ID token: %s", route).isIn(401, 403);
                for (String token : List.of(acme.adminToken(), acme.memberToken(), globex.adminToken())) {
                    Api.Answer answer = Api.call(route.method(), path, token, body);
                    assertThat(answer.status()).as("%s as a company's person", route).isEqualTo(403);
                    assertThat(answer.errorCode()).isEqualTo("operators_only");
                }
                checked.add(route.method() + " " + route.path());
            }
        }
        assertThat(checked).contains("GET /admin/companies", "POST /admin/companies/{id}/credits", "POST /admin/users/{sub}/disable", "GET /admin/audit");
        // Nothing those attempts tried happened.
        assertThat(audit()).noneMatch(e -> e.path("reason").asText().equals("an attempt"));
        assertThat(Api.login().signIn(acme.memberEmail(), Api.PASSWORD).error()).isNull();
    }

    @Test
    void anAdjustmentChangesOnlyItsCompanyAndIsAuditedOnceWithBeforeAndAfter() throws Exception {
        long acmeBefore = available(acme);
        long globexBefore = available(globex);
        String reason = "goodwill for the outage " + System.nanoTime();
        String body = "{\"amount\": 500, \"reason\": \"" + reason + "\"}";

        Api.Answer granted = Api.call("POST", "/admin/companies/" + acme.id() + "/credits", operatorToken, body);

        assertThat(granted.status()).as("%s", granted.body()).isEqualTo(200);
        assertThat(granted.body().path("available").asLong()).isEqualTo(acmeBefore + 500);
        assertThat(available(acme)).isEqualTo(acmeBefore + 500);
        assertThat(available(globex)).isEqualTo(globexBefore);
        JsonNode ledger = Api.call("GET", "/credits/ledger", acme.adminToken(), null).body().at("/entries/0");
        assertThat(ledger.path("type").asText()).isEqualTo("ADJUST");
        assertThat(ledger.path("reference").asText()).isEqualTo(reason);
        List<JsonNode> entries = audit().stream().filter(e -> e.path("reason").asText().equals(reason)).toList();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).path("action").asText()).isEqualTo("credits.grant");
        assertThat(entries.get(0).path("companyId").asText()).isEqualTo(acme.id());
        assertThat(entries.get(0).path("before").asText()).isEqualTo("available=" + acmeBefore);
        assertThat(entries.get(0).path("after").asText()).isEqualTo("available=" + (acmeBefore + 500));
        assertThat(entries.get(0).path("operatorEmail").asText()).startsWith("ops@");
        // The directory and the company page show it; the page shows when each member last signed in.
        JsonNode listed = null;
        for (JsonNode row : Api.call("GET", "/admin/companies?query=acme%20operated", operatorToken, null).body().path("companies")) {
            if (row.path("companyId").asText().equals(acme.id())) {
                listed = row;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("available").asLong()).isEqualTo(acmeBefore + 500);
        assertThat(listed.path("members").asInt()).isEqualTo(2);
        JsonNode page = Api.call("GET", "/admin/companies/" + acme.id(), operatorToken, null).body();
        assertThat(page.at("/members/0/lastSignInAt").asText()).isNotBlank();

        // Taking more than is there: refused, with the most that can be taken.
        Api.Answer tooMuch = Api.call("POST", "/admin/companies/" + acme.id() + "/credits", operatorToken,
                "{\"amount\": -1000000, \"reason\": \"claw back\"}");
        assertThat(tooMuch.status()).isEqualTo(409);
        assertThat(tooMuch.errorCode()).isEqualTo("would_go_negative");
        assertThat(tooMuch.body().at("/error/message").asText()).contains("at most " + (acmeBefore + 500));
        // Bad input.
        for (String bad : List.of("{\"amount\": 5}", "{\"amount\": 5, \"reason\": \"no\"}", "{\"amount\": 0, \"reason\": \"zero credits\"}",
                "{\"amount\": \"5\", \"reason\": \"a string\"}", "{\"amount\": 99999999999, \"reason\": \"overflowing\"}", "[]")) {
            assertThat(Api.call("POST", "/admin/companies/" + acme.id() + "/credits", operatorToken, bad).status()).as(bad).isEqualTo(400);
        }
        assertThat(Api.call("POST", "/admin/companies/no-such-company/credits", operatorToken, body).status()).isEqualTo(404);
        assertThat(available(acme)).isEqualTo(acmeBefore + 500);
        assertThat(available(globex)).isEqualTo(globexBefore);
    }

    private static Api.Answer postWithKey(String path, String body, String key) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(TestStack.get().front().url() + path)).header("Authorization", "Bearer " + operatorToken)
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        com.image2model.devstack.api.ApiContract.checked(response);
        return new Api.Answer(response.statusCode(), Api.JSON.readTree(response.body()));
    }

    @Test
    void aRetriedAdjustmentWithItsIdempotencyKeyMovesCreditsOnceAndIsAuditedOnce() throws Exception {
        Company company = company("Retried Grant");
        long before = available(company);
        String reason = "retried grant " + System.nanoTime();
        String body = "{\"amount\": 300, \"reason\": \"" + reason + "\"}";
        String key = "grant-" + Long.toHexString(System.nanoTime());

        Api.Answer first = postWithKey("/admin/companies/" + company.id() + "/credits", body, key);
        Api.Answer again = postWithKey("/admin/companies/" + company.id() + "/credits", body, key);

        assertThat(first.status()).as("%s", first.body()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().at("/entry/sequence").asLong()).isEqualTo(first.body().at("/entry/sequence").asLong());
        assertThat(available(company)).isEqualTo(before + 300);
        long adjusts = 0;
        for (JsonNode entry : Api.call("GET", "/credits/ledger", company.adminToken(), null).body().path("entries")) {
            if (entry.path("type").asText().equals("ADJUST")) {
                adjusts++;
            }
        }
        assertThat(adjusts).isEqualTo(1);
        assertThat(audit().stream().filter(e -> e.path("reason").asText().equals(reason))).hasSize(1);
        // A new key is a new adjustment; a key that cannot be one is refused.
        assertThat(postWithKey("/admin/companies/" + company.id() + "/credits", body, key + "-2").status()).isEqualTo(200);
        assertThat(available(company)).isEqualTo(before + 600);
        assertThat(postWithKey("/admin/companies/" + company.id() + "/credits", body, "bad key!").errorCode()).isEqualTo("invalid_idempotency_key");
    }

    @Test
    void aSuspendedCompanyGetsNoTokensNoApiAndNoNewJobsUntilItIsLifted() throws Exception {
        Company company = company("Suspendable");
        long before = available(company);
        String reason = "chargebacks under review " + System.nanoTime();

        assertThat(Api.call("POST", "/admin/companies/" + company.id() + "/suspend", operatorToken, "{\"reason\": \"" + reason + "\"}").status())
                .isEqualTo(200);

        LoginFlow.Result refused = Api.login().signIn(company.adminEmail(), Api.PASSWORD);
        assertThat(refused.error()).contains("suspended");
        Api.Answer api = Api.call("GET", "/company", company.adminToken(), null);
        assertThat(api.status()).isEqualTo(403);
        assertThat(api.errorCode()).isEqualTo("company_suspended");
        String job = "{\"quality\": \"low\", \"files\": [{\"name\": \"a.jpg\", \"contentType\": \"image/jpeg\", \"size\": 50000}]}";
        assertThat(Api.call("POST", "/jobs", company.memberToken(), job).errorCode()).isEqualTo("company_suspended");
        assertThat(available(company)).isEqualTo(before);
        JsonNode listed = Api.call("GET", "/admin/companies?query=suspendable", operatorToken, null).body().path("companies");
        assertThat(listed.findValuesAsText("companyId")).contains(company.id());
        // Others are untouched.
        assertThat(Api.call("GET", "/company", acme.adminToken(), null).status()).isEqualTo(200);

        assertThat(Api.call("POST", "/admin/companies/" + company.id() + "/unsuspend", operatorToken, null).status()).isEqualTo(200);
        assertThat(Api.call("POST", "/admin/companies/" + company.id() + "/unsuspend", operatorToken, null).errorCode()).isEqualTo("not_suspended");

        String token = Api.login().signIn(company.adminEmail(), Api.PASSWORD).accessToken();
        assertThat(Api.call("POST", "/jobs", token, job).status()).isEqualTo(201);
        List<JsonNode> entries = audit().stream().filter(e -> e.path("companyId").asText().equals(company.id())).toList();
        assertThat(entries).extracting(e -> e.path("action").asText()).containsExactly("company.unsuspend", "company.suspend");
        assertThat(entries.get(1).path("before").asText()).isEqualTo("active");
        assertThat(entries.get(1).path("after").asText()).isEqualTo("suspended: " + reason);
    }

    private static java.net.http.HttpResponse<String> raw(String path, String token) throws Exception {
        return com.image2model.devstack.api.ApiContract.checked(java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(TestStack.get().front().url() + path))
                        .header("Authorization", "Bearer " + token).build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void theCsvDownloadsHoldTheSameFiguresAndDefuseFormulas() throws Exception {
        String domain = Api.domain("csv-check");
        String token = Api.signUp("boss@" + domain, "=HYPERLINK(\"http://evil.test\")").accessToken();
        var companies = raw("/admin/export/companies.csv", operatorToken);
        assertThat(companies.statusCode()).isEqualTo(200);
        assertThat(companies.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(companies.body()).startsWith("id,name,domain,plan,status,suspended,members,available,held,imagesThisMonth,revenueToDateCents,createdAt\r\n");
        assertThat(companies.body()).contains(acme.id()).contains(globex.id());
        // No cell a spreadsheet would run (sign-up cleans names already; Csv defuses what is left: CsvTest).
        assertThat(companies.body()).doesNotContain(",=").doesNotContain(",+").doesNotContain(",@");
        var metrics = raw("/admin/export/metrics.csv", operatorToken);
        assertThat(metrics.statusCode()).isEqualTo(200);
        String[] lines = metrics.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("day,revenueCents,imagesDone,newCompanies");
        assertThat(lines).hasSize(1 + java.time.YearMonth.now(java.time.ZoneOffset.UTC).lengthOfMonth());
        assertThat(raw("/admin/export/companies.csv", acme.adminToken()).statusCode()).isEqualTo(403);

        // The company admin's usage report; members may not download it.
        var report = raw("/usage/report.csv", token);
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).startsWith("day,member,images,credits\r\n");
        assertThat(raw("/usage/report.csv", acme.memberToken()).statusCode()).isEqualTo(403);
        assertThat(raw("/usage/report.csv?from=2026-13-01", token).statusCode()).isEqualTo(400);
    }

    @Test
    void aDisabledPersonCannotSignInOrCallTheApiUntilEnabled() throws Exception {
        Company company = company("Disabling Co");
        String sub = company.memberId();
        assertThat(Api.call("POST", "/admin/users/" + sub + "/disable", operatorToken, "{}").errorCode()).isEqualTo("invalid_reason");
        assertThat(Api.call("POST", "/admin/users/" + sub + "/disable", operatorToken, "{\"reason\": \"abuse report 17\"}").status()).isEqualTo(200);

        assertThat(Api.call("GET", "/jobs", company.memberToken(), null).errorCode()).isEqualTo("membership_revoked");
        assertThat(Api.login().signIn(company.memberEmail(), Api.PASSWORD).error()).isNotNull();
        // The company's admin is not affected, and cannot undo an operator's block by deactivating and reactivating.
        assertThat(Api.call("GET", "/jobs", company.adminToken(), null).status()).isEqualTo(200);
        assertThat(Api.call("PATCH", "/company/members/" + sub, company.adminToken(), "{\"active\": false}").status()).isEqualTo(200);
        assertThat(Api.call("PATCH", "/company/members/" + sub, company.adminToken(), "{\"active\": true}").status()).isEqualTo(200);
        assertThat(Api.login().signIn(company.memberEmail(), Api.PASSWORD).error()).isNotNull();

        assertThat(Api.call("POST", "/admin/users/" + sub + "/enable", operatorToken, null).status()).isEqualTo(200);
        assertThat(Api.login().signIn(company.memberEmail(), Api.PASSWORD).error()).isNull();
        assertThat(Api.call("POST", "/admin/users/no-such-user/enable", operatorToken, null).status()).isEqualTo(404);
        List<JsonNode> entries = audit().stream().filter(e -> e.path("target").asText().equals(sub)).toList();
        assertThat(entries).extracting(e -> e.path("action").asText()).containsExactly("user.enable", "user.disable");
    }

    /** An operator taken out of the group loses the console at once, though their token still says operators. */
    @Test
    void aRemovedOperatorIsRefusedAtOnceWithTheirStillValidToken() throws Exception {
        String email = "former-ops@" + Api.domain("platform-ops");
        Api.signUp(email, "Former Ops");
        TestStack.get().cognito().addToGroup(email, "operators");
        String token = Api.login().signIn(email, Api.PASSWORD).accessToken();
        assertThat(Api.call("GET", "/admin/companies", token, null).status()).isEqualTo(200);
        assertThat(Api.call("GET", "/health/details", token, null).status()).isEqualTo(200);

        TestStack.get().cognito().removeFromGroup(email, "operators");
        assertThat(Api.claims(token).path("cognito:groups").toString()).as("the token still claims it").contains("operators");
        for (String path : new String[] {"/admin/companies", "/admin/audit", "/admin/billing/reconcile?month=2026-11", "/health/details"}) {
            Api.Answer refused = Api.call("GET", path, token, null);
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.errorCode()).as(path).isEqualTo("operators_only");
        }
    }
}
