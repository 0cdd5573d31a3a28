package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

/**
 * Retrying only what failed, with no second upload: the estimate first, then a new job made from
 * the images still kept, paid once however many times (and however fast) the button is pressed;
 * an image that was refused at its check is not offered; another company gets 404.
 */
class RetryFailedTest {

    private final FalStandIn fal = Jobs.stack().fal();

    @AfterEach
    void tearDown() {
        fal.resetFaults();
    }

    @Test
    void theFailedFilesOfAJobAreRetriedOnceFromTheImagesKeptAndTheRestIsSaidWhy() throws Exception {
        Jobs.Company company = Jobs.company("Second Chance Studio", 0);
        Jobs.Company other = Jobs.company("Nosy Neighbour", 0);
        fal.resetFaults();
        fal.failNextResults(1);
        List<byte[]> images = List.of(SampleImages.photoJpeg(71, 320, 240));
        JsonNode created = Jobs.create(company, "low", images, "image/jpeg").body();
        String jobId = created.path("jobId").asText();
        Jobs.uploadAll(created, images);
        Jobs.await(company, jobId, Jobs.state("FAILED"));
        assertThat(Api.call("POST", "/jobs/" + jobId + "/retry", other.token(), null).status()).isEqualTo(404);
        assertThat(Api.call("GET", "/jobs/" + jobId + "/retry", other.token(), null).status()).isEqualTo(404);

        JsonNode estimate = Api.call("GET", "/jobs/" + jobId + "/retry", company.token(), null).body();
        assertThat(estimate.path("files")).hasSize(1);
        assertThat(estimate.path("cost").asLong()).isEqualTo(35);
        assertThat(estimate.path("fits").asBoolean()).isTrue();
        long before = Jobs.ledger().balance(company.companyId()).available();

        // Five clicks at once: one retry.
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<Api.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(pool.submit((Callable<Api.Answer>) () -> Api.callOnce("POST", "/jobs/" + jobId + "/retry", company.token(), null)));
        }
        List<Api.Answer> made = new ArrayList<>();
        for (Future<Api.Answer> answer : answers) {
            Api.Answer a = answer.get();
            if (a.status() == 201) {
                made.add(a);
            } else {
                assertThat(a.status()).as(a.body().toString()).isIn(409, 429);
            }
        }
        pool.shutdown();
        assertThat(made).hasSize(1);
        String retryId = made.get(0).body().path("jobId").asText();
        assertThat(made.get(0).body().path("name").asText()).startsWith("Retry of ");
        assertThat(made.get(0).body().has("files")).as("no upload to make").isFalse();
        Jobs.await(company, retryId, Jobs.state("DONE"));
        assertThat(Jobs.ledger().balance(company.companyId()).available()).as("charged once").isEqualTo(before - 35);

        JsonNode after = Api.call("GET", "/jobs/" + jobId + "/retry", company.token(), null).body();
        assertThat(after.path("files")).isEmpty();
        assertThat(after.at("/notRetryable/0/why").asText()).startsWith("Retried already");
        assertThat(Api.call("POST", "/jobs/" + jobId + "/retry", company.token(), null).errorCode()).isEqualTo("nothing_to_retry");
        assertThat(Api.call("POST", "/jobs/" + retryId + "/retry", company.token(), null).errorCode()).isEqualTo("nothing_to_retry");
        Jobs.assertSettled(company);

        // An image refused at its check is not offered again: it has to be chosen again.
        byte[] notAnImage = "this is text, not a PNG".repeat(10).getBytes();
        JsonNode refusedJob = Jobs.create(company, "low", List.of(notAnImage), "image/png").body();
        Jobs.uploadAll(refusedJob, List.of(notAnImage));
        Jobs.await(company, refusedJob.path("jobId").asText(), Jobs.state("FAILED"));
        JsonNode refused = Api.call("GET", "/jobs/" + refusedJob.path("jobId").asText() + "/retry", company.token(), null).body();
        assertThat(refused.path("files")).isEmpty();
        assertThat(refused.at("/notRetryable/0/why").asText()).contains("choose it again");
    }
}
