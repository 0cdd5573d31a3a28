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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.Stack;
import com.image2model.devstack.generate.GenerateCommand;
import com.image2model.devstack.identity.LoginFlow;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.JobStore;

/**
 * {@code bench pipeline --images 200 --companies 5 --fal-slots 4 [--model-ms 1000] [--fifo]}: FAL's
 * slots shared by several companies at once. The first company sends one big batch, then each of
 * the others a small job (10 images, or fewer when the total is small); the FAL stand-in runs
 * {@code --fal-slots} requests at once, each taking at least {@code --model-ms} (FAL's models take
 * tens of seconds; here a second keeps the run short), and queues the rest first come first
 * served, as a FAL account does. Prints each company's completion times (from its upload to its
 * model) and what failed. {@code --fifo} lets the functions send everything at once, so FAL's own
 * queue decides the order: what the pipeline did before it shared the slots.
 */
public final class FairShareBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int images;
    private final int companies;
    private final int slots;
    private final long modelMillis;
    private final boolean fifo;
    private final HttpClient http = HttpClient.newHttpClient();

    public FairShareBench(Path root, int images, int companies, int slots, long modelMillis, boolean fifo) {
        if (companies < 2 || images < companies || slots < 1) {
            throw new IllegalArgumentException("bench pipeline --companies needs at least 2 companies, an image each, and a slot");
        }
        this.root = root;
        this.images = images;
        this.companies = companies;
        this.slots = slots;
        this.modelMillis = modelMillis;
        this.fifo = fifo;
    }

    private record Company(String name, String companyId, String token, int files) {
    }

    /** Whether every file ended as a model. */
    public boolean run(PrintStream out) throws Exception {
        Stack.Options options = Stack.Options.forTests(root)
                // A FAL account with this many slots; the functions count them, unless --fifo leaves FAL's queue to decide.
                .withFunctionSetting("FAL_SLOTS", String.valueOf(fifo ? 100_000 : slots))
                // One person sends the whole batch: the per-person limits and the job size are not what is measured here.
                .withFunctionSetting("JOBS_MAX_FILES", String.valueOf(images))
                .withFunctionSetting("RATE_IMAGES_PER_HOUR", "1000000")
                .withFunctionSetting("RATE_JOBS_PER_MINUTE", "1000");
        try (Stack stack = Stack.start(options)) {
            stack.fal().setSlots(slots);
            stack.fal().setModelMillis(modelMillis);
            int small = Math.max(1, Math.min(10, images / (2 * (companies - 1))));
            int big = images - small * (companies - 1);
            List<Company> all = new ArrayList<>();
            CreditLedger ledger = new CreditLedger(stack.aws().dynamoDb(), stack.provisioner().ref("Table"), Clock.systemUTC());
            var config = stack.cognito().config();
            LoginFlow flow = new LoginFlow(stack.cognito().url(), config.clientId(), config.callbackUrls().get(0));
            for (int i = 0; i < companies; i++) {
                String name = i == 0 ? "big-batch" : "small-" + i;
                LoginFlow.Result person = flow.signInOrUp("bench@" + name + "-" + Long.toHexString(System.nanoTime()) + ".test",
                        "Devstack-Passw0rd");
                if (person.error() != null) {
                    throw new IllegalStateException("Sign-up failed: " + person.error());
                }
                String companyId = JSON.readTree(java.util.Base64.getUrlDecoder().decode(person.accessToken().split("\\.")[1]))
                        .path("company_id").asText();
                ledger.grant(companyId, 100L * images, "bench credits", "bench-" + companyId);
                all.add(new Company(name, companyId, person.accessToken(), i == 0 ? big : small));
            }
            out.printf("FAL slots shared: %d images from %d companies (one batch of %d, then %d jobs of %d); FAL runs %d at once, "
                    + "%d ms a model at least; %s%n", images, companies, big, companies - 1, small, slots, modelMillis,
                    fifo ? "the functions send everything at once (FAL's queue decides: first come, first served)"
                            : "the functions send only into free slots, round robin across companies");
            long started = System.currentTimeMillis();
            Map<String, Map<String, Long>> uploadedAt = new LinkedHashMap<>();
            Map<String, String> jobs = new LinkedHashMap<>();
            long seed = 0;
            for (Company company : all) {
                Map<String, Long> times = new HashMap<>();
                jobs.put(company.companyId(), job(stack, company, seed, times));
                uploadedAt.put(company.companyId(), times);
                seed += company.files();
            }
            JobStore store = new JobStore(stack.aws().dynamoDb(), stack.provisioner().ref("Table"), null, Clock.systemUTC());
            long deadline = System.currentTimeMillis() + 3_600_000;
            while (all.stream().anyMatch(c -> store.files(c.companyId(), jobs.get(c.companyId())).stream().anyMatch(f -> !f.state().terminal()))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("The run did not finish in an hour");
                }
                Thread.sleep(250);
            }
            out.printf("  all ended in %.1f s; FAL ran at most %d at once and queued at most %d%n",
                    (System.currentTimeMillis() - started) / 1000.0, stack.fal().maxRunning(), stack.fal().maxQueued());
            out.printf("  %-10s %6s %10s %10s %10s %7s%n", "company", "images", "p50 s", "p99 s", "max s", "failed");
            boolean allMade = true;
            for (Company company : all) {
                List<Double> seconds = new ArrayList<>();
                int failed = 0;
                for (JobStore.JobFile file : store.files(company.companyId(), jobs.get(company.companyId()))) {
                    if (file.state() != JobStore.FileState.DONE) {
                        failed++;
                        continue;
                    }
                    seconds.add((Instant.parse(file.completedAt()).toEpochMilli() - uploadedAt.get(company.companyId()).get(file.fileId())) / 1000.0);
                }
                allMade &= failed == 0;
                double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                out.printf(Locale.ROOT, "  %-10s %6d %10.1f %10.1f %10.1f %7d%n", company.name(), company.files(),
                        PipelineBench.percentile(sorted, 50), PipelineBench.percentile(sorted, 99),
                        sorted.length == 0 ? 0 : sorted[sorted.length - 1], failed);
            }
            out.println(allMade ? "  no image failed" : "  SOME IMAGES FAILED");
            return allMade;
        }
    }

    /** Creates the company's job and uploads its images; answers the job id, noting each upload's time. */
    private String job(Stack stack, Company company, long seed, Map<String, Long> uploadedAt) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("quality", "low");
        body.put("name", company.name());
        ArrayNode files = body.putArray("files");
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < company.files(); i++) {
            byte[] picture = SampleImages.photoJpeg(seed + i, 480, 360);
            pictures.add(picture);
            files.addObject().put("name", company.name() + "-" + i + ".jpg").put("contentType", "image/jpeg").put("size", picture.length);
        }
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(stack.front().url() + "/jobs"))
                .header("Authorization", "Bearer " + company.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /jobs answered " + created.statusCode() + ": " + created.body());
        }
        JsonNode job = JSON.readTree(created.body());
        int i = 0;
        for (JsonNode file : job.path("files")) {
            HttpResponse<String> answer = http.send(GenerateCommand.uploadRequest(file, pictures.get(i++)), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("Upload refused: " + answer.body());
            }
            uploadedAt.put(file.path("fileId").asText(), System.currentTimeMillis());
        }
        return job.path("jobId").asText();
    }
}
