package com.image2model.devstack.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.identity.LoginFlow;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/** The credits API over HTTP with real tokens, and what another company can see of it (nothing). */
class CreditsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    // The stack first: the functions' clients read its settings when they are built.
    private final String table = com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME);
    private final CreditLedger ledger = new CreditLedger(AwsClients.dynamoDb(), table, Clock.systemUTC());

    @Test
    void aNewCompanySeesItsTrialCreditsEstimatesUsageAndLedger() throws Exception {
        String acme = signUp("ada@credits-" + UUID.randomUUID().toString().substring(0, 8) + ".test");
        String globex = signUp("gus@credits-" + UUID.randomUUID().toString().substring(0, 8) + ".test");
        JsonNode acmeClaims = claims(acme);
        String company = acmeClaims.get("company_id").asText();

        JsonNode credits = get("/credits", acme).body();
        assertThat(credits.get("available").asLong()).isEqualTo(Api.TRIAL);
        assertThat(credits.get("held").asLong()).isZero();
        assertThat(credits.get("usedThisMonth").asLong()).isZero();
        assertThat(credits.get("lowBalance").asBoolean()).isFalse();

        JsonNode high = post("/credits/estimate", acme, "{\"quality\": \"high\", \"files\": 3}").body();
        assertThat(high.get("cost").asLong()).isEqualTo(210);
        assertThat(high.get("fits").asBoolean()).isFalse();
        assertThat(post("/credits/estimate", acme, "{\"quality\": \"low\", \"files\": 2}").body().get("fits").asBoolean()).isTrue();
        assertThat(post("/credits/estimate", acme, "{\"quality\": \"ultra\", \"files\": 2}").body().at("/error/code").asText())
                .isEqualTo("invalid_quality");
        assertThat(post("/credits/estimate", acme, "{\"quality\": \"low\", \"files\": 101}").status()).isEqualTo(400);
        assertThat(post("/credits/estimate", acme, "nope").status()).isEqualTo(400);

        // Work done for Ada: one medium image captured, one released.
        ledger.reserve(company, "f1", 52, Instant.now().plusSeconds(900), acmeClaims.get("sub").asText());
        ledger.reserve(company, "f2", 35, Instant.now().plusSeconds(900), acmeClaims.get("sub").asText());
        ledger.capture(company, "f1");
        ledger.release(company, "f2", "not an image");

        credits = get("/credits", acme).body();
        assertThat(credits.get("available").asLong()).isEqualTo(Api.TRIAL - 52);
        assertThat(credits.get("usedThisMonth").asLong()).isEqualTo(52);
        assertThat(credits.get("lowBalance").asBoolean()).as("below the threshold of 70").isEqualTo(Api.TRIAL - 52 < 70);

        JsonNode entries = get("/credits/ledger", acme).body().get("entries");
        assertThat(entries).extracting(e -> e.get("type").asText())
                .containsExactly("RELEASE", "CAPTURE", "RESERVE", "RESERVE", "GRANT");
        assertThat(entries.get(0).get("balanceAfter").asLong()).isEqualTo(Api.TRIAL - 52);

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode byDay = get("/usage?from=" + today + "&to=" + today + "&groupBy=day", acme).body();
        assertThat(byDay.get("rows")).hasSize(1);
        assertThat(byDay.at("/rows/0/images").asLong()).isEqualTo(1);
        assertThat(byDay.at("/rows/0/credits").asLong()).isEqualTo(52);
        JsonNode byUser = get("/usage?groupBy=user", acme).body();
        assertThat(byUser.at("/rows/0/user").asText()).isEqualTo(acmeClaims.get("sub").asText());
        assertThat(get("/usage?groupBy=month", acme).status()).isEqualTo(400);
        assertThat(get("/usage?from=2026-13-01", acme).status()).isEqualTo(400);
        assertThat(get("/credits/ledger?cursor=abc", acme).status()).isEqualTo(400);

        // Another company sees only its own money.
        assertThat(get("/credits", globex).body().get("available").asLong()).isEqualTo(Api.TRIAL);
        assertThat(get("/credits/ledger", globex).body().get("entries")).extracting(e -> e.get("type").asText()).containsExactly("GRANT");
        assertThat(get("/usage?groupBy=user", globex).body().get("rows")).isEmpty();
        assertThat(get("/credits/ledger?cursor=6", globex).body().get("entries")).extracting(e -> e.get("type").asText())
                .containsExactly("GRANT");
        assertThat(get("/credits", null).status()).isEqualTo(401);
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(TestStack.get().front().url() + path)).GET(), token);
    }

    private static Answer post(String path, String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(TestStack.get().front().url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    private static Answer send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = com.image2model.devstack.api.ApiContract.checked(
                HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static String signUp(String email) throws Exception {
        var config = TestStack.get().cognito().config();
        LoginFlow.Result result = new LoginFlow(TestStack.get().cognito().url(), config.clientId(), config.callbackUrls().get(0))
                .signUp(email, "Correct-Horse-9", null);
        assertThat(result.error()).isNull();
        return result.accessToken();
    }

    private static JsonNode claims(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
