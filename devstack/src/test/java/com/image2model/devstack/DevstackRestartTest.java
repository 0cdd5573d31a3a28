package com.image2model.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.aws.FreePort;
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

    private record Running(Process process, ByteArrayOutputStream log) {
    }

    private static Running start(Path data, Map<String, String> ports, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "com.image2model.devstack.DevStack"));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().put("IMAGE2MODEL_ROOT", TestStack.root().toString());
        builder.environment().putAll(ports);
        Process process = builder.start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (log) {
                            log.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        synchronized (log) {
                            log.write(b, off, len);
                        }
                    }
                });
            } catch (java.io.IOException ignored) {
                // The process ended.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new Running(process, log);
    }

    private static String text(Running running) {
        synchronized (running.log()) {
            return running.log().toString(StandardCharsets.UTF_8);
        }
    }

    private static long awaitReady(Running running) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until && running.process().isAlive()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("is ready in (\\d+) ms").matcher(text(running));
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The devstack did not start:\n" + text(running));
    }

    private static JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
        return Api.JSON.readTree(response.body());
    }

    @Test
    void aRestartWithItsDataShowsTheSameCompaniesLedgersJobsAndModels(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> ports = new LinkedHashMap<>();
        for (String name : List.of("DEVSTACK_PORT", "DEVSTACK_COGNITO_PORT", "DEVSTACK_DYNAMODB_PORT", "DEVSTACK_SQS_PORT", "DEVSTACK_S3_PORT",
                "DEVSTACK_FAL_PORT", "DEVSTACK_STRIPE_PORT", "DEVSTACK_SECRETS_PORT")) {
            ports.put(name, String.valueOf(FreePort.find()));
        }
        String api = "http://localhost:" + ports.get("DEVSTACK_PORT");
        String cognito = "http://localhost:" + ports.get("DEVSTACK_COGNITO_PORT");
        String callback = api + "/callback.html";

        Running first = start(data, ports, "up", "--data", data.toString());
        String jobId;
        byte[] model;
        JsonNode credits;
        JsonNode ledger;
        String company;
        try {
            long ready = awaitReady(first);
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
            // SIGKILL: nothing gets to save on the way out.
            first.process().destroyForcibly();
            first.process().waitFor(20, TimeUnit.SECONDS);
        }

        Running second = start(data, ports, "up", "--data", data.toString());
        try {
            long ready = awaitReady(second);
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
            assertThat(text(second)).contains("The data is kept in " + data);
        } finally {
            second.process().destroy();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }

        Running reset = start(data, ports, "reset", "--data", data.toString());
        assertThat(reset.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(text(reset)).contains("Deleting the devstack's data in " + data.toAbsolutePath()).contains("files");
        assertThat(data).doesNotExist();
    }
}
