package com.image2model.devstack.jobs;

import static com.image2model.devstack.identity.Api.call;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.JobNotices;
import com.image2model.webhooks.WebhookOutbox;
import com.image2model.webhooks.WebhookSignature;
import com.image2model.webhooks.WebhookStore;
import com.sun.net.httpserver.HttpServer;

/**
 * Outgoing webhooks through the whole devstack: endpoints made by an admin, events from the real
 * pipeline queued, signed and POSTed by the delivery function to a real HTTP receiver on loopback,
 * retried on failure, logged, turned off after failing for the (test-short) window.
 */
class WebhooksTest {

    /** One request the receiver got. */
    record Received(String path, String signature, String eventId, JsonNode body, String raw, int answered) {
    }

    private HttpServer receiver;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    /** Per event type or path: how many requests still get a 500 before the 200s ({@link #ALWAYS}: every one gets a 503). */
    private final Map<String, AtomicInteger> failFirst = new ConcurrentHashMap<>();
    private static final int ALWAYS = Integer.MIN_VALUE;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            JsonNode body = Api.JSON.readTree(raw);
            AtomicInteger failures = failFirst.getOrDefault(body.path("type").asText(), failFirst.getOrDefault(path, new AtomicInteger(0)));
            int status = failures.get() == ALWAYS ? 503 : failures.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0 ? 500 : 200;
            received.add(new Received(path, exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    exchange.getRequestHeaders().getFirst("Image2Model-Event-Id"), body, raw, status));
            byte[] answer = (status == 200 ? "ok" : "{\"error\":\"not now\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String url(String path) {
        return "http://localhost:" + receiver.getAddress().getPort() + path;
    }

    private List<Received> got(Predicate<Received> which) {
        synchronized (received) {
            return received.stream().filter(which).toList();
        }
    }

    private List<Received> await(Predicate<Received> which, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (got(which).size() < count) {
            assertThat(System.currentTimeMillis()).as("waiting for %d deliveries; got %s", count,
                    got(r -> true).stream().map(r -> r.body().path("type").asText() + " " + r.answered()).toList()).isLessThan(deadline);
            Thread.sleep(100);
        }
        return got(which);
    }

    private static JsonNode endpoint(Jobs.Company company, String url, String... events) throws Exception {
        Api.Answer made = call("POST", "/company/webhooks", company.token(), Api.JSON.writeValueAsString(Map.of("url", url,
                "events", List.of(events), "description", "Our DAM")));
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        return made.body();
    }

