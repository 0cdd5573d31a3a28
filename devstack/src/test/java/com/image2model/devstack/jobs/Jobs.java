package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.Stack;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.credits.LedgerInvariant;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.identity.LoginFlow;
import com.image2model.jobs.JobStore;

/** A company of its own per test, and the steps of the pipeline as a client takes them. */
public final class Jobs {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    public record Company(String token, String companyId, String email) {
    }

    record Upload(String fileId, String url, Map<String, String> headers) {
    }

    private Jobs() {
    }

    static Stack stack() {
        return TestStack.get();
    }

    static String table() {
        return stack().provisioner().ref("Table");
    }

    static CreditLedger ledger() {
        return new CreditLedger(stack().aws().dynamoDb(), table(), Clock.systemUTC());
    }

    static JobStore store() {
        // As the functions build it: a file's end gives its FAL slot back.
        return new JobStore(stack().aws().dynamoDb(), table(), ledger(), Clock.systemUTC()).withSlots(new com.image2model.jobs.FalSlots(
                stack().aws().dynamoDb(), table(), com.image2model.jobs.FalSlots.Limits.parse(System.getProperty("FAL_SLOTS", "32"))), app -> { });
    }

    /** A new company (trial credits) plus {@code extra} credits granted. */
    public static Company company(String name, long extra) throws Exception {
        String email = "owner@" + Api.domain(name.toLowerCase().replaceAll("[^a-z0-9]+", "-"));
        LoginFlow.Result result = Api.signUp(email, name);
        String token = result.accessToken();
        String companyId = Api.claims(token).path("company_id").asText();
        if (extra > 0) {
            ledger().grant(companyId, extra, "test credits", "test-" + companyId);
        }
        return new Company(token, companyId, email);
    }

    public static Api.Answer create(Company company, String quality, List<byte[]> images, String contentType) throws Exception {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("quality", quality);
        body.put("name", "test job");
        ArrayNode files = body.putArray("files");
        for (int i = 0; i < images.size(); i++) {
            files.addObject().put("name", "picture-" + (i + 1) + (contentType.endsWith("png") ? ".png" : ".jpg"))
                    .put("contentType", contentType).put("size", images.get(i).length);
        }
        return Api.call("POST", "/jobs", company.token(), Api.JSON.writeValueAsString(body));
    }

    static List<Upload> uploads(JsonNode created) {
        List<Upload> uploads = new ArrayList<>();
        for (JsonNode file : created.path("files")) {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = file.path("upload").path("headers").fields();
            fields.forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
            uploads.add(new Upload(file.path("fileId").asText(), file.path("upload").path("url").asText(), headers));
        }
        return uploads;
    }

    /** PUTs bytes to a presigned URL as a browser would (the client sets Content-Length from the body). */
    static HttpResponse<String> put(Upload upload, byte[] bytes) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upload.url())).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        upload.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Length")) {
                request.header(name, value);
            }
        });
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException closed) {
            // S3 may close the connection after refusing a body it did not read: PUT again on a new one.
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    public static void uploadAll(JsonNode created, List<byte[]> images) throws Exception {
        List<Upload> uploads = uploads(created);
        for (int i = 0; i < uploads.size(); i++) {
            HttpResponse<String> answer = put(uploads.get(i), images.get(i));
            assertThat(answer.statusCode()).as("upload answer: %s", answer.body()).isEqualTo(200);
        }
    }

    /** The bytes behind a signed URL (a model, a picture, a ZIP), which must answer 200. */
    static byte[] fetch(String url) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    public static JsonNode job(Company company, String jobId) throws Exception {
        Api.Answer answer = Api.call("GET", "/jobs/" + jobId, company.token(), null);
        assertThat(answer.status()).as("GET /jobs/%s: %s", jobId, answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** Waits (up to 60 s) until the job satisfies the condition; answers the job as last seen. */
    public static JsonNode await(Company company, String jobId, Predicate<JsonNode> condition) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        JsonNode job = job(company, jobId);
        while (!condition.test(job)) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("Job " + jobId + " did not get there in 60 s: " + job.toPrettyString());
            }
            Thread.sleep(150);
            job = job(company, jobId);
        }
        return job;
    }

    public static Predicate<JsonNode> state(String state) {
        return job -> job.path("state").asText().equals(state);
    }

    static Predicate<JsonNode> fileState(String state) {
        return job -> {
            for (JsonNode file : job.path("files")) {
                if (!file.path("state").asText().equals(state)) {
                    return false;
                }
            }
            return true;
        };
    }

    static Predicate<JsonNode> finished() {
        return job -> List.of("DONE", "PARTIAL", "FAILED", "CANCELLED").contains(job.path("state").asText());
    }

    /** Runs the sweeper as its schedule would. */
    static JsonNode sweep() throws Exception {
        byte[] answer = stack().functions().invoke("SweeperFunction",
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}".getBytes(StandardCharsets.UTF_8));
        return Api.JSON.readTree(answer);
    }

    /** The credits invariant holds and no file of the company is left in a non-final state. */
    static void assertSettled(Company company) throws Exception {
        LedgerInvariant.check(ledger(), company.companyId()).assertHolds();
        Api.Answer jobs = Api.call("GET", "/jobs", company.token(), null);
        for (JsonNode summary : jobs.body().path("jobs")) {
            JsonNode job = job(company, summary.path("jobId").asText());
            for (JsonNode file : job.path("files")) {
                assertThat(file.path("state").asText()).as("file %s of job %s", file.path("fileId").asText(), job.path("jobId").asText())
                        .isIn("DONE", "FAILED", "CANCELLED");
            }
        }
        assertThat(ledger().balance(company.companyId()).held()).as("credits still held").isZero();
    }

    static long captures(Company company) {
        return ledger().entries(company.companyId(), null, 500).stream().filter(e -> e.type() == CreditLedger.EntryType.CAPTURE).count();
    }
}
