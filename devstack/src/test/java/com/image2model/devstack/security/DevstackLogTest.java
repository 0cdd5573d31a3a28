package com.image2model.devstack.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * The devstack's own log (what `java -jar ... up` prints) holds no password: an invitation's
 * temporary password is shown at /outbox only, and the demo user's password is in the README.
 * The devstack runs here as its own process, as a developer starts it, and its whole output is read.
 */
class DevstackLogTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theLogHoldsNeitherTemporaryNorDemoPasswordsNorTokens() throws Exception {
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
            HttpResponse<String> invited = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/company/members"))
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
            temporary = body.substring(body.lastIndexOf(' ') + 1);
            assertThat(temporary).hasSizeGreaterThan(7);
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            reader.join(5_000);
        }
        String output = log.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("[devstack email] to guest@");
        assertThat(output).doesNotContain(temporary).doesNotContain(DemoCompany.PASSWORD).doesNotContain(token)
                .doesNotContain("Bearer ey");
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
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
