package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.fal.GltfValidator;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.GlbInfo;

/** API -> S3 -> SQS -> worker -> FAL stand-in -> webhook -> S3, through the devstack's real parts. */
class PipelineEndToEndTest {

    @Test
    void threeImagesBecomeThreeValidModelsAndTheirCreditsAreCapturedOnce(@TempDir Path dir) throws Exception {
        Jobs.Company company = Jobs.company("Pipeline Studio", 1000);
        long before = Jobs.ledger().balance(company.companyId()).available();
        List<byte[]> images = List.of(SampleImages.photoJpeg(11, 800, 600), SampleImages.photoJpeg(12, 640, 640),
                SampleImages.cutoutPng(13, 600, 800));

        Api.Answer created = Jobs.create(company, "medium", images.subList(0, 2), "image/jpeg");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        // The PNG goes in a second job: a job holds one declared type per file, any mix is fine.
        Api.Answer second = Jobs.create(company, "medium", images.subList(2, 3), "image/png");
        assertThat(second.status()).isEqualTo(201);
        JsonNode job = created.body();
        assertThat(job.path("cost").asLong()).isEqualTo(104);
        assertThat(job.path("state").asText()).isEqualTo("CREATED");
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isEqualTo(156);

        Jobs.uploadAll(job, images.subList(0, 2));
        Jobs.uploadAll(second.body(), images.subList(2, 3));
        JsonNode done = Jobs.await(company, job.path("jobId").asText(), Jobs.state("DONE"));
        JsonNode doneToo = Jobs.await(company, second.body().path("jobId").asText(), Jobs.state("DONE"));

        List<Path> models = new ArrayList<>();
        List<JsonNode> files = new ArrayList<>();
        done.path("files").forEach(files::add);
        doneToo.path("files").forEach(files::add);
        for (JsonNode file : files) {
            assertThat(file.path("state").asText()).isEqualTo("DONE");
            assertThat(file.path("model").path("faces").asLong()).isBetween(4500L, 5500L);
            assertThat(file.path("times").path("submittedAt").isTextual()).isTrue();
            HttpResponse<byte[]> download = Jobs.HTTP.send(HttpRequest.newBuilder(URI.create(file.path("result").path("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            GlbInfo info = GlbInfo.read(download.body());
            assertThat(info.faces()).isEqualTo(file.path("model").path("faces").asLong());
            Path model = dir.resolve(file.path("fileId").asText() + "-" + models.size() + ".glb");
            Files.write(model, download.body());
            models.add(model);
        }
        for (GltfValidator.Report report : GltfValidator.validate(models)) {
            assertThat(report.errors()).as("%s", report.messages()).isZero();
        }

        // Three captures of 52, once each, and nothing else held.
        List<CreditLedger.Entry> captures = Jobs.ledger().entries(company.companyId(), null, 100).stream()
                .filter(e -> e.type() == CreditLedger.EntryType.CAPTURE).toList();
        assertThat(captures).hasSize(3).allMatch(e -> e.amount() == 52);
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(before - 156);
        // Each of this test's files went to FAL once, and its webhook was accepted once.
        for (JsonNode job2 : List.of(done, doneToo)) {
            for (JsonNode file : job2.path("files")) {
                String requestId = Jobs.store().file(company.companyId(), job2.path("jobId").asText(), file.path("fileId").asText())
                        .orElseThrow().falRequestId();
                FalStandIn.Request request = Jobs.stack().fal().requests().get(requestId);
                assertThat(request.webhookDeliveries()).as("webhook deliveries of %s", requestId).isEqualTo(1);
            }
        }
        Jobs.assertSettled(company);

        // The list shows both jobs, newest first.
        Api.Answer list = Api.call("GET", "/jobs", company.token(), null);
        assertThat(list.body().path("jobs").get(0).path("jobId").asText()).isEqualTo(second.body().path("jobId").asText());
        assertThat(list.body().path("jobs").get(1).path("jobId").asText()).isEqualTo(job.path("jobId").asText());
    }
}
