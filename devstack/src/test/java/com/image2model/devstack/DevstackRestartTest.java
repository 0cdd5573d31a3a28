package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.generate.DemoCompany;
import com.image2model.devstack.generate.GenerateCommand;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

/**
 * A devstack that keeps its data: `up --data DIR` as its own process makes a job through the
 * public API (the demo company's), is killed with SIGKILL, starts again on the same folder, and
 * shows the same company, ledger, job and model; the demo company is not seeded twice. Then
 * `reset` says what it deletes and deletes it.
 */
class DevstackRestartTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
        return Api.JSON.readTree(response.body());
    }

    @Test
    void aRestartWithItsDataShowsTheSameCompaniesLedgersJobsAndModels(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> ports = DevstackProcess.freePorts();
        String api = "http://localhost:" + ports.get("DEVSTACK_PORT");
        String cognito = "http://localhost:" + ports.get("DEVSTACK_COGNITO_PORT");
        String callback = api + "/callback.html";

        DevstackProcess first = DevstackProcess.start(ports, "up", "--data", data.toString());
        String jobId;
        byte[] model;
        JsonNode credits;
        JsonNode ledger;
        String company;
        try {
            long ready = first.awaitReady();
            // A bound on hanging, not a performance figure (that is the README's, from an idle machine): CI shares its 2 cores.
            assertThat(ready).as("start to ready, ms").isLessThan(30_000);
            String token = DemoCompany.token(cognito, "devstack-web-client", callback);
            Path image = dir.resolve("photo.jpg");
            Files.write(image, SampleImages.photoJpeg(7, 320, 240));
            GenerateCommand.Result result = new GenerateCommand(api, token, new PrintStream(new ByteArrayOutputStream()))
                    .run(List.of(image), "low", dir.resolve("models"), Duration.ofSeconds(60));
            assertThat(result.state()).isEqualTo("DONE");
            jobId = result.jobId();
            model = Files.readAllBytes(result.models().get(0));
            credits = get(api + "/credits", token);
            ledger = get(api + "/credits/ledger", token);
            company = Api.claims(token).get("company_id").asText();
            Thread.sleep(1_000);
        } finally {
            first.kill();
        }

        DevstackProcess second = DevstackProcess.start(ports, "up", "--data", data.toString());
        try {
            long ready = second.awaitReady();
            assertThat(ready).as("restart to ready, ms (a bound on hanging, as above)").isLessThan(30_000);
            String token = DemoCompany.token(cognito, "devstack-web-client", callback);
            assertThat(Api.claims(token).get("company_id").asText()).as("the same company").isEqualTo(company);
            // The same balance; the per-person limits are left out (these very requests count in them).
            JsonNode after = ((com.fasterxml.jackson.databind.node.ObjectNode) get(api + "/credits", token)).without("limits");
            JsonNode before = ((com.fasterxml.jackson.databind.node.ObjectNode) credits).without("limits");
            assertThat(after).isEqualTo(before);
            assertThat(get(api + "/credits/ledger", token)).as("the same ledger: the demo credits were not granted again").isEqualTo(ledger);
            JsonNode job = get(api + "/jobs/" + jobId, token);
            assertThat(job.get("state").asText()).isEqualTo("DONE");
            String url = job.at("/files/0/result/url").asText();
            byte[] again = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            assertThat(again).as("the model downloads again, the same bytes").isEqualTo(model);
            assertThat(second.text()).contains("The data is kept in " + data);
        } finally {
            second.close();
        }

        DevstackProcess reset = DevstackProcess.start(ports, "reset", "--data", data.toString());
        assertThat(reset.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reset.text()).contains("Deleting the devstack's data in " + data.toAbsolutePath()).contains("files");
        assertThat(data).doesNotExist();
    }
}
