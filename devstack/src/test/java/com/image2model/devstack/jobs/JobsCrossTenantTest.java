package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.JobStore;

/** Another company's job is, on every route and every other way in, the same as no job at all. */
class JobsCrossTenantTest {

    @Test
    void anotherCompanysJobAnswers404OnEveryJobRoute() throws Exception {
        Jobs.Company owner = Jobs.company("Owner Studio", 0);
        Jobs.Company other = Jobs.company("Other Studio", 0);
        byte[] image = SampleImages.photoJpeg(31, 320, 240);
        JsonNode job = Jobs.create(owner, "low", List.of(image), "image/jpeg").body();
        String jobId = job.path("jobId").asText();
        Jobs.uploadAll(job, List.of(image));
        Jobs.await(owner, jobId, Jobs.state("DONE"));

        Api.Answer foreign = Api.call("GET", "/jobs/" + jobId, other.token(), null);
        Api.Answer missing = Api.call("GET", "/jobs/j00000000000000000000".substring(0, 26), other.token(), null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.errorCode()).isEqualTo(missing.errorCode());
        assertThat(Api.call("DELETE", "/jobs/" + jobId, other.token(), null).status()).isEqualTo(404);
        Api.Answer renamed = Api.call("PATCH", "/jobs/" + jobId, other.token(), "{\"name\": \"Stolen\"}");
        assertThat(renamed.status()).isEqualTo(404);
        assertThat(renamed.errorCode()).isEqualTo(missing.errorCode());
        assertThat(Api.call("GET", "/jobs", other.token(), null).body().path("jobs")).isEmpty();
        assertThat(Api.call("GET", "/jobs?cursor=" + jobId, other.token(), null).body().path("jobs")).isEmpty();
        // The page's estimate comes from the catalog's typical run time of the job's quality.
        assertThat(Api.call("GET", "/jobs/" + jobId, owner.token(), null).body().path("typicalSeconds").asLong())
                .isEqualTo(com.image2model.credits.Catalog.load().typicalSeconds("low")).isPositive();
        // The owner still has it, under the name it was given.
        assertThat(Api.call("GET", "/jobs/" + jobId, owner.token(), null).body().path("name").asText()).doesNotContain("Stolen");
        // The owner renames it; a blank or non-text name is refused.
        assertThat(Api.call("PATCH", "/jobs/" + jobId, owner.token(), "{\"name\": \"Chair, oak\"}").body().path("name").asText())
                .isEqualTo("Chair_ oak");
        assertThat(Api.call("PATCH", "/jobs/" + jobId, owner.token(), "{\"name\": \"  \"}").errorCode()).isEqualTo("invalid_name");
        assertThat(Api.call("PATCH", "/jobs/" + jobId, owner.token(), "{\"name\": 7}").errorCode()).isEqualTo("invalid_name");
        assertThat(Api.call("PATCH", "/jobs/" + jobId, owner.token(), "[{\"name\": \"x\"}]").errorCode()).isEqualTo("invalid_json");
    }

    @Test
    void aSignedWebhookNamingAnotherCompanyOrAnUploadUnderAnotherCompanysFolderChangeNothing() throws Exception {
        Jobs.Company owner = Jobs.company("Victim Studio", 0);
        Jobs.Company other = Jobs.company("Prying Studio", 0);
        byte[] image = SampleImages.photoJpeg(32, 320, 240);
        Jobs.stack().fal().slowNextJobs(1, 3_000);
        JsonNode job = Jobs.create(owner, "low", List.of(image), "image/jpeg").body();
        String jobId = job.path("jobId").asText();
        Jobs.uploadAll(job, List.of(image));
        Jobs.await(owner, jobId, Jobs.fileState("SUBMITTED"));
        String rid = Jobs.store().file(owner.companyId(), jobId, "f001").orElseThrow().falRequestId();

        // A genuine FAL signature, but the URL names the other company: that company holds no such request.
        byte[] body = ("{\"request_id\":\"" + rid + "\",\"status\":\"ERROR\",\"payload\":{\"detail\":[{\"msg\":\"x\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(Jobs.stack().front().url() + "/webhooks/fal?company="
                + other.companyId() + "&job=" + jobId + "&file=f001")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        Jobs.stack().fal().signatureHeaders(rid, body, Instant.now().getEpochSecond()).forEach(post::header);
        HttpResponse<String> answer = Jobs.HTTP.send(post.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("UNKNOWN");

        // An object put under the other company's folder with the owner's job id is no upload of anyone's.
        Jobs.stack().aws().s3().putObject(p -> p.bucket(Jobs.stack().provisioner().ref("UploadsBucket"))
                .key("uploads/" + other.companyId() + "/" + jobId + "/f001.jpg"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(image));

        Jobs.await(owner, jobId, Jobs.state("DONE"));
        assertThat(Jobs.store().jobs(other.companyId(), null, 10).jobs()).isEmpty();
        assertThat(Jobs.ledger().holds(other.companyId())).isEmpty();
        assertThat(Jobs.store().file(owner.companyId(), jobId, "f001").orElseThrow().state()).isEqualTo(JobStore.FileState.DONE);
        Jobs.assertSettled(owner);
        Jobs.assertSettled(other);
    }
}
