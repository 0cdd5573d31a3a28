package com.image2model.devstack.identity;

import static com.image2model.devstack.identity.Api.call;
import static com.image2model.devstack.identity.Api.claims;
import static com.image2model.devstack.identity.Api.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.front.LambdaRequestAuthorizer;

/**
 * Company API keys through the HTTP front and the template's Lambda authorizer, as a pipeline uses
 * them: made by an admin and shown once, taken on the same routes as a person's token, refused by
 * name (revoked, rotated out, wrong stage, malformed) at once whatever the authorizer's cache says,
 * never able to make keys, and never reaching another company's data.
 */
class ApiKeysTest {

    private static final String JOB = "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}";

    private static JsonNode make(String admin, String body) throws Exception {
        Api.Answer made = call("POST", "/company/api-keys", admin, body);
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        return made.body();
    }

    private static LambdaRequestAuthorizer authorizer() {
        return (LambdaRequestAuthorizer) TestStack.get().front().authorizer();
    }

    @Test
    void anAdminMakesAKeyThatIsShownOnceAndWorksWhereAMembersTokenWorks() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-made"), null).accessToken();
        JsonNode made = make(admin, "{\"name\": \"DAM sync\"}");
        String key = made.path("key").asText();
        assertThat(key).startsWith("i2m_test_").startsWith(made.path("prefix").asText());
        assertThat(made.path("role").asText()).isEqualTo("member");
        assertThat(made.path("state").asText()).isEqualTo("active");

        assertThat(call("GET", "/credits", key, null).status()).isEqualTo(200);
        Api.Answer job = call("POST", "/jobs", key, JOB);
        assertThat(job.status()).as(job.body().toString()).isEqualTo(201);
        // The key acts for the admin who made it: the job is theirs, and they see it.
        String jobId = job.body().path("jobId").asText();
        assertThat(call("GET", "/jobs/" + jobId, admin, null).status()).isEqualTo(200);

        JsonNode listed = call("GET", "/company/api-keys", admin, null).body();
        assertThat(listed.path("stage").asText()).isEqualTo("test");
        JsonNode row = listed.path("keys").get(0);
        assertThat(row.path("name").asText()).isEqualTo("DAM sync");
        assertThat(row.has("key")).isFalse();
        assertThat(listed.toString()).doesNotContain(key.substring(key.lastIndexOf('.') + 1)).doesNotContain("secretHash");
        assertThat(row.path("requestsToday").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(row.path("lastUsedAt").isTextual()).isTrue();
    }

    @Test
    void aMemberKeyDoesNoAdminWorkAndNoKeyMakesKeys() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-roles"), null).accessToken();
        String memberKey = make(admin, "{\"name\": \"Renders\"}").path("key").asText();
        String adminKey = make(admin, "{\"name\": \"Ops\", \"role\": \"admin\"}").path("key").asText();

