package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.samples.SampleImages;

/**
 * Presigned URLs that die early, as they do on Lambda when the role session that signed them ends
 * before their own expiry: the devstack's S3 cuts them (DEVSTACK_S3_URL_LIFETIME_SECONDS). An upload
 * URL used too late is refused as S3 refuses it; a whole job still goes through with short-lived
 * URLs, because each is signed when it is about to be used (FAL's at submission, into a free slot).
 */
class PresignedUrlLifetimeTest {

    @AfterEach
    void asSigned() {
        Jobs.stack().expirePresignedUrlsAfter(null);
    }

    @Test
    void aUrlPastItsSessionIsRefusedAndAJobStillRunsOnUrlsThatLiveSeconds() throws Exception {
        Jobs.Company company = Jobs.company("Short Session Studio", 0);
        List<byte[]> images = List.of(SampleImages.photoJpeg(81, 320, 240));

        Jobs.stack().expirePresignedUrlsAfter(Duration.ofSeconds(1));
        JsonNode late = Jobs.create(company, "low", images, "image/jpeg").body();
        Thread.sleep(2500);
        HttpResponse<String> refused = Jobs.put(Jobs.uploads(late).get(0), images.get(0));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("<Code>AccessDenied</Code>").contains("Request has expired");

        // Every URL of a whole job (upload, FAL's image, the model) lives 20 s: each is signed just before it is used.
        Jobs.stack().expirePresignedUrlsAfter(Duration.ofSeconds(20));
        JsonNode job = Jobs.create(company, "low", images, "image/jpeg").body();
        Jobs.uploadAll(job, images);
        JsonNode done = Jobs.await(company, job.path("jobId").asText(), Jobs.state("DONE"));
        assertThat(Jobs.fetch(done.path("files").get(0).path("result").path("url").asText())).isNotEmpty();
    }
}
