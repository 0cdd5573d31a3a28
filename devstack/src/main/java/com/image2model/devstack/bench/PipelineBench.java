package com.image2model.devstack.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.devstack.Stack;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.generate.DemoCompany;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.JobStore;

/**
 * {@code bench pipeline [--images 20] [--quality medium]}: one batch through the whole devstack
 * (API, S3, SQS, worker, FAL stand-in, webhook, S3, DynamoDB), after one warm-up image. Prints per
 * image the pipeline's own overhead, excluding the time the job spent at FAL (queue and
 * generation), and the Lambda time the functions would bill (API call, worker, webhook).
 */
public final class PipelineBench {

    /** Lambda arm64 price per GB-second and per request (us-east-1, 2026). */
    static final double PRICE_GB_SECOND = 0.0000133334;
    static final double PRICE_REQUEST = 0.20 / 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int images;
    private final String quality;
    private final HttpClient http = HttpClient.newHttpClient();

    public PipelineBench(Path root, int images, String quality) {
        this.root = root;
        this.images = images;
        this.quality = quality;
    }

    public void run(PrintStream out) throws Exception {
        try (Stack stack = Stack.start(Stack.Options.forTests(root))) {
            String companyId = DemoCompany.seed(stack);
            String token = DemoCompany.token(stack);
            out.printf("Pipeline benchmark: %d images at %s quality through the devstack (2 cores); warm-up with 1 image first%n",
                    images, quality);
            Batch warmUp = batch(stack, token, 1, 1000);
            out.printf("  warm-up (cold functions): %.1f s end to end; Lambda billed %s%n", warmUp.wallMillis / 1000.0, warmUp.billed);

            Batch batch = batch(stack, token, images, 0);
            JobStore store = new JobStore(stack.aws().dynamoDb(), stack.provisioner().ref("Table"), null, Clock.systemUTC());
            Map<String, FalStandIn.Request> requests = stack.fal().requests();
            List<Double> overhead = new ArrayList<>();
            List<Double> atFal = new ArrayList<>();
            List<Double> generation = new ArrayList<>();
            for (JobStore.JobFile file : store.files(companyId, batch.jobId)) {
                FalStandIn.Request request = requests.get(file.falRequestId());
                long completed = Instant.parse(file.completedAt()).toEpochMilli();
                long uploaded = batch.uploadedAt.get(file.fileId());
                long fal = request.finishedAtMillis() - request.submittedAtMillis();
                overhead.add((double) (completed - uploaded - fal));
                atFal.add((double) fal);
                generation.add((double) request.generationMillis());
            }
            out.printf("  batch: %d images, %.1f s end to end (FAL stand-in runs 2 at a time)%n", images, batch.wallMillis / 1000.0);
            out.printf("  pipeline overhead per image, excluding time at FAL (ms): %s%n", summary(overhead));
            out.printf("  for context, time at FAL per image (ms): %s; of which generating: %s%n", summary(atFal), summary(generation));
            long billedTotal = 0;
            double gbSeconds = 0;
            long invocations = 0;
            for (Map.Entry<String, long[]> e : batch.billedByFunction.entrySet()) {
                int memory = Integer.parseInt(String.valueOf(stack.functions().function(e.getKey()).properties().getOrDefault("MemorySize", 1024)));
                billedTotal += e.getValue()[1];
                invocations += e.getValue()[0];
                gbSeconds += e.getValue()[1] / 1000.0 * memory / 1024.0;
                out.printf(Locale.ROOT, "  Lambda billed, %-22s %3d invocations, %6d ms in all, %6.1f ms per image (%d MB)%n", e.getKey(),
                        e.getValue()[0], e.getValue()[1], e.getValue()[1] / (double) images, memory);
            }
            double cost = gbSeconds * PRICE_GB_SECOND + invocations * PRICE_REQUEST;
            out.printf(Locale.ROOT, "  Lambda billed per image: %.1f ms, %.4f GB-s, $%.7f (arm64 price; warm functions)%n",
                    billedTotal / (double) images, gbSeconds / images, cost / images);
        }
    }

    private record Batch(String jobId, long wallMillis, Map<String, Long> uploadedAt, Map<String, long[]> billedByFunction, String billed) {
    }

    private Batch batch(Stack stack, String token, int count, long seedBase) throws Exception {
        String api = stack.front().url();
        long started = System.currentTimeMillis();
        ObjectNode body = JSON.createObjectNode();
        body.put("quality", quality);
        ArrayNode files = body.putArray("files");
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] picture = SampleImages.photoJpeg(seedBase + i, 1024, 768);
            pictures.add(picture);
            files.addObject().put("name", "bench-" + i + ".jpg").put("contentType", "image/jpeg").put("size", picture.length);
        }
        Map<String, long[]> before = stack.functions().stats();
        JsonNode job = call(api, token, "POST", "/jobs", JSON.writeValueAsString(body));
        Map<String, long[]> afterCreate = stack.functions().stats();
        Map<String, Long> uploadedAt = new HashMap<>();
        int i = 0;
        for (JsonNode file : job.path("files")) {
            HttpResponse<String> answer = http.send(com.image2model.devstack.generate.GenerateCommand.uploadRequest(file, pictures.get(i++)),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("Upload refused: " + answer.body());
            }
            uploadedAt.put(file.path("fileId").asText(), System.currentTimeMillis());
        }
        String jobId = job.path("jobId").asText();
        // Poll the table, not the API: the client's polling is not pipeline work.
        JobStore store = new JobStore(stack.aws().dynamoDb(), stack.provisioner().ref("Table"), null, Clock.systemUTC());
        String companyId = JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])).path("company_id").asText();
        long deadline = System.currentTimeMillis() + 600_000;
        while (store.files(companyId, jobId).stream().anyMatch(f -> !f.state().terminal())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("The batch did not finish in 10 minutes");
            }
            Thread.sleep(100);
        }
        if (store.files(companyId, jobId).stream().anyMatch(f -> f.state() != JobStore.FileState.DONE)) {
            throw new IllegalStateException("Some files failed: " + store.files(companyId, jobId));
        }
        long wall = System.currentTimeMillis() - started;
        Map<String, long[]> after = stack.functions().stats();
        Map<String, long[]> billed = new java.util.TreeMap<>();
        for (String function : List.of("JobsFunction", "WorkerFunction", "FalWebhookFunction")) {
            long[] end = function.equals("JobsFunction") ? afterCreate.getOrDefault(function, new long[2]) : after.getOrDefault(function, new long[2]);
            long[] start = before.getOrDefault(function, new long[2]);
            billed.put(function, new long[] {end[0] - start[0], end[1] - start[1]});
        }
        StringBuilder text = new StringBuilder();
        billed.forEach((k, v) -> text.append(k).append(' ').append(v[1]).append(" ms; "));
        return new Batch(jobId, wall, uploadedAt, billed, text.toString());
    }

    private JsonNode call(String api, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static String summary(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElse(0);
        return String.format(Locale.ROOT, "p50 %.0f, p95 %.0f, max %.0f, mean %.0f (n=%d)", percentile(sorted, 50), percentile(sorted, 95),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1], mean, sorted.length);
    }

    /** The p-th percentile of sorted values (nearest rank), 0 for none. */
    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
