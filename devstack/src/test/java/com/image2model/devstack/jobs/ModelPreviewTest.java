package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

/**
 * Every finished model gets its picture and its quality report on the result path: a 512 px PNG
 * with a transparent background beside the GLB under the company's prefix, the report on the
 * model, the job's cover, and an entry in the company's gallery (GET /models), which another
 * company never sees and whose filters and bad inputs answer as the API does elsewhere.
 */
class ModelPreviewTest {

    @Test
    void aFinishedModelHasItsPictureReportCoverAndGalleryEntryAndNoOtherCompanySeesThem() throws Exception {
        Jobs.Company owner = Jobs.company("Picture Studio", 0);
        Jobs.Company other = Jobs.company("Peeking Studio", 0);
        List<byte[]> images = List.of(SampleImages.photoJpeg(41, 320, 240), SampleImages.photoJpeg(42, 300, 300));
        JsonNode created = Jobs.create(owner, "low", images, "image/jpeg").body();
        String jobId = created.path("jobId").asText();
        Jobs.uploadAll(created, images);
        JsonNode job = Jobs.await(owner, jobId, Jobs.state("DONE"));

        for (JsonNode file : job.path("files")) {
            JsonNode quality = file.at("/model/quality");
            assertThat(quality.path("faces").asLong()).isEqualTo(file.at("/model/faces").asLong()).isPositive();
            assertThat(quality.path("vertices").asLong()).isPositive();
            assertThat(quality.path("glbBytes").asLong()).isEqualTo(file.at("/model/bytes").asLong());
            assertThat(quality.path("size")).hasSize(3);
            assertThat(quality.has("watertight")).isTrue();
            assertThat(quality.path("texture").path("width").asInt()).as("the generator's texture").isPositive();
            assertThat(quality.path("warnings").isArray()).isTrue();

            String url = file.at("/thumbnail/url").asText();
            assertThat(URI.create(url).getPath()).endsWith("/results/" + owner.companyId() + "/" + jobId + "/" + file.path("fileId").asText()
                    + ".png");
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(Jobs.fetch(url)));
            assertThat(picture.getWidth()).isEqualTo(512);
            assertThat(picture.getHeight()).isEqualTo(512);
            assertThat(picture.getRGB(0, 0) >>> 24).as("a transparent corner").isZero();
            long drawn = 0;
            for (int y = 0; y < 512; y += 4) {
                for (int x = 0; x < 512; x += 4) {
                    drawn += (picture.getRGB(x, y) >>> 24) == 255 ? 1 : 0;
                }
            }
            assertThat(drawn).as("the model covers a good part of the square").isGreaterThan(64L * 64 / 10);
        }
        assertThat(job.at("/cover/url").asText()).contains("/results/" + owner.companyId() + "/" + jobId + "/f00");
        JsonNode listed = Api.call("GET", "/jobs", owner.token(), null).body().path("jobs").get(0);
        assertThat(listed.at("/cover/url").asText()).contains(".png");

        JsonNode gallery = Api.call("GET", "/models", owner.token(), null).body();
        assertThat(gallery.path("models")).hasSize(2);
        assertThat(gallery.path("models")).allSatisfy(m -> {
            assertThat(m.path("jobId").asText()).isEqualTo(jobId);
            assertThat(m.path("quality").asText()).isEqualTo("low");
            assertThat(m.at("/thumbnail/url").asText()).contains("/results/" + owner.companyId() + "/");
        });
        assertThat(gallery.path("models").get(0).path("completedAt").asText())
                .isGreaterThanOrEqualTo(gallery.path("models").get(1).path("completedAt").asText());
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString();
        assertThat(Api.call("GET", "/models?quality=high", owner.token(), null).body().path("models")).isEmpty();
        assertThat(Api.call("GET", "/models?quality=low&from=" + today + "&to=" + today, owner.token(), null).body().path("models")).hasSize(2);
        assertThat(Api.call("GET", "/models?from=" + tomorrow, owner.token(), null).body().path("models")).isEmpty();

        Api.Answer bad = Api.call("GET", "/models?cursor=JOB%23x", owner.token(), null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("invalid_cursor");
        assertThat(Api.call("GET", "/models?quality=ultra", owner.token(), null).errorCode()).isEqualTo("invalid_quality");
        assertThat(Api.call("GET", "/models?from=2026-02-30", owner.token(), null).errorCode()).isEqualTo("invalid_date");
        assertThat(Api.call("GET", "/models?from=" + tomorrow + "&to=" + today, owner.token(), null).errorCode()).isEqualTo("invalid_range");

        // Another company: an empty gallery, and the owner's cursor shows it nothing either.
        assertThat(Api.call("GET", "/models", other.token(), null).body().path("models")).isEmpty();
        assertThat(Api.call("GET", "/models?cursor=" + java.net.URLEncoder.encode("9999-01-01T00:00:00Z#" + jobId + "#f001",
                java.nio.charset.StandardCharsets.UTF_8), other.token(), null).body().path("models")).isEmpty();
        assertThat(Api.call("GET", "/models", null, null).status()).isEqualTo(401);
    }
}
