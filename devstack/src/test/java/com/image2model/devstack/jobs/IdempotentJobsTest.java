package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.credits.Catalog;
import com.image2model.devstack.identity.Api;

/**
 * POST /jobs with an Idempotency-Key: a client that retries after a timeout gets the job it made,
 * never a second job or a second set of holds, even with twenty retries at once; the same key
 * for another request is refused; a refused request leaves the key free.
 */
class IdempotentJobsTest {

    private static final long LOW = Catalog.load().costPerImage("low").orElseThrow();
    private static final String ONE = "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}";
    private static final String TWO = "{\"quality\":\"low\",\"files\":[{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000},"
            + "{\"name\":\"b.png\",\"contentType\":\"image/png\",\"size\":1000}]}";

    private static Api.Answer post(Jobs.Company company, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Jobs.stack().front().url() + "/jobs"))
                .header("Authorization", "Bearer " + company.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        HttpResponse<String> answer = Jobs.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Api.Answer(answer.statusCode(), Api.JSON.readTree(answer.body()));
    }

    @Test
    void aRepeatAnswersTheFirstJobAndAnotherRequestUnderTheKeyIsRefused() throws Exception {
        Jobs.Company company = Jobs.company("Retrying Studio", 1_000);
        Jobs.Company other = Jobs.company("Same Key Studio", 0);
        String key = UUID.randomUUID().toString();

        Api.Answer first = post(company, key, ONE);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(201);
        String jobId = first.body().path("jobId").asText();
        // The same request again, its JSON spaced and ordered otherwise: the same job, its upload again, nothing more held.
        Api.Answer again = post(company, key, "{ \"files\": [{\"size\": 1000, \"contentType\": \"image/png\", \"name\": \"a.png\"}],"
                + " \"quality\": \"low\" }");
        assertThat(again.status()).as(again.body().toString()).isEqualTo(200);
        assertThat(again.body().path("jobId").asText()).isEqualTo(jobId);
        assertThat(again.body().path("idempotentReplay").asBoolean()).isTrue();
        assertThat(again.body().at("/files/0/upload/url").asText()).contains("/uploads/" + company.companyId() + "/" + jobId + "/f001.png");
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isEqualTo(LOW);

        Api.Answer reused = post(company, key, TWO);
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.errorCode()).isEqualTo("idempotency_key_reused");
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isEqualTo(LOW);
        // Without a key, every request is a job of its own.
        assertThat(post(company, null, ONE).body().path("jobId").asText()).isNotEqualTo(jobId);
        // Keys are the company's: another company's same key is its own.
        Api.Answer theirs = post(other, key, ONE);
        assertThat(theirs.status()).isEqualTo(201);
        assertThat(theirs.body().path("jobId").asText()).isNotEqualTo(jobId);

        for (String bad : List.of("has space", "x".repeat(256), "tab\tin")) {
            Api.Answer refused = post(company, bad, ONE);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.errorCode()).isEqualTo("invalid_idempotency_key");
        }
    }

    @Test
    void aRefusedRequestLeavesItsKeyFreeForWhenItCanBePaid() throws Exception {
        Jobs.Company company = Jobs.company("Paying Later Studio", 0);
        String key = UUID.randomUUID().toString();
        StringBuilder many = new StringBuilder("{\"quality\":\"high\",\"files\":[");
        for (int i = 0; i < 5; i++) {
            many.append(i == 0 ? "" : ",").append("{\"name\":\"p").append(i).append(".png\",\"contentType\":\"image/png\",\"size\":1000}");
        }
        String body = many.append("]}").toString();
        Api.Answer refused = post(company, key, body);
        assertThat(refused.status()).isEqualTo(402);
        Jobs.ledger().grant(company.companyId(), 1_000, "test credits", "test-" + company.companyId());
        Api.Answer paid = post(company, key, body);
        assertThat(paid.status()).as(paid.body().toString()).isEqualTo(201);
        assertThat(post(company, key, body).body().path("jobId").asText()).isEqualTo(paid.body().path("jobId").asText());
    }

    @Test
    void aFailureThatIsNoRefusalKeepsTheKeySoARetryCannotHoldTwice() throws Exception {
        Jobs.Company company = Jobs.company("Flaky Table Studio", 1_000);
        String key = UUID.randomUUID().toString();
        var engine = Jobs.stack().aws().dynamoDbServer().engine();
        // DynamoDB cancels the request's first transaction (its rate counters) with a conflict: a 503, not a refusal.
        engine.conflictNextTransactions("C#" + company.companyId(), 1);
        Api.Answer failed = post(company, key, ONE);
        engine.conflictNextTransactions("C#" + company.companyId(), 0);
        assertThat(failed.status()).as(failed.body().toString()).isEqualTo(503);
        // Whether anything was held is unknown to the caller: the key stays with that request's job id until the
        // take-over time, so an immediate retry is told to wait instead of making a second job.
        Api.Answer retry = post(company, key, ONE);
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.errorCode()).isEqualTo("idempotency_in_progress");
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isZero();
        assertThat(Api.call("GET", "/jobs", company.token(), null).body().path("jobs")).isEmpty();
    }

    @Test
    void twentyRetriesAtOnceMakeOneJobWithOneSetOfHolds() throws Exception {
        Jobs.Company company = Jobs.company("Impatient Studio", 1_000);
        String key = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Api.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(pool.submit((Callable<Api.Answer>) () -> {
                start.await();
                return post(company, key, TWO);
            }));
        }
        start.countDown();
        Set<String> jobs = new HashSet<>();
        int made = 0;
        for (Future<Api.Answer> future : answers) {
            Api.Answer answer = future.get();
            if (answer.status() == 409) {
                assertThat(answer.errorCode()).isEqualTo("idempotency_in_progress");
                continue;
            }
            assertThat(answer.status()).as(answer.body().toString()).isIn(200, 201);
            made += answer.status() == 201 ? 1 : 0;
            jobs.add(answer.body().path("jobId").asText());
        }
        pool.shutdown();
        assertThat(made).isEqualTo(1);
        assertThat(jobs).hasSize(1);
        // What a retry that was told to wait gets afterwards: the same job.
        Api.Answer after = post(company, key, TWO);
        assertThat(after.status()).isEqualTo(200);
        assertThat(jobs).containsExactly(after.body().path("jobId").asText());
        assertThat(Jobs.ledger().holds(company.companyId())).hasSize(2);
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isEqualTo(2 * LOW);
        JsonNode listed = Api.call("GET", "/jobs", company.token(), null).body().path("jobs");
        assertThat(listed).hasSize(1);
    }
}
