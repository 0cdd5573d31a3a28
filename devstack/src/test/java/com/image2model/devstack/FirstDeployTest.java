package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.generate.DemoCompany;
import com.image2model.devstack.generate.GenerateCommand;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.devstack.stripe.StripeStandIn;

/**
 * A first deploy, as {@code sam deploy} makes it: the template's secrets exist but are empty, and
 * every function's init runs when its version is published (SnapStart). The devstack started with
 * {@code up --secrets-unset} does the same: it must start (no init reads a secret), the routes that
 * need a secret answer 503 not_configured and do nothing (no credits held, no job), the others
 * work; then the secrets are put through Secrets Manager's API, as an operator does, and the same
 * routes work without a restart or a deploy.
 */
class FirstDeployTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Answer(int status, JsonNode body) {
        String code() {
            return body.at("/error/code").asText();
        }
    }

    private static Answer call(String method, String url, String token, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? Api.JSON.createObjectNode() : Api.JSON.readTree(response.body()));
    }

    @Test
    void withEmptySecretsEveryFunctionStartsRefusesWhatNeedsThemAndWorksOnceTheyArePut(@TempDir Path dir) throws Exception {
        Map<String, String> ports = DevstackProcess.freePorts();
        String api = "http://localhost:" + ports.get("DEVSTACK_PORT");
        try (DevstackProcess devstack = DevstackProcess.start(ports, "up", "--in-memory", "--secrets-unset")) {
            devstack.awaitReady();
            // The banner says how to put each secret; its values are the stand-ins' keys.
            Map<String, String> toPut = devstack.secretsToPut();
            assertThat(toPut.keySet()).containsExactlyInAnyOrder("image2model-dev/stripe-api-key", "image2model-dev/stripe-webhook-secret",
                    "image2model-dev/fal-key");

            String token = DemoCompany.token("http://localhost:" + ports.get("DEVSTACK_COGNITO_PORT"), "devstack-web-client",
                    api + "/callback.html");
            long available = call("GET", api + "/credits", token, null, Map.of()).body().get("available").asLong();
            assertThat(call("GET", api + "/company", token, null, Map.of()).status()).as("a route without a secret").isEqualTo(200);
            assertThat(call("GET", api + "/health", null, null, Map.of()).status()).isEqualTo(200);

            Answer checkout = call("POST", api + "/billing/checkout", token, "{\"item\": \"pack_5000\"}", Map.of());
            assertThat(checkout.status()).as(checkout.body().toString()).isEqualTo(503);
            assertThat(checkout.code()).isEqualTo("not_configured");
            String job = "{\"quality\": \"low\", \"files\": [{\"name\": \"a.jpg\", \"contentType\": \"image/jpeg\", \"size\": 1000}]}";
            Answer refusedJob = call("POST", api + "/jobs", token, job, Map.of());
            assertThat(refusedJob.status()).isEqualTo(503);
            assertThat(refusedJob.code()).isEqualTo("not_configured");
            assertThat(call("GET", api + "/jobs", token, null, Map.of()).body().get("jobs")).as("no job was made").isEmpty();
            JsonNode credits = call("GET", api + "/credits", token, null, Map.of()).body();
            assertThat(credits.get("available").asLong()).as("nothing was held").isEqualTo(available);
            assertThat(credits.get("held").asLong()).isZero();

            String event = "{\"id\":\"evt_first_deploy\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"data\":{\"object\":{}}}";
            String webhookSecret = toPut.get("image2model-dev/stripe-webhook-secret");
            Answer stripe = call("POST", api + "/webhooks/stripe", null, event,
                    Map.of("Stripe-Signature", StripeStandIn.signature(event, Instant.now().getEpochSecond(), webhookSecret)));
            assertThat(stripe.status()).isEqualTo(503);
            assertThat(stripe.code()).isEqualTo("not_configured");
            Answer fal = call("POST", api + "/webhooks/fal", null, "{\"request_id\":\"r1\",\"status\":\"OK\",\"payload\":{}}", Map.of());
            assertThat(fal.status()).isEqualTo(503);
            assertThat(fal.code()).isEqualTo("not_configured");

            // An operator puts the secrets, through Secrets Manager's API.
            DevstackProcess.putSecrets(ports, toPut);

            Answer bought = call("POST", api + "/billing/checkout", token, "{\"item\": \"pack_5000\"}", Map.of());
            assertThat(bought.status()).as(bought.body().toString()).isEqualTo(201);
            assertThat(bought.body().get("url").asText()).startsWith("http://localhost:" + ports.get("DEVSTACK_STRIPE_PORT"));
            Path image = dir.resolve("photo.jpg");
            Files.write(image, SampleImages.photoJpeg(3, 320, 240));
            GenerateCommand.Result result = new GenerateCommand(api, token, new PrintStream(new ByteArrayOutputStream()))
                    .run(List.of(image), "low", dir.resolve("models"), Duration.ofSeconds(60));
            assertThat(result.state()).as("a model is made once FAL's key is there").isEqualTo("DONE");

            String log = devstack.text();
            assertThat(log).contains("is not configured and refused a request");
            // The functions' own log lines never hold a secret's value (the banner shows the stand-ins' keys to copy).
            assertThat(log.lines().filter(l -> l.startsWith("{"))).noneMatch(l -> toPut.values().stream().anyMatch(l::contains));
        }
    }
}
