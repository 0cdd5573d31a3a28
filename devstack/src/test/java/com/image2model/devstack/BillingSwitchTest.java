package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.aws.LocalAws;
import com.image2model.devstack.generate.DemoCompany;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.stripe.StripeStandIn;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A stage deployed with {@code BillingEnabled=false}: the prices stay public and say billing is
 * off, every billing route answers 503 billing_disabled, and Stripe's verified events are kept
 * without granting anything; deployed again with it on, the kept events are acted on, once.
 */
class BillingSwitchTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> call(String method, String url, String token, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Puts the secrets the banner of a devstack started with --secrets-unset names; answers Stripe's webhook secret. */
    private static String putSecrets(DevstackProcess devstack, Map<String, String> ports) {
        Map<String, String> toPut = devstack.secretsToPut();
        DevstackProcess.putSecrets(ports, toPut);
        return toPut.get("image2model-dev/stripe-webhook-secret");
    }

    private static DynamoDbClient dynamo(Map<String, String> ports) {
        return DynamoDbClient.builder().endpointOverride(URI.create("http://localhost:" + ports.get("DEVSTACK_DYNAMODB_PORT")))
                .region(Region.of(LocalAws.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalAws.ACCESS_KEY, LocalAws.SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static int webhook(String api, String secret, String event) throws Exception {
        HttpResponse<String> answer = call("POST", api + "/webhooks/stripe", null, event,
                Map.of("Stripe-Signature", StripeStandIn.signature(event, Instant.now().getEpochSecond(), secret), "Content-Type",
                        "application/json"));
        return answer.statusCode();
    }

    private static long available(String api, String token) throws Exception {
        return Api.JSON.readTree(call("GET", api + "/credits", token, null, Map.of()).body()).path("available").asLong();
    }

    @Test
    void billingKeptDarkRefusesItsRoutesKeepsStripesEventsAndActsOnThemOnceItIsOn(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> ports = DevstackProcess.freePorts();
        String api = "http://localhost:" + ports.get("DEVSTACK_PORT");
        String cognito = "http://localhost:" + ports.get("DEVSTACK_COGNITO_PORT");
        long created = Instant.now().getEpochSecond();
        String company;
        long before;
        try (DevstackProcess dark = DevstackProcess.start(ports, "up", "--data", data.toString(), "--secrets-unset",
                "--parameter-overrides", "BillingEnabled=false")) {
            dark.awaitReady();
            String secret = putSecrets(dark, ports);
            JsonNode plans = Api.JSON.readTree(call("GET", api + "/billing/plans", null, null, Map.of()).body());
            assertThat(plans.path("billingEnabled").asBoolean(true)).isFalse();
            assertThat(plans.path("items")).isNotEmpty();
            String token = DemoCompany.token(cognito, "devstack-web-client", api + "/callback.html");
            company = Api.claims(token).path("company_id").asText();
            for (String[] route : new String[][] {{"GET", "/billing"}, {"GET", "/billing/invoices"}, {"POST", "/billing/portal"},
                    {"POST", "/billing/checkout"}}) {
                HttpResponse<String> refused = call(route[0], api + route[1], token, route[0].equals("POST") ? "{\"item\":\"pack_5000\"}" : null,
                        Map.of());
                assertThat(refused.statusCode()).as(route[1]).isEqualTo(503);
                assertThat(Api.JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("billing_disabled");
            }

            // A paid session Stripe reports while billing is dark (made in Stripe's dashboard, say), for a session we recorded.
            try (DynamoDbClient db = dynamo(ports)) {
                String table = "image2model-dev"; // the template's ${AppName}-${Stage} with its defaults
                db.putItem(p -> p.tableName(table).item(Map.of("PK", AttributeValue.fromS("STRIPESESSION#cs_test_held"),
                        "SK", AttributeValue.fromS("SESSION"), "companyId", AttributeValue.fromS(company), "item", AttributeValue.fromS("pack_5000"),
                        "quantity", AttributeValue.fromN("1"), "customer", AttributeValue.fromS("cus_held"),
                        "amountCents", AttributeValue.fromN("5000"), "currency", AttributeValue.fromS("usd"), "mode", AttributeValue.fromS("payment"),
                        "createdAt", AttributeValue.fromS(Instant.now().toString()))));
            }
            before = available(api, token);
            String event = "{\"id\":\"evt_held_1\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"created\":" + created
                    + ",\"data\":{\"object\":{\"id\":\"cs_test_held\",\"object\":\"checkout.session\",\"mode\":\"payment\",\"customer\":\"cus_held\","
                    + "\"amount_total\":5000,\"currency\":\"usd\",\"payment_status\":\"paid\",\"status\":\"complete\",\"created\":" + created
                    + ",\"client_reference_id\":\"" + company + "\",\"metadata\":{\"company\":\"" + company + "\",\"item\":\"pack_5000\"}}}}";
            assertThat(webhook(api, secret, event)).isEqualTo(200);
            assertThat(webhook(api, secret, event)).as("a redelivery is kept once").isEqualTo(200);
            assertThat(available(api, token)).as("nothing granted while billing is off").isEqualTo(before);
            assertThat(webhook(api, "whsec_wrong", event)).as("still verified").isEqualTo(400);
        }

        try (DevstackProcess on = DevstackProcess.start(ports, "up", "--data", data.toString(), "--secrets-unset")) {
            on.awaitReady();
            String secret = putSecrets(on, ports);
            String token = DemoCompany.token(cognito, "devstack-web-client", api + "/callback.html");
            assertThat(Api.JSON.readTree(call("GET", api + "/billing/plans", null, null, Map.of()).body()).path("billingEnabled").asBoolean())
                    .isTrue();
            assertThat(call("GET", api + "/billing", token, null, Map.of()).statusCode()).isEqualTo(200);
            // The next delivery acts on what was kept first: the pack is granted, once.
            String next = "{\"id\":\"evt_after_1\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":" + (created + 1)
                    + ",\"data\":{\"object\":{\"id\":\"cus_other\",\"object\":\"customer\"}}}";
            assertThat(webhook(api, secret, next)).isEqualTo(200);
            assertThat(available(api, token)).isEqualTo(before + 5000);
            assertThat(webhook(api, secret, next.replace("evt_after_1", "evt_after_2"))).isEqualTo(200);
            assertThat(available(api, token)).as("acted on once").isEqualTo(before + 5000);
            assertThat(on.text()).contains("Held Stripe event");
        }
    }
}
