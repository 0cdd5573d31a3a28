package com.image2model.devstack.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.aws.FreePort;
import com.image2model.devstack.generate.DemoCompany;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.identity.LoginFlow;

/**
 * The devstack's own log (what `java -jar ... up` prints, the functions' logs among it) holds no
 * password, token or secret: an invitation's accept link is shown at /outbox only (and the password chosen with it nowhere), the demo
 * user's password is in the README, and a pipeline run and a paid checkout log no bearer token,
 * presigned URL signature, webhook secret or API key.
 * The devstack runs here as its own process, as a developer starts it, and its whole output is read.
 */
class DevstackLogTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHOSEN_PASSWORD = "Chosen-By-Guest-42";

    @Test
    void theLogHoldsNeitherInvitationLinksNorPasswordsNorTokens() throws Exception {
        int front = FreePort.find();
        int cognito = FreePort.find();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "com.image2model.devstack.DevStack", "up"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("IMAGE2MODEL_ROOT", TestStack.root().toString());
        builder.environment().put("DEVSTACK_PORT", String.valueOf(front));
        builder.environment().put("DEVSTACK_COGNITO_PORT", String.valueOf(cognito));
        for (String port : List.of("DEVSTACK_DYNAMODB_PORT", "DEVSTACK_SQS_PORT", "DEVSTACK_S3_PORT", "DEVSTACK_FAL_PORT", "DEVSTACK_STRIPE_PORT")) {
            builder.environment().put(port, String.valueOf(FreePort.find()));
        }
        Process process = builder.start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), log));
        reader.start();
        String temporary;
        String token;
        try {
            long until = System.currentTimeMillis() + 60_000;
            while (!log.toString(StandardCharsets.UTF_8).contains("is ready") && System.currentTimeMillis() < until && process.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(log.toString(StandardCharsets.UTF_8)).as("the devstack started").contains("is ready");
            String api = "http://localhost:" + front;
            JsonNode config = Api.JSON.readTree(get(api + "/config.json"));
            token = new LoginFlow(config.get("authUrl").asText(), config.get("clientId").asText(), config.get("redirectUri").asText())
                    .signIn(DemoCompany.EMAIL, DemoCompany.PASSWORD).accessToken();
            String invitee = "guest@" + Api.domain("log-check");
            HttpResponse<String> invited = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/company/invitations"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"" + invitee + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
            JsonNode outbox = Api.JSON.readTree(get("http://localhost:" + cognito + "/outbox"));
            String body = null;
            for (JsonNode email : outbox.get("emails")) {
                if (email.get("to").asText().equals(invitee)) {
                    body = email.get("body").asText();
                }
            }
            assertThat(body).as("the invitation is in the outbox").isNotNull();
            java.util.regex.Matcher link = java.util.regex.Pattern.compile("/#/invitation/(\\S+)").matcher(body);
            assertThat(link.find()).as("the invitation email holds its accept link").isTrue();
            temporary = link.group(1);
            // Accepted with a chosen password: neither the link's token nor the password may reach the log.
            HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/invitations/accept"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"token\": \"" + temporary + "\", \"password\": \"" + CHOSEN_PASSWORD + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);

            // A whole pipeline run (presigned upload, worker, FAL, signed webhook, model) and a paid checkout (signed Stripe events).
            Path image = Files.createTempFile("log-check", ".jpg");
            Files.write(image, com.image2model.devstack.samples.SampleImages.photoJpeg(3, 320, 240));
            com.image2model.devstack.generate.GenerateCommand.Result generated = new com.image2model.devstack.generate.GenerateCommand(api, token,
                    new java.io.PrintStream(new ByteArrayOutputStream())).run(List.of(image), "low", Files.createTempDirectory("log-models"),
                    java.time.Duration.ofSeconds(60));
            assertThat(generated.state()).isEqualTo("DONE");
            HttpResponse<String> checkout = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/billing/checkout"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"item\": \"pack_5000\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(checkout.statusCode()).as(checkout.body()).isEqualTo(201);
            String checkoutUrl = Api.JSON.readTree(checkout.body()).get("url").asText();
            HttpResponse<String> paid = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build().send(
                    HttpRequest.newBuilder(URI.create(checkoutUrl + "/pay")).header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("card=4242424242424242")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(paid.statusCode()).isEqualTo(303);
            long paidBy = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < paidBy
                    && Api.JSON.readTree(get(api + "/credits", token)).path("available").asLong() < 5000) {
                Thread.sleep(200);
            }
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            reader.join(5_000);
        }
        String output = log.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("[devstack email] to guest@");
        assertThat(output).doesNotContain(temporary).doesNotContain(temporary.substring(temporary.lastIndexOf('.') + 1))
                .doesNotContain(CHOSEN_PASSWORD).doesNotContain(DemoCompany.PASSWORD).doesNotContain(token)
                .doesNotContain("Bearer ey");
        // No token, presigned URL signature, webhook secret, Stripe key or API key in any line of a pipeline and a payment.
        assertThat(output).doesNotContain("eyJ").doesNotContain("X-Amz-Signature").doesNotContain("whsec_").doesNotContain("sk_test_")
                .doesNotContain("sk_live_").doesNotContain("i2m_").doesNotContain(com.image2model.devstack.stripe.StripeStandIn.WEBHOOK_SECRET);
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String get(String url, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (java.io.IOException ignored) {
            // The process ended.
        }
    }
}
