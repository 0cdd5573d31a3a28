package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

/** The functions' EMF metrics after a pipeline run, as the devstack's collector (its CloudWatch) counts them. */
class MetricsTest {

    private static JsonNode metrics() throws Exception {
        HttpResponse<String> response = Jobs.HTTP.send(HttpRequest.newBuilder(URI.create(Jobs.stack().front().url() + "/_devstack/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Api.JSON.readTree(response.body()).path("metrics");
    }

    private static double sum(JsonNode metrics, String key) {
        return metrics.path(key).path("sum").asDouble(0);
    }

    private static long samples(JsonNode metrics, String key) {
        return metrics.path(key).path("samples").asLong(0);
    }

    @Test
    void aPipelineRunCountsImagesCreditsAndFalCalls() throws Exception {
        Jobs.Company company = Jobs.company("Metrics Co", 0);
        JsonNode before = metrics();
        List<byte[]> images = List.of(SampleImages.photoJpeg(41, 320, 240), SampleImages.photoJpeg(42, 320, 240));

        Api.Answer created = Jobs.create(company, "low", images, "image/jpeg");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        Jobs.uploadAll(created.body(), images);
        Jobs.await(company, created.body().path("jobId").asText(), Jobs.state("DONE"));
        // Refused: an unsigned FAL webhook.
        Jobs.HTTP.send(HttpRequest.newBuilder(URI.create(Jobs.stack().front().url() + "/webhooks/fal"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode after = metrics();

        assertThat(sum(after, "ImagesAccepted") - sum(before, "ImagesAccepted")).isEqualTo(2);
        assertThat(sum(after, "ImagesDone") - sum(before, "ImagesDone")).isEqualTo(2);
        assertThat(sum(after, "CreditsCaptured") - sum(before, "CreditsCaptured")).isEqualTo(70);
        assertThat(samples(after, "FalSubmitLatency") - samples(before, "FalSubmitLatency")).isEqualTo(2);
        assertThat(samples(after, "FalTurnaround") - samples(before, "FalTurnaround")).isEqualTo(2);
        assertThat(sum(after, "WebhookRejected|Source=fal") - sum(before, "WebhookRejected|Source=fal")).isEqualTo(1);
    }
}