    @Test
    void aJobIsToldOnceSignedRetriedAfterTwo500sAndLogged() throws Exception {
        Jobs.Company company = Jobs.company("Hook Studio", 1000);
        JsonNode endpoint = endpoint(company, url("/hooks/jobs"), "job.completed", "file.completed", "file.failed");
        String secret = endpoint.path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        JsonNode listed = call("GET", "/company/webhooks", company.token(), null).body();
        assertThat(listed.toString()).doesNotContain(secret.substring(6));
        assertThat(listed.path("endpoints").get(0).path("events").toString()).contains("job.completed");

        List<byte[]> images = List.of(SampleImages.photoJpeg(41, 640, 480), SampleImages.photoJpeg(42, 480, 640));
        // The job.completed event's first two attempts are answered 500, the third 200.
        failFirst.put("job.completed", new AtomicInteger(2));
        Api.Answer created = Jobs.create(company, "low", images, "image/jpeg");
        String jobId = created.body().path("jobId").asText();
        Jobs.uploadAll(created.body(), images);
        List<Received> files = await(r -> r.body().path("type").asText().equals("file.completed"), 2);
        Jobs.await(company, jobId, Jobs.state("DONE"));
        List<Received> jobEvents = await(r -> r.body().path("type").asText().equals("job.completed") && r.answered() == 200, 1);
        assertThat(files).allSatisfy(f -> assertThat(f.body().path("data").path("jobId").asText()).isEqualTo(jobId));

        List<Received> all = got(r -> true);
        long now = Clock.systemUTC().instant().getEpochSecond();
        assertThat(all).allSatisfy(r -> assertThat(WebhookSignature.verify(secret, r.signature(), r.raw(), now, 300))
                .as("signed with the endpoint's secret: %s", r.signature()).isTrue());
        List<Received> jobAttempts = got(r -> r.body().path("type").asText().equals("job.completed"));
        assertThat(jobAttempts).extracting(Received::answered).containsExactly(500, 500, 200);
        assertThat(jobAttempts).extracting(Received::eventId).containsOnly(jobAttempts.get(0).body().path("id").asText());

        JsonNode data = jobEvents.get(0).body().path("data");
        assertThat(data.path("state").asText()).isEqualTo("done");
        assertThat(data.path("done").asInt()).isEqualTo(2);
        assertThat(data.path("creditsCharged").asLong()).isEqualTo(created.body().path("cost").asLong());
        assertThat(data.path("models")).hasSize(2);
        assertThat(data.toString()).doesNotContain("_modelKey").doesNotContain("\":\"results/");
        byte[] model = Jobs.fetch(data.path("models").get(0).path("modelUrl").asText());
        assertThat(new String(model, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("glTF");
        assertThat(Jobs.fetch(data.path("models").get(0).path("thumbnailUrl").asText())).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});

        // The log: three attempts of job.completed with their answers; the file events delivered at once.
        JsonNode deliveries = call("GET", "/company/webhooks/" + endpoint.path("id").asText() + "/deliveries", company.token(), null).body();
        JsonNode jobDelivery = null;
        for (JsonNode d : deliveries.path("deliveries")) {
            if (d.path("type").asText().equals("job.completed")) {
                jobDelivery = d;
            }
        }
        assertThat(jobDelivery).isNotNull();
        assertThat(jobDelivery.path("state").asText()).isEqualTo("delivered");
        assertThat(jobDelivery.path("attempts").asInt()).isEqualTo(3);
        assertThat(jobDelivery.path("log").findValuesAsText("status")).containsExactly("500", "500", "200");
        assertThat(jobDelivery.path("log").get(0).path("response").asText()).contains("not now");

        // Told again, 12 times at once (redelivered queue messages, two files ending together): still one job.completed.
        String table = TestStack.get().provisioner().ref("Table");
        String queue = TestStack.get().provisioner().ref("WebhookQueue");
        JobNotices again = new JobNotices(Jobs.store(), new WebhookOutbox(new WebhookStore(TestStack.get().aws().dynamoDb(), table,
                Clock.systemUTC()), (body, delay) -> TestStack.get().aws().sqs().sendMessage(m -> m.queueUrl(queue).messageBody(body)
                .delaySeconds(delay)), Clock.systemUTC()));
        var jobFiles = Jobs.store().files(company.companyId(), jobId);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> tellings = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            var file = jobFiles.get(i % jobFiles.size());
            tellings.add(pool.submit(() -> again.fileEnded(file)));
        }
        for (Future<?> telling : tellings) {
            telling.get();
        }
        pool.shutdown();
        Thread.sleep(3000);
        assertThat(got(r -> r.body().path("type").asText().equals("job.completed") && r.answered() == 200)).hasSize(1);
        assertThat(got(r -> r.body().path("type").asText().equals("file.completed"))).hasSize(2);

