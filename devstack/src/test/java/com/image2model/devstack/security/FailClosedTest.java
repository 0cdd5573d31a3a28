package com.image2model.devstack.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.aws.LocalSecretsManager;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.stripe.StripeStandIn;
import com.image2model.devstack.template.SamTemplate;
import com.image2model.wiring.FunctionsApplication;
import com.image2model.platform.Settings;

/**
 * The deployable jar, in a fresh JVM per case, as a Lambda would start it: a function missing a
 * required setting never serves (its init fails naming the variable); a webhook whose secret is
 * not usable (a sample value such as the old public whsec_devstack, an empty secret, FAL keys that
 * cannot be fetched) answers every request 503 not_configured and accepts nothing.
 */
class FailClosedTest {

    private static Path jar() {
        Path jar = TestStack.root().resolve("functions/target/image2model-functions.jar");
        assertThat(jar).as("the Lambda jar (built in the package phase of functions)").exists();
        return jar;
    }

    private record Run(int exit, String output, List<String> answers) {
    }

    private static Run run(String functionName, Map<String, String> changes, List<Path> events) throws Exception {
        SamTemplate.FunctionDef function = TestStack.get().template().functions().stream().filter(f -> f.name().equals(functionName))
                .findFirst().orElseThrow();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", jar().toString(), "com.image2model.wiring.LocalInvoke"));
        events.forEach(e -> command.add(e.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(TestStack.get().functions().environment());
        builder.environment().keySet().removeIf(k -> k.startsWith("aws."));
        // What the devstack gives its functions as system properties (stand-in URLs) goes into the environment here.
        for (String name : List.of("STRIPE_API_BASE", "FAL_QUEUE_URL", "FAL_JWKS_URL", "FAL_WEBHOOK_URL", "SITE_ORIGIN")) {
            if (System.getProperty(name) != null) {
                builder.environment().put(name, System.getProperty(name));
            }
        }
        builder.environment().putAll(function.runtimeEnvironment());
        changes.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output, output.lines().filter(l -> l.startsWith("{\"")).filter(l -> l.contains("statusCode")).toList());
    }

    @Test
    void everyFunctionMissingARequiredSettingFailsAtInitNamingIt() throws Exception {
        List<String> failures = new ArrayList<>();
        for (SamTemplate.FunctionDef function : TestStack.get().template().functions()) {
            FunctionsApplication.FunctionSpec spec = FunctionsApplication.functions().get(function.name());
            String missing = spec.settings().stream().filter(Settings::required).reduce((a, b) -> b).orElseThrow();
            Path event = TestStack.root().resolve("events/" + function.name() + ".json");
            Run run = run(function.name(), Map.of(missing, ""), List.of(event));
            if (run.exit() == 0 || !run.answers().isEmpty()
                    || !run.output().contains("Missing configuration: set the environment variable " + missing + " (it is unset or empty)")) {
                failures.add(function.logicalId() + " without " + missing + ": exit " + run.exit() + ", answers " + run.answers());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aStripeWebhookWhoseSecretIsTheOldDevstackValueRefusesARequestSignedWithIt(@TempDir Path dir) throws Exception {
        LocalSecretsManager secrets = TestStack.get().secrets();
        secrets.put("elsewhere-prod/stripe-webhook-secret", "whsec_devstack");
        String payload = "{\"id\":\"evt_fail_closed\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"data\":{\"object\":{}}}";
        Path event = webhookEvent(dir, "/webhooks/stripe", payload,
                Map.of("stripe-signature", StripeStandIn.signature(payload, Instant.now().getEpochSecond(), "whsec_devstack")));

        Run run = run("stripeWebhook", Map.of("STRIPE_WEBHOOK_SECRET_ARN", LocalSecretsManager.arnOf("elsewhere-prod/stripe-webhook-secret"),
                "STAGE", "prod"), List.of(event, event));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.answers()).hasSize(2).allSatisfy(answer -> assertNotConfigured(answer));
        assertThat(run.output()).contains("stripeWebhook is not configured").doesNotContain("whsec_devstack");
    }

    @Test
    void aFalWebhookWithoutItsKeyItsJwksOrOurFalUserIdRefusesEverything(@TempDir Path dir) throws Exception {
        LocalSecretsManager secrets = TestStack.get().secrets();
        secrets.declare("elsewhere-prod/fal-key");
        Path event = webhookEvent(dir, "/webhooks/fal", "{\"request_id\":\"r1\",\"status\":\"OK\",\"payload\":{}}",
                Map.of("x-fal-webhook-request-id", "r1", "x-fal-webhook-user-id", com.image2model.devstack.fal.FalStandIn.USER_ID,
                        "x-fal-webhook-timestamp", String.valueOf(Instant.now().getEpochSecond()), "x-fal-webhook-signature", "00"));

        Run emptyKey = run("falWebhook", Map.of("FAL_KEY_ARN", LocalSecretsManager.arnOf("elsewhere-prod/fal-key")), List.of(event));
        Run noJwks = run("falWebhook", Map.of("FAL_JWKS_URL", "http://127.0.0.1:9/.well-known/jwks.json"), List.of(event));
        Map<String, String> noUser = new java.util.HashMap<>();
        noUser.put("FAL_USER_ID", null);
        Run noUserId = run("falWebhook", noUser, List.of(event));

        assertThat(emptyKey.answers()).as(emptyKey.output()).hasSize(1).allSatisfy(answer -> assertNotConfigured(answer));
        assertThat(noJwks.answers()).as(noJwks.output()).hasSize(1).allSatisfy(answer -> assertNotConfigured(answer));
        assertThat(noUserId.answers()).as(noUserId.output()).hasSize(1).allSatisfy(answer -> assertNotConfigured(answer));
        assertThat(noUserId.output()).contains("FAL_USER_ID");
    }

    private static void assertNotConfigured(String answer) {
        try {
            JsonNode node = Api.JSON.readTree(answer);
            assertThat(node.get("statusCode").asInt()).isEqualTo(503);
            assertThat(Api.JSON.readTree(node.get("body").asText()).at("/error/code").asText()).isEqualTo("not_configured");
        } catch (IOException e) {
            throw new AssertionError(answer, e);
        }
    }

    private static Path webhookEvent(Path dir, String path, String body, Map<String, String> headers) throws IOException {
        Map<String, Object> http = new LinkedHashMap<>(Map.of("method", "POST", "path", path, "protocol", "HTTP/1.1", "sourceIp", "127.0.0.1"));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "POST " + path);
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        Map<String, String> allHeaders = new LinkedHashMap<>(headers);
        allHeaders.put("content-type", "application/json");
        event.put("headers", allHeaders);
        event.put("requestContext", Map.of("http", http, "requestId", "fail-closed", "routeKey", "POST " + path, "stage", "$default"));
        event.put("body", body);
        event.put("isBase64Encoded", false);
        Path file = Files.createTempFile(dir, "webhook", ".json");
        Files.write(file, Api.JSON.writeValueAsBytes(event));
        return file;
    }
}