        assertThat(call("GET", "/company/api-keys", memberKey, null).errorCode()).isEqualTo("admin_required");
        assertThat(call("POST", "/company/invitations", memberKey, "{\"email\": \"x@example.org\"}").errorCode()).isEqualTo("admin_required");
        assertThat(call("GET", "/company/api-keys", adminKey, null).status()).isEqualTo(200);
        Api.Answer fromKey = call("POST", "/company/api-keys", adminKey, "{\"name\": \"Another\"}");
        assertThat(fromKey.status()).isEqualTo(403);
        assertThat(fromKey.errorCode()).isEqualTo("person_required");
        String adminKeyId = call("GET", "/company/api-keys", admin, null).body().path("keys").findValuesAsText("id").stream()
                .filter(id -> adminKey.contains(id.substring(8))).findFirst().orElseThrow();
        assertThat(call("DELETE", "/company/api-keys/" + adminKeyId, adminKey, null).errorCode()).isEqualTo("person_required");
        // Nor the routes of one's own account: a key is not a signed-in person.
        assertThat(call("POST", "/account/workspace", adminKey, "{}").status()).isEqualTo(401);
        assertThat(call("GET", "/admin/companies", adminKey, null).status()).isIn(401, 403);
    }

    /** The authorizer's decision for these request headers, asked of its Lambda directly (as API Gateway asks it). */
    private static JsonNode authorizerContext(Map<String, String> headers) throws Exception {
        Map<String, Object> event = Map.of("version", "2.0", "type", "REQUEST", "routeKey", "GET /credits", "rawPath", "/credits",
                "headers", headers, "requestContext", Map.of("requestId", "direct-" + System.nanoTime(), "routeKey", "GET /credits"));
        byte[] answer = TestStack.get().functions().invoke(authorizer().functionId(), Api.JSON.writeValueAsBytes(event));
        JsonNode decision = Api.JSON.readTree(answer);
        assertThat(decision.path("isAuthorized").asBoolean()).as(decision.toString()).isTrue();
        return decision.path("context");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceThoughTheAuthorizerCachedItsYesAndTheYesLapsesWithinItsTtl() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-revoked"), null).accessToken();
        JsonNode made = make(admin, "{\"name\": \"CI\"}");
        String key = made.path("key").asText();
        assertThat(call("GET", "/credits", key, null).status()).isEqualTo(200);
        long decided = System.nanoTime();
        assertThat(authorizerContext(Map.of("authorization", "Bearer " + key)).path("company_id").asText()).isNotBlank();

        assertThat(call("DELETE", "/company/api-keys/" + made.path("id").asText(), admin, null).status()).isEqualTo(200);

        // The functions read the key again: refused at once, whatever the authorizer kept.
        Api.Answer after = call("GET", "/credits", key, null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.errorCode()).isEqualTo("api_key_revoked");
        assertThat(call("POST", "/jobs", key, JOB).errorCode()).isEqualTo("api_key_revoked");
        assertThat(call("GET", "/company/api-keys", admin, null).body().path("keys").get(0).path("state").asText()).isEqualTo("revoked");

        JsonNode kept = authorizerContext(Map.of("authorization", "Bearer " + key));
        if (System.nanoTime() - decided < 1_500_000_000L) {
            // Within the test stack's 2 s TTL the authorizer still answers its kept yes (no read of the table).
            assertThat(kept.path("company_id").asText()).as("the authorizer's kept decision").isNotBlank();
        }
        long deadline = System.currentTimeMillis() + 2_000 + 3_000;
        JsonNode lapsed = kept;
        while (!lapsed.has("denied") && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            lapsed = authorizerContext(Map.of("authorization", "Bearer " + key));
        }
        assertThat(lapsed.path("denied").asText()).as("the authorizer's own answer once its TTL is over").isEqualTo("api_key_revoked");
    }

    @Test
    void aKeyWorksAsXApiKeyAndOneCredentialSpeaksForARequest() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-header"), null).accessToken();
        String key = make(admin, "{\"name\": \"Header\"}").path("key").asText();

        Api.Answer byHeader = Api.callWithHeaders("GET", "/credits", Map.of("X-Api-Key", key), null);
        assertThat(byHeader.status()).as(byHeader.body().toString()).isEqualTo(200);
        Api.Answer job = Api.callWithHeaders("POST", "/jobs", Map.of("X-Api-Key", key, "Content-Type", "application/json"), JOB);
        assertThat(job.status()).as(job.body().toString()).isEqualTo(201);

        Api.Answer both = Api.callWithHeaders("GET", "/credits", Map.of("X-Api-Key", key, "Authorization", "Bearer " + admin), null);
        assertThat(both.status()).isEqualTo(401);
        assertThat(both.errorCode()).isEqualTo("credentials_ambiguous");
        Api.Answer token = Api.callWithHeaders("GET", "/credits", Map.of("X-Api-Key", admin), null);
        assertThat(token.status()).isEqualTo(401);
        assertThat(token.errorCode()).as("a person's token is no API key").isEqualTo("api_key_invalid");
        Api.Answer nothing = Api.callWithHeaders("GET", "/credits", Map.of(), null);
        assertThat(nothing.status()).isEqualTo(401);
        assertThat(nothing.errorCode()).isEqualTo("unauthorized");
        String forged = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        assertThat(Api.callWithHeaders("GET", "/credits", Map.of("X-Api-Key", forged), null).errorCode()).isEqualTo("api_key_invalid");
    }

    @Test
    void aRotatedKeyWorksThroughItsGraceAndNotAfter() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-rotated"), null).accessToken();
        JsonNode first = make(admin, "{\"name\": \"Nightly\"}");
        Api.Answer rotated = call("POST", "/company/api-keys/" + first.path("id").asText() + "/rotate", admin, "{\"graceHours\": 2}");
        assertThat(rotated.status()).isEqualTo(201);
        assertThat(rotated.body().path("replaces").asText()).isEqualTo(first.path("id").asText());
        String second = rotated.body().path("key").asText();
        assertThat(call("GET", "/credits", first.path("key").asText(), null).status()).isEqualTo(200);
        assertThat(call("GET", "/credits", second, null).status()).isEqualTo(200);
        assertThat(call("POST", "/company/api-keys/" + first.path("id").asText() + "/rotate", admin, null).errorCode())
                .isEqualTo("api_key_not_active");

        // A rotation without grace ends the replaced key now.
        Api.Answer again = call("POST", "/company/api-keys/" + rotated.body().path("id").asText() + "/rotate", admin, "{\"graceHours\": 0}");
        assertThat(again.status()).isEqualTo(201);
        Api.Answer old = call("GET", "/credits", second, null);
        assertThat(old.status()).isEqualTo(401);
        assertThat(old.errorCode()).isEqualTo("api_key_expired");
        assertThat(call("GET", "/credits", again.body().path("key").asText(), null).status()).isEqualTo(200);
    }

    @Test
    void aKeyStopsWhenItsMakerIsDemotedOrRemoved() throws Exception {
        String domain = Api.domain("keys-maker");
        String founder = signUp("founder@" + domain, null).accessToken();
        String second = Api.joinAs(founder, "second@" + domain).accessToken();
        String secondId = claims(second).get("sub").asText();
        assertThat(call("PATCH", "/company/members/" + secondId, founder, "{\"role\": \"admin\"}").status()).isEqualTo(200);
        second = Api.login().signIn("second@" + domain, Api.PASSWORD).accessToken();
        String adminKey = make(second, "{\"name\": \"Theirs\", \"role\": \"admin\"}").path("key").asText();
        String memberKey = make(second, "{\"name\": \"Theirs too\"}").path("key").asText();
        assertThat(call("GET", "/company/members", adminKey, null).status()).isEqualTo(200);

        assertThat(call("PATCH", "/company/members/" + secondId, founder, "{\"role\": \"member\"}").status()).isEqualTo(200);
        assertThat(call("GET", "/company/members", adminKey, null).errorCode()).isEqualTo("api_key_owner_demoted");
        assertThat(call("GET", "/credits", memberKey, null).status()).isEqualTo(200);

        assertThat(call("PATCH", "/company/members/" + secondId, founder, "{\"active\": false}").status()).isEqualTo(200);
        assertThat(call("GET", "/credits", memberKey, null).errorCode()).isEqualTo("api_key_owner_gone");
    }

    @Test
    void keysOfTheWrongStageOrShapeAndMissingHeadersAreRefusedByName() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-shape"), null).accessToken();
        String key = make(admin, "{\"name\": \"Shapes\"}").path("key").asText();
        Api.Answer live = call("GET", "/credits", key.replace("i2m_test_", "i2m_live_"), null);
        assertThat(live.status()).isEqualTo(401);
        assertThat(live.errorCode()).isEqualTo("api_key_wrong_stage");
        // One character changed (never to itself: a key that already ends in "A" gets a "B").
        String lastChanged = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        assertThat(call("GET", "/credits", lastChanged, null).errorCode()).isEqualTo("api_key_invalid");
        assertThat(call("GET", "/credits", key + "x", null).errorCode()).isEqualTo("api_key_invalid");
        assertThat(call("GET", "/credits", "i2m_test_guess", null).errorCode()).isEqualTo("api_key_invalid");
        assertThat(call("GET", "/credits", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", null).errorCode()).isEqualTo("token_invalid");
        // No Authorization at all: API Gateway answers before the authorizer, as the real one does.
        assertThat(call("GET", "/credits", null, null).status()).isEqualTo(401);
    }

    @Test
    void badBodiesAreClearFourHundreds() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-bodies"), null).accessToken();
        for (String body : List.of("[]", "{}", "{\"name\": \"\"}", "{\"name\": \"" + "n".repeat(61) + "\"}", "{\"name\": [\"a\"]}",
                "{\"name\": \"ok\", \"role\": \"owner\"}", "{\"name\": \"a\\u0000b\"}", "not json")) {
            Api.Answer answer = call("POST", "/company/api-keys", admin, body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.errorCode()).as(body).isNotBlank();
        }
        String id = make(admin, "{\"name\": \"Grace\"}").path("id").asText();
        for (String grace : List.of("-1", "169", "1.5", "\"2\"", "99999999999999999999")) {
            Api.Answer answer = call("POST", "/company/api-keys/" + id + "/rotate", admin, "{\"graceHours\": " + grace + "}");
            assertThat(answer.status()).as(grace).isEqualTo(400);
        }
        assertThat(call("GET", "/company/api-keys", admin, null).body().path("keys")).hasSize(1);
    }

    @Test
    void aCompanysKeyNeverReachesAnotherCompany() throws Exception {
        String adminA = signUp("owner@" + Api.domain("keys-tenant-a"), null).accessToken();
        String adminB = signUp("owner@" + Api.domain("keys-tenant-b"), null).accessToken();
        JsonNode keyA = make(adminA, "{\"name\": \"A's\"}");
        String keyB = make(adminB, "{\"name\": \"B's\", \"role\": \"admin\"}").path("key").asText();
        String jobA = call("POST", "/jobs", keyA.path("key").asText(), JOB).body().path("jobId").asText();

        assertThat(call("GET", "/jobs/" + jobA, keyB, null).status()).isEqualTo(404);
        assertThat(call("GET", "/jobs", keyB, null).body().path("jobs")).isEmpty();
        assertThat(call("POST", "/company/api-keys/" + keyA.path("id").asText() + "/rotate", adminB, null).status()).isEqualTo(404);
        assertThat(call("DELETE", "/company/api-keys/" + keyA.path("id").asText(), adminB, null).status()).isEqualTo(404);
        JsonNode listedByB = call("GET", "/company/api-keys", keyB, null).body().path("keys");
        List<String> names = new ArrayList<>(listedByB.findValuesAsText("name"));
        assertThat(names).containsExactly("B's");
        // A's key id and secret under B's company id: no such key in B's partition.
        String text = keyA.path("key").asText();
        String[] parts = text.split("\\.");
        String moved = parts[0] + "." + claims(adminB).get("company_id").asText() + "." + parts[2];
        assertThat(call("GET", "/credits", moved, null).errorCode()).isEqualTo("api_key_invalid");
        assertThat(call("GET", "/credits", text, null).status()).isEqualTo(200);
    }
    @Test
    void aWholeJobRunsOnAKeyAsTheGenerateCommandMakesIt() throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-generate"), null).accessToken();
        String key = make(admin, "{\"name\": \"Render farm\"}").path("key").asText();
        java.nio.file.Path image = java.nio.file.Files.createTempFile("key-job", ".jpg");
        java.nio.file.Files.write(image, com.image2model.devstack.samples.SampleImages.photoJpeg(7, 320, 240));
        java.nio.file.Path out = java.nio.file.Files.createTempDirectory("key-models");
        // The API is unavailable for a moment: the command asks again with the same Idempotency-Key, and one job is made.
        TestStack.get().front().downFor("/jobs", 1200);
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        var generated = new com.image2model.devstack.generate.GenerateCommand(TestStack.get().front().url(), key,
                new java.io.PrintStream(said)).run(List.of(image), "low", out, java.time.Duration.ofSeconds(90));
        assertThat(generated.state()).isEqualTo("DONE");
        assertThat(said.toString()).contains("asking again with the same Idempotency-Key");
        try (var models = java.nio.file.Files.list(out)) {
            assertThat(models.filter(f -> f.toString().endsWith(".glb")).count()).isEqualTo(1);
        }
        // The admin sees the job, made in their name, and the credits it took.
        JsonNode jobs = call("GET", "/jobs", admin, null).body().path("jobs");
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).path("counts").path("done").asInt()).isEqualTo(1);
        assertThat(jobs.get(0).path("createdBy").asText()).isEqualTo(claims(admin).get("sub").asText());
    }

    @Test
    void theCurlOnlyExampleRunsAJobOnAKeyWaitsForItsSignedWebhookAndSavesTheModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-curl"), null).accessToken();
        String key = make(admin, "{\"name\": \"Shell script\"}").path("key").asText();
        // An admin points the company's job.completed webhook at a request bin the script can read with curl.
        String inbox = TestStack.get().front().url() + "/_devstack/inbox/curl-" + Long.toHexString(System.nanoTime());
        Api.Answer endpoint = call("POST", "/company/webhooks", admin, "{\"url\": \"" + inbox + "\", \"events\": [\"job.completed\"]}");
        assertThat(endpoint.status()).as(endpoint.body().toString()).isEqualTo(201);
        String secret = endpoint.body().path("secret").asText();
        java.nio.file.Files.write(dir.resolve("chair.jpg"), com.image2model.devstack.samples.SampleImages.photoJpeg(8, 320, 240));

        Process run = runJobScript(dir, key, inbox, secret);
        String output = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("waiting for its job.completed webhook").contains("job.completed webhook, signature verified")
                .contains("saved chair.stl").doesNotContain(key).doesNotContain(secret);
        byte[] stl = java.nio.file.Files.readAllBytes(dir.resolve("chair.stl"));
        // Binary STL: an 80-byte header, a triangle count, 50 bytes a triangle.
        long triangles = java.nio.ByteBuffer.wrap(stl, 80, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        assertThat(triangles).isPositive();
        assertThat((long) stl.length).isEqualTo(84 + 50 * triangles);
    }

    private static Process runJobScript(java.nio.file.Path dir, String key, String inbox, String secret) throws java.io.IOException {
        ProcessBuilder script = new ProcessBuilder("bash", TestStack.root().resolve("events/examples/run-job.sh").toString(), "chair.jpg", "low",
                "stl").directory(dir.toFile()).redirectErrorStream(true);
        script.environment().put("I2M_API", TestStack.get().front().url());
        script.environment().put("I2M_API_KEY", key);
        script.environment().put("I2M_WEBHOOK_INBOX", inbox);
        script.environment().put("I2M_WEBHOOK_SECRET", secret);
        return script.start();
    }

    @Test
    void theCurlOnlyExampleRefusesAWebhookItCannotVerify(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String admin = signUp("owner@" + Api.domain("keys-curl-forged"), null).accessToken();
        String key = make(admin, "{\"name\": \"Shell script\"}").path("key").asText();
        String inbox = TestStack.get().front().url() + "/_devstack/inbox/forged-" + Long.toHexString(System.nanoTime());
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": \"" + inbox + "\", \"events\": [\"job.completed\"]}").status())
                .isEqualTo(201);
        java.nio.file.Files.write(dir.resolve("chair.jpg"), com.image2model.devstack.samples.SampleImages.photoJpeg(9, 320, 240));

        // The real delivery is signed with the endpoint's secret; the script holds another one.
        Process run = runJobScript(dir, key, inbox, "whsec_" + "A".repeat(43));
        String output = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isNotZero();
        assertThat(output).contains("signature does not match").doesNotContain("saved chair.stl");
        assertThat(dir.resolve("chair.stl")).doesNotExist();
    }
}