        // Redeliver by id: the admin asks, the same event comes again (same id), and the log grows.
        Api.Answer redelivered = call("POST", "/company/webhooks/" + endpoint.path("id").asText() + "/deliveries/"
                + jobDelivery.path("id").asText() + "/redeliver", company.token(), null);
        assertThat(redelivered.status()).as(redelivered.body().toString()).isEqualTo(202);
        List<Received> twice = await(r -> r.body().path("type").asText().equals("job.completed") && r.answered() == 200, 2);
        assertThat(twice.get(1).eventId()).isEqualTo(twice.get(0).eventId());
    }

    @Test
    void anEndpointThatKeepsFailingIsTurnedOffItsAdminsAreToldAndItCanBeTurnedOnAndRedelivered() throws Exception {
        Jobs.Company company = Jobs.company("Down Hooks", 1000);
        failFirst.put("/down", new AtomicInteger(ALWAYS));
        JsonNode endpoint = endpoint(company, url("/down"), "file.completed");
        String id = endpoint.path("id").asText();
        List<byte[]> images = List.of(SampleImages.photoJpeg(43, 640, 480));
        Api.Answer created = Jobs.create(company, "low", images, "image/jpeg");
        Jobs.uploadAll(created.body(), images);
        Jobs.await(company, created.body().path("jobId").asText(), Jobs.state("DONE"));

        // Retried a second apart (the test stack's schedule) until the 20 s window ends; then the endpoint is off.
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode shown;
        do {
            Thread.sleep(500);
            shown = call("GET", "/company/webhooks", company.token(), null).body().path("endpoints").get(0);
            assertThat(System.currentTimeMillis()).as("the endpoint is turned off").isLessThan(deadline);
        } while (shown.path("enabled").asBoolean());
        assertThat(shown.path("disabledReason").asText()).contains("failed").contains("503");
        assertThat(got(r -> r.path().equals("/down")).size()).isGreaterThanOrEqualTo(5);
        assertThat(TestStack.get().cognito().outbox().stream().filter(m -> m.to().equals(company.email())
                && m.subject().contains("webhook endpoint was turned off")).count()).isEqualTo(1);
        JsonNode delivery = call("GET", "/company/webhooks/" + id + "/deliveries", company.token(), null).body().path("deliveries").get(0);
        assertThat(delivery.path("state").asText()).isIn("failed", "retrying");

        // Fixed: turned on again, the delivery is sent again and arrives.
        failFirst.put("/down", new AtomicInteger(0));
        Api.Answer on = call("PATCH", "/company/webhooks/" + id, company.token(), "{\"enabled\": true}");
        assertThat(on.status()).isEqualTo(200);
        assertThat(on.body().path("failingSince").isNull()).isTrue();
        deadline = System.currentTimeMillis() + 30_000;
        while (!call("GET", "/company/webhooks/" + id + "/deliveries", company.token(), null).body().path("deliveries").get(0)
                .path("state").asText().matches("failed|skipped")) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(300);
        }
        Api.Answer again = call("POST", "/company/webhooks/" + id + "/deliveries/" + delivery.path("id").asText() + "/redeliver",
                company.token(), null);
        assertThat(again.status()).as(again.body().toString()).isEqualTo(202);
        await(r -> r.path().equals("/down") && r.answered() == 200, 1);
    }

    @Test
    void creditsLowAndATestPingArriveAndARotatedSecretSignsBesideTheOldOne() throws Exception {
        Jobs.Company company = Jobs.company("Ping Hooks", 0);
        JsonNode endpoint = endpoint(company, url("/money"), "credits.low");
        String id = endpoint.path("id").asText();
        String old = endpoint.path("secret").asText();

        // The trial is 160; a job of 2 medium images holds 104: 56 left, below the threshold of 70.
        List<byte[]> images = List.of(SampleImages.photoJpeg(44, 640, 480), SampleImages.photoJpeg(45, 640, 480));
        assertThat(Jobs.create(company, "medium", images, "image/jpeg").status()).isEqualTo(201);
        Received low = await(r -> r.body().path("type").asText().equals("credits.low"), 1).get(0);
        assertThat(low.body().path("data").path("available").asLong()).isEqualTo(Api.TRIAL - 104);
        assertThat(low.body().path("data").path("threshold").asLong()).isEqualTo(70);

        Api.Answer rotated = call("POST", "/company/webhooks/" + id + "/rotate-secret", company.token(), "{\"graceHours\": 2}");
        assertThat(rotated.status()).isEqualTo(201);
        String fresh = rotated.body().path("secret").asText();
        assertThat(fresh).isNotEqualTo(old).startsWith("whsec_");
        assertThat(rotated.body().path("previousSecretWorksUntil").isTextual()).isTrue();
        Api.Answer ping = call("POST", "/company/webhooks/" + id + "/test", company.token(), null);
        assertThat(ping.status()).isEqualTo(202);
        Received pinged = await(r -> r.body().path("type").asText().equals("ping"), 1).get(0);
        long now = Clock.systemUTC().instant().getEpochSecond();
        assertThat(WebhookSignature.verify(fresh, pinged.signature(), pinged.raw(), now, 300)).isTrue();
        assertThat(WebhookSignature.verify(old, pinged.signature(), pinged.raw(), now, 300)).isTrue();

        // Rotated with no grace: the old secret signs nothing more.
        String newest = call("POST", "/company/webhooks/" + id + "/rotate-secret", company.token(), "{\"graceHours\": 0}").body()
                .path("secret").asText();
        call("POST", "/company/webhooks/" + id + "/test", company.token(), null);
        Received second = await(r -> r.body().path("type").asText().equals("ping"), 2).get(1);
        assertThat(WebhookSignature.verify(newest, second.signature(), second.raw(), now, 300)).isTrue();
        assertThat(WebhookSignature.verify(fresh, second.signature(), second.raw(), now, 300)).isFalse();
    }

    @Test
    void badEndpointsAndCallersAreRefusedByName() throws Exception {
        Jobs.Company company = Jobs.company("Strict Hooks", 0);
        String admin = company.token();
        for (String url : new String[] {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/hook", "ftp://example.com/",
                "https://user:pw@example.com/", "not a url", "http://[fd00:ec2::254]/"}) {
            Api.Answer refused = call("POST", "/company/webhooks", admin, Api.JSON.writeValueAsString(Map.of("url", url,
                    "events", List.of("job.completed"))));
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.errorCode()).as(url).isEqualTo("invalid_url");
        }
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": \"http://localhost:9/x\", \"events\": []}").errorCode())
                .isEqualTo("invalid_events");
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": \"http://localhost:9/x\", \"events\": [\"job.done\"]}").errorCode())
                .isEqualTo("invalid_events");
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": \"http://localhost:9/x\", \"events\": \"job.completed\"}")
                .errorCode()).isEqualTo("invalid_events");
        assertThat(call("POST", "/company/webhooks", admin, "[{\"url\": \"http://localhost:9/x\"}]").errorCode()).isEqualTo("invalid_json");
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": 7, \"events\": [\"job.completed\"]}").errorCode())
                .isEqualTo("invalid_url");
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": \"http://localhost:9/x\", \"events\": [\"ping\"]}").errorCode())
                .isEqualTo("invalid_events");

        String member = Api.joinAs(admin, "staff@" + company.email().substring(company.email().indexOf('@') + 1)).accessToken();
        assertThat(call("GET", "/company/webhooks", member, null).errorCode()).isEqualTo("admin_required");
        String adminKey = call("POST", "/company/api-keys", admin, "{\"name\": \"Ops\", \"role\": \"admin\"}").body().path("key").asText();
        Api.Answer byKey = call("POST", "/company/webhooks", adminKey, "{\"url\": \"http://localhost:9/x\", \"events\": [\"job.completed\"]}");
        assertThat(byKey.errorCode()).isEqualTo("person_required");
        assertThat(call("GET", "/company/webhooks", adminKey, null).status()).isEqualTo(200);

        // Another company's endpoint is no endpoint at all.
        Jobs.Company other = Jobs.company("Other Hooks", 0);
        String theirs = endpoint(other, "http://localhost:9/theirs", "job.completed").path("id").asText();
        assertThat(call("PATCH", "/company/webhooks/" + theirs, admin, "{\"enabled\": false}").status()).isEqualTo(404);
        assertThat(call("DELETE", "/company/webhooks/" + theirs, admin, null).status()).isEqualTo(404);
        assertThat(call("POST", "/company/webhooks/" + theirs + "/test", admin, null).status()).isEqualTo(404);
        assertThat(call("GET", "/company/webhooks/" + theirs + "/deliveries", admin, null).status()).isEqualTo(404);
        assertThat(call("POST", "/company/webhooks/" + theirs + "/rotate-secret", admin, null).status()).isEqualTo(404);
        assertThat(call("GET", "/company/webhooks/" + theirs + "/deliveries?cursor=../../x", other.token(), null).errorCode())
                .isEqualTo("invalid_cursor");

        // Ten at most; deleting makes room.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(endpoint(company, "http://localhost:9/n" + i, "file.failed").path("id").asText());
        }
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": \"http://localhost:9/x\", \"events\": [\"file.failed\"]}").errorCode())
                .isEqualTo("too_many_webhooks");
        assertThat(call("DELETE", "/company/webhooks/" + ids.get(0), admin, null).status()).isEqualTo(200);
        assertThat(call("GET", "/company/webhooks/" + ids.get(0) + "/deliveries", admin, null).status()).isEqualTo(404);
        assertThat(call("POST", "/company/webhooks", admin, "{\"url\": \"http://localhost:9/x\", \"events\": [\"file.failed\"]}").status())
                .isEqualTo(201);
    }
}
