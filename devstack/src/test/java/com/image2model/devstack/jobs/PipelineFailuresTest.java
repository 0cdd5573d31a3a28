package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.fal.FalWebhookVerifier;
import com.image2model.jobs.JobStore;

/** Every way a file can go wrong, through the real pipeline; after each the credits add up and no file is stuck. */
class PipelineFailuresTest {

    private static final byte[] IMAGE = SampleImages.photoJpeg(21, 400, 300);

    private FalStandIn fal;

    @BeforeEach
    void setUp() {
        fal = Jobs.stack().fal();
        fal.resetFaults();
        fal.webhookRetryBaseMillis(200);
    }

    @AfterEach
    void tearDown() {
        fal.resetFaults();
    }

    private static JsonNode start(Jobs.Company company, int files) throws Exception {
        List<byte[]> images = java.util.Collections.nCopies(files, IMAGE);
        Api.Answer created = Jobs.create(company, "low", images, "image/jpeg");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        return created.body();
    }

    private static String id(JsonNode job) {
        return job.path("jobId").asText();
    }

    @Test
    void aResultFalRefusesWith422IsReleasedWithItsReason() throws Exception {
        Jobs.Company company = Jobs.company("Refused Works", 0);
        fal.failNextResults(1);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));

        JsonNode failed = Jobs.await(company, id(job), Jobs.state("FAILED"));

        assertThat(failed.at("/files/0/reason").asText()).contains("No object could be found in the image").contains("credits were released");
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        assertThat(Jobs.captures(company)).isZero();
        Jobs.assertSettled(company);
    }

    @Test
    void fiveHundredsThenSuccessAreRetriedInTheWorker() throws Exception {
        Jobs.Company company = Jobs.company("Flaky Gateway", 0);
        int before = fal.submitAttempts().size();
        fal.failNextSubmits(503, 2);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));

        Jobs.await(company, id(job), Jobs.state("DONE"));

        assertThat(fal.submitAttempts().size() - before).isEqualTo(3);
        assertThat(Jobs.captures(company)).isEqualTo(1);
        Jobs.assertSettled(company);
    }

    @Test
    void tooManyRequestsAreRetriedAfterABackoffThatHonoursRetryAfter() throws Exception {
        Jobs.Company company = Jobs.company("Busy Queue", 0);
        int before = fal.submitAttempts().size();
        fal.failNextSubmits(429, 2);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));

        Jobs.await(company, id(job), Jobs.state("DONE"));

        List<Long> attempts = fal.submitAttempts().subList(before, fal.submitAttempts().size());
        assertThat(attempts).hasSize(3);
        // Retry-After: 1 on each 429: the worker waited about a second before each retry.
        assertThat(attempts.get(1) - attempts.get(0)).isGreaterThanOrEqualTo(900);
        assertThat(attempts.get(2) - attempts.get(1)).isGreaterThanOrEqualTo(900);
        Jobs.assertSettled(company);
    }

    @Test
    void aGeneratorThatStaysDownSendsTheMessageToTheDeadLetterQueueAndReleasesTheFile() throws Exception {
        Jobs.Company company = Jobs.company("Outage Inc", 0);
        fal.failNextSubmits(503, 1_000);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));

        JsonNode failed = Jobs.await(company, id(job), Jobs.state("FAILED"));
        fal.resetFaults();

        assertThat(failed.at("/files/0/reason").asText()).contains("could not be reached after 5 attempts");
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        // The message itself is kept in the dead-letter queue for the operators.
        String dlq = Jobs.stack().provisioner().ref("JobsDeadLetterQueue");
        boolean found = false;
        long until = System.currentTimeMillis() + 20_000;
        while (!found && System.currentTimeMillis() < until) {
            found = Jobs.stack().aws().sqs().receiveMessage(r -> r.queueUrl(dlq).waitTimeSeconds(1).maxNumberOfMessages(10)).messages().stream()
                    .anyMatch(m -> m.body().contains(id(job)));
        }
        assertThat(found).as("the upload's message is in the DLQ").isTrue();
        Jobs.assertSettled(company);
    }

    @Test
    void aLostWebhookIsMadeUpForByTheSweepersPoll() throws Exception {
        Jobs.Company company = Jobs.company("Silent Hook", 0);
        fal.loseNextWebhooks(1);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));
        JsonNode submitted = Jobs.await(company, id(job), Jobs.fileState("SUBMITTED"));
        JobStore.JobFile file = Jobs.store().file(company.companyId(), id(job), "f001").orElseThrow();
        FalStandIn.Request request = fal.requests().get(file.falRequestId());
        long until = System.currentTimeMillis() + 30_000;
        while (!request.status().equals("COMPLETED") && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertThat(submitted.path("state").asText()).isEqualTo("PROCESSING");

        // The poll is due 2 s after submission in the test stack.
        Thread.sleep(2_500);
        JsonNode swept = Jobs.sweep();

        assertThat(swept.path("finishedByPoll").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(Jobs.job(company, id(job)).path("state").asText()).isEqualTo("DONE");
        assertThat(request.webhookDeliveries()).isZero();
        assertThat(Jobs.captures(company)).isEqualTo(1);
        Jobs.assertSettled(company);
    }

    @Test
    void aWebhookDeliveredThreeTimesCapturesOnce() throws Exception {
        Jobs.Company company = Jobs.company("Echo Hooks", 0);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));
        JsonNode done = Jobs.await(company, id(job), Jobs.state("DONE"));
        String requestId = Jobs.store().file(company.companyId(), id(job), "f001").orElseThrow().falRequestId();

        assertThat(fal.redeliverWebhook(requestId)).isEqualTo(200);
        assertThat(fal.redeliverWebhook(requestId)).isEqualTo(200);

        JsonNode after = Jobs.job(company, id(job));
        assertThat(after.at("/files/0/times/completedAt")).isEqualTo(done.at("/files/0/times/completedAt"));
        assertThat(Jobs.captures(company)).isEqualTo(1);
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL - 35);
        Jobs.assertSettled(company);
    }

    @Test
    void badlySignedOrStaleWebhooksAre401AndChangeNothing() throws Exception {
        Jobs.Company company = Jobs.company("Forged Hooks", 0);
        fal.slowNextJobs(1, 4_000);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));
        Jobs.await(company, id(job), Jobs.fileState("SUBMITTED"));
        JobStore.JobFile file = Jobs.store().file(company.companyId(), id(job), "f001").orElseThrow();
        String rid = file.falRequestId();
        String url = Jobs.stack().front().url() + "/webhooks/fal?company=" + company.companyId() + "&job=" + id(job) + "&file=f001";
        byte[] genuine = ("{\"request_id\":\"" + rid + "\",\"gateway_request_id\":\"" + rid
                + "\",\"status\":\"ERROR\",\"error\":\"Invalid status code: 422\",\"payload\":{\"detail\":[{\"msg\":\"forged\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tampered = new String(genuine, StandardCharsets.UTF_8).replace("ERROR", "OK").getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        CreditLedger.Balance before = Jobs.ledger().balance(company.companyId());

        // The body changed after signing.
        assertThat(post(url, tampered, fal.signatureHeaders(rid, genuine, now)).statusCode()).isEqualTo(401);
        // Signed by a key that is not FAL's.
        assertThat(post(url, genuine, foreignSignature(rid, genuine, now)).statusCode()).isEqualTo(401);
        // Genuinely FAL's, but for another FAL account (FAL signs every account's webhooks with the same keys).
        HttpResponse<String> otherAccount = post(url, genuine, fal.signatureHeaders(rid, "someone-elses-fal-user", genuine, now));
        assertThat(otherAccount.statusCode()).isEqualTo(401);
        assertThat(Api.JSON.readTree(otherAccount.body()).at("/error/code").asText()).isEqualTo("invalid_signature");
        // Genuine but stale: signed 400 s ago (the window is 300 s).
        HttpResponse<String> stale = post(url, genuine, fal.signatureHeaders(rid, genuine, now - 400));
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(Api.JSON.readTree(stale.body()).at("/error/code").asText()).isEqualTo("invalid_signature");
        // Genuine but signed in the future: 400 s ahead is refused like 400 s behind.
        HttpResponse<String> future = post(url, genuine, fal.signatureHeaders(rid, genuine, now + 400));
        assertThat(future.statusCode()).isEqualTo(401);
        assertThat(Api.JSON.readTree(future.body()).at("/error/code").asText()).isEqualTo("invalid_signature");
        // No signature at all.
        assertThat(post(url, genuine, Map.of()).statusCode()).isEqualTo(401);

        assertThat(Jobs.store().file(company.companyId(), id(job), "f001").orElseThrow().state()).isEqualTo(JobStore.FileState.SUBMITTED);
        assertThat(Jobs.ledger().balance(company.companyId())).isEqualTo(before);
        // The real answer still gets through.
        Jobs.await(company, id(job), Jobs.state("DONE"));
        Jobs.assertSettled(company);
    }

    @Test
    void aTextFileNamedPngIsRejectedAndReleased() throws Exception {
        Jobs.Company company = Jobs.company("Text Not Image", 0);
        byte[] text = "This is a shopping list, not a picture.\n".repeat(20).getBytes(StandardCharsets.UTF_8);
        Api.Answer created = Jobs.create(company, "low", List.of(text), "image/png");
        Jobs.uploadAll(created.body(), List.of(text));

        JsonNode failed = Jobs.await(company, id(created.body()), Jobs.state("FAILED"));

        assertThat(failed.at("/files/0/reason").asText()).contains("not a JPEG, PNG or WebP image");
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        Jobs.assertSettled(company);
    }

    @Test
    void tinyAndDeclaredAsAnotherTypeImagesAreRejected() throws Exception {
        Jobs.Company company = Jobs.company("Odd Pictures", 0);
        byte[] tiny = SampleImages.photoJpeg(3, 40, 40);
        byte[] png = SampleImages.cutoutPng(4, 200, 200);
        Api.Answer first = Jobs.create(company, "low", List.of(tiny), "image/jpeg");
        Jobs.uploadAll(first.body(), List.of(tiny));
        Api.Answer second = Jobs.create(company, "low", List.of(png), "image/jpeg");
        Jobs.uploadAll(second.body(), List.of(png));

        assertThat(Jobs.await(company, id(first.body()), Jobs.state("FAILED")).at("/files/0/reason").asText())
                .contains("40 x 40 pixels").contains("at least 64");
        assertThat(Jobs.await(company, id(second.body()), Jobs.state("FAILED")).at("/files/0/reason").asText())
                .contains("declared as image/jpeg but is a image/png");
        Jobs.assertSettled(company);
    }

    @Test
    void anUploadOfAnotherSizeIsRefusedByS3() throws Exception {
        Jobs.Company company = Jobs.company("Wrong Size", 0);
        JsonNode job = start(company, 1);
        Jobs.Upload upload = Jobs.uploads(job).get(0);
        byte[] longer = java.util.Arrays.copyOf(IMAGE, IMAGE.length + 1000);

        HttpResponse<String> refused = Jobs.put(upload, longer);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("SignatureDoesNotMatch");
        // Another content type is refused too.
        HttpResponse<String> otherType = Jobs.put(new Jobs.Upload(upload.fileId(), upload.url(), Map.of("Content-Type", "image/png")), IMAGE);
        assertThat(otherType.statusCode()).isEqualTo(403);
        Thread.sleep(500);
        assertThat(Jobs.job(company, id(job)).at("/files/0/state").asText()).isEqualTo("AWAITING_UPLOAD");
        // The right bytes still go through.
        assertThat(Jobs.put(upload, IMAGE).statusCode()).isEqualTo(200);
        Jobs.await(company, id(job), Jobs.state("DONE"));
        Jobs.assertSettled(company);
    }

    @Test
    void aCancelledJobReleasesEveryOpenFileAndCancelsAtFal() throws Exception {
        Jobs.Company company = Jobs.company("Change Of Mind", 0);
        fal.slowNextJobs(1, 3_000);
        JsonNode job = start(company, 2);
        Jobs.put(Jobs.uploads(job).get(0), IMAGE);
        Jobs.await(company, id(job), j -> j.at("/files/0/state").asText().equals("SUBMITTED"));
        String rid = Jobs.store().file(company.companyId(), id(job), "f001").orElseThrow().falRequestId();

        Api.Answer cancelled = Api.call("DELETE", "/jobs/" + id(job), company.token(), null);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().path("state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.body().at("/files/0/state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.body().at("/files/1/state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.body().at("/files/0/reason").asText()).contains("Cancelled by " + company.email());
        assertThat(fal.requests().get(rid).cancelled()).isTrue();
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        // The late upload of the second file and FAL's end change nothing.
        Jobs.put(Jobs.uploads(job).get(1), IMAGE);
        Thread.sleep(3_500);
        assertThat(Jobs.captures(company)).isZero();
        assertThat(Api.call("DELETE", "/jobs/" + id(job), company.token(), null).errorCode()).isEqualTo("job_finished");
        Jobs.assertSettled(company);
    }

    @Test
    void aHoldThatExpiresBeforeTheUploadFailsTheFileAndALateUploadChangesNothing() throws Exception {
        Jobs.Company company = Jobs.company("Too Late", 0);
        JsonNode job = start(company, 1);
        String holdId = JobStore.holdId(id(job), "f001");
        // Time passes: the hold is due now.
        Jobs.ledger().extend(company.companyId(), holdId, Instant.now().minusSeconds(1));

        JsonNode swept = Jobs.sweep();

        assertThat(swept.path("expiredHolds").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode failed = Jobs.job(company, id(job));
        assertThat(failed.path("state").asText()).isEqualTo("FAILED");
        assertThat(failed.at("/files/0/reason").asText()).contains("not uploaded while its upload link was valid");
        assertThat(Jobs.ledger().hold(company.companyId(), holdId).orElseThrow().status()).isEqualTo(CreditLedger.HoldStatus.EXPIRED);
        assertThat(Jobs.put(Jobs.uploads(job).get(0), IMAGE).statusCode()).isEqualTo(200);
        Thread.sleep(2_000);
        assertThat(Jobs.job(company, id(job)).at("/files/0/state").asText()).isEqualTo("FAILED");
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        Jobs.assertSettled(company);
    }

    @Test
    void aCompanyThatCannotPayGets402AndNothingIsCreated() throws Exception {
        Jobs.Company company = Jobs.company("Short Of Credits", 0);
        Api.Answer refused = Jobs.create(company, "high", List.of(IMAGE, IMAGE, IMAGE), "image/jpeg");

        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.errorCode()).isEqualTo("insufficient_credits");
        assertThat(refused.body().at("/error/message").asText()).contains("210").contains(String.valueOf(Api.TRIAL));
        assertThat(Api.call("GET", "/jobs", company.token(), null).body().path("jobs")).isEmpty();
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        assertThat(Jobs.ledger().holds(company.companyId())).isEmpty();
        Jobs.assertSettled(company);
    }

    @Test
    void badRequestsAreRefusedWithCodes() throws Exception {
        Jobs.Company company = Jobs.company("Careless Client", 0);
        assertThat(code(company, "{\"quality\":\"ultra\",\"files\":[{\"contentType\":\"image/png\",\"size\":10}]}")).isEqualTo("400 invalid_quality");
        assertThat(code(company, "{\"quality\":\"low\",\"files\":[]}")).isEqualTo("400 invalid_files");
        assertThat(code(company, "{\"quality\":\"low\",\"files\":[{\"contentType\":\"image/gif\",\"size\":10}]}")).isEqualTo("400 unsupported_type");
        assertThat(code(company, "{\"quality\":\"low\",\"files\":[{\"contentType\":\"image/png\",\"size\":20971521}]}")).isEqualTo("413 file_too_large");
        assertThat(code(company, "{\"quality\":\"low\",\"files\":[{\"contentType\":\"image/png\",\"size\":-1}]}")).isEqualTo("400 invalid_size");
        assertThat(code(company, "{\"quality\":\"low\",\"files\":[" + String.join(",",
                java.util.Collections.nCopies(101, "{\"contentType\":\"image/png\",\"size\":10}")) + "]}")).isEqualTo("400 invalid_files");
        assertThat(code(company, "not json")).startsWith("400 ");
        assertThat(Api.call("GET", "/jobs/not-a-job", company.token(), null).status()).isEqualTo(404);
        assertThat(Api.call("GET", "/jobs?cursor=zzz", company.token(), null).errorCode()).isEqualTo("invalid_cursor");

        Api.Answer named = Api.call("POST", "/jobs", company.token(),
                "{\"quality\":\"low\",\"files\":[{\"name\":\"../../etc/pass<wd>.png\",\"contentType\":\"image/png\",\"size\":10}]}");
        assertThat(named.status()).isEqualTo(201);
        assertThat(named.body().at("/files/0/name").asText()).isEqualTo("pass_wd_.png");
        Api.call("DELETE", "/jobs/" + id(named.body()), company.token(), null);
        Jobs.assertSettled(company);
    }

    @Test
    void aMessageThatIsNotAnUploadIsDroppedWithoutRetries() throws Exception {
        String queue = Jobs.stack().provisioner().ref("JobsQueue");
        long before = Jobs.stack().eventSources().invocations();
        Jobs.stack().aws().sqs().sendMessage(r -> r.queueUrl(queue).messageBody("this is not an S3 event"));
        Jobs.stack().aws().sqs().sendMessage(r -> r.queueUrl(queue).messageBody(
                "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"elsewhere\"},\"object\":{\"key\":\"uploads/x/y/z.jpg\"}}}]}"));
        long until = System.currentTimeMillis() + 10_000;
        while (Jobs.stack().eventSources().invocations() < before + 1 && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        Thread.sleep(1_500);
        var attributes = Jobs.stack().aws().sqs().getQueueAttributes(r -> r.queueUrl(queue).attributeNamesWithStrings("All")).attributes();
        assertThat(attributes.get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("0");
        assertThat(attributes.get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("0");
    }

    @Test
    void aBatchReportsOnlyItsFailedMessage() throws Exception {
        Jobs.Company company = Jobs.company("Half Batch", 0);
        JsonNode job = start(company, 1);
        // The file is uploaded while the event source stands aside: the worker meets it here first, in a
        // batch beside a message that is no upload.
        Jobs.stack().fal().failNextSubmits(503, 1_000);
        Jobs.stack().eventSources().pause();
        Jobs.uploadAll(job, List.of(IMAGE));
        String key = "uploads/" + company.companyId() + "/" + id(job) + "/f001.jpg";
        String s3Event = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\""
                + Jobs.stack().provisioner().ref("UploadsBucket") + "\"},\"object\":{\"key\":\"" + key + "\"}}}]}";
        String event = Api.JSON.writeValueAsString(Map.of("Records", List.of(
                Map.of("messageId", "upload", "body", s3Event, "attributes", Map.of("ApproximateReceiveCount", "1")),
                Map.of("messageId", "other", "body", "{\"Event\":\"s3:TestEvent\"}", "attributes", Map.of("ApproximateReceiveCount", "1")))));

        JsonNode answer;
        try {
            answer = Api.JSON.readTree(Jobs.stack().functions().invoke("WorkerFunction", event.getBytes(StandardCharsets.UTF_8)));
        } finally {
            fal.resetFaults();
            Jobs.stack().eventSources().resume();
        }

        assertThat(answer.path("batchItemFailures")).hasSize(1);
        assertThat(answer.at("/batchItemFailures/0/itemIdentifier").asText()).isEqualTo("upload");
        // SQS's own delivery of the upload then goes through.
        Jobs.await(company, id(job), Jobs.state("DONE"));
        Jobs.assertSettled(company);
    }

    @Test
    void aFullBatchAgainstAGeneratorThatFailsSlowlyEndsBeforeTheTimeoutAndLeavesItsMessagesToSqs() throws Exception {
        Jobs.Company company = Jobs.company("Slow Outage", 400);
        JsonNode job = start(company, 10);
        String jobId = id(job);
        long heldBefore = Jobs.ledger().balance(company.companyId()).held();
        Jobs.stack().eventSources().pause();
        String event;
        try {
            Jobs.uploadAll(job, java.util.Collections.nCopies(10, IMAGE));
            List<Map<String, Object>> records = new java.util.ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                String key = "uploads/" + company.companyId() + "/" + jobId + "/f" + String.format("%03d", i) + ".jpg";
                String s3Event = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\""
                        + Jobs.stack().provisioner().ref("UploadsBucket") + "\"},\"object\":{\"key\":\"" + key + "\"}}}]}";
                records.add(Map.of("messageId", "m" + i, "body", s3Event, "attributes", Map.of("ApproximateReceiveCount", "1")));
            }
            event = Api.JSON.writeValueAsString(Map.of("Records", records));
        } catch (Exception e) {
            Jobs.stack().eventSources().resume();
            throw e;
        }
        // Every submit waits 2 s and then answers 503: unbounded, 10 messages x 3 attempts would take over a minute.
        int timeoutSeconds = 10;
        fal.failNextSubmits(503, 1_000, 2_000);
        int attemptsBefore = fal.submitAttempts().size();
        JsonNode answer;
        long took;
        try {
            long started = System.nanoTime();
            answer = Api.JSON.readTree(Jobs.stack().functions().invoke("WorkerFunction", event.getBytes(StandardCharsets.UTF_8), timeoutSeconds));
            took = (System.nanoTime() - started) / 1_000_000;
        } finally {
            fal.resetFaults();
        }
        try {
            assertThat(took).as("the batch ended before the %d s timeout", timeoutSeconds).isLessThan(timeoutSeconds * 1000L);
            // The worker did try FAL (and retried), then stopped in time.
            assertThat(fal.submitAttempts().size() - attemptsBefore).isBetween(2, 9);
            // Every message is left for SQS: none was submitted, none failed for good.
            assertThat(answer.path("batchItemFailures")).hasSize(10);
            JsonNode view = Jobs.job(company, jobId);
            for (JsonNode file : view.path("files")) {
                assertThat(file.path("state").asText()).as("%s", file).isIn("AWAITING_UPLOAD", "UPLOADED");
            }
            assertThat(Jobs.ledger().balance(company.companyId()).held()).isEqualTo(heldBefore);
        } finally {
            Jobs.stack().eventSources().resume();
        }
        // SQS's own deliveries, with FAL back, finish the job.
        Jobs.await(company, jobId, Jobs.state("DONE"));
        Jobs.assertSettled(company);
    }

    private static String code(Jobs.Company company, String body) throws Exception {
        Api.Answer answer = Api.call("POST", "/jobs", company.token(), body);
        return answer.status() + " " + answer.errorCode();
    }

    private static HttpResponse<String> post(String url, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return Jobs.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> foreignSignature(String requestId, byte[] body, long at) throws Exception {
        var keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String message = String.join("\n", requestId, FalStandIn.USER_ID, Long.toString(at), FalWebhookVerifier.sha256Hex(body));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(message.getBytes(StandardCharsets.UTF_8));
        return Map.of("X-Fal-Webhook-Request-Id", requestId, "X-Fal-Webhook-User-Id", FalStandIn.USER_ID,
                "X-Fal-Webhook-Timestamp", Long.toString(at), "X-Fal-Webhook-Signature", HexFormat.of().formatHex(signer.sign()));
    }

    /**
     * Cancelling a file FAL has accepted but will not drop (it answers ALREADY_COMPLETED): its
     * credits are not released; the result arrives and is charged once, and the answer says so.
     */
    @Test
    void aCancelFalRefusesLetsTheResultArriveAndCharges() throws Exception {
        Jobs.Company company = Jobs.company("Late Cancel", 0);
        fal.slowNextJobs(1, 3_000);
        fal.refuseCancels(true);
        JsonNode job = start(company, 1);
        Jobs.uploadAll(job, List.of(IMAGE));
        Jobs.await(company, id(job), Jobs.fileState("SUBMITTED"));

        com.image2model.devstack.identity.Api.Answer cancelled = com.image2model.devstack.identity.Api.call("DELETE", "/jobs/" + id(job),
                company.token(), null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().path("stillFinishing").asInt()).isEqualTo(1);
        assertThat(cancelled.body().path("message").asText()).contains("could not be stopped").contains("charged");
        assertThat(cancelled.body().at("/files/0/state").asText()).isEqualTo("SUBMITTED");
        assertThat(Jobs.ledger().balance(company.companyId()).held()).as("still held, not released").isEqualTo(35);

        Jobs.await(company, id(job), Jobs.fileState("DONE"));
        assertThat(Jobs.captures(company)).isEqualTo(1);
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL - 35);
        Jobs.assertSettled(company);
    }
}
