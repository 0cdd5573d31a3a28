package com.image2model.devstack.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.CreditLedger;
import com.image2model.devstack.Stack;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.generate.DemoCompany;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.JobStore;

/**
 * {@code bench chaos [--images 50]}: one batch through the whole devstack while things go wrong:
 * FAL answers 5xx and 429 to some submissions, 422 to some results, is slow on some and loses some
 * webhooks; the worker dies after its work on a few batches (SQS delivers them again); the webhook
 * receiver is down for a while. The sweeper runs every 2 s. Prints what became of every image,
 * what is stuck, any credit charged twice, and the ledger's invariant.
 */
public final class ChaosBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int images;
    private final HttpClient http = HttpClient.newHttpClient();

    public ChaosBench(Path root, int images) {
        this.root = root;
        this.images = images;
    }

    /** Runs the batch; answers whether every figure is as it must be (nothing stuck, nothing charged twice, the invariant holds). */
    public boolean run(PrintStream out) throws Exception {
        try (Stack stack = Stack.start(Stack.Options.forTests(root))) {
            String companyId = DemoCompany.seed(stack);
            String token = DemoCompany.token(stack);
            String table = stack.provisioner().ref("Table");
            CreditLedger ledger = new CreditLedger(stack.aws().dynamoDb(), table, Clock.systemUTC());
            JobStore store = new JobStore(stack.aws().dynamoDb(), table, ledger, Clock.systemUTC());
            long availableBefore = ledger.balance(companyId).available();

            FalStandIn.Faults faults = new FalStandIn.Faults(0.15, 0.10, 0.10, 0.20, 4000, 0.15);
            out.printf("Chaos benchmark: %d images at low quality through the devstack, with%n", images);
            out.printf("  FAL: %.0f%% submits 503, %.0f%% submits 429, %.0f%% results 422, %.0f%% slow (+%d ms), %.0f%% webhooks lost%n",
                    faults.submit5xx() * 100, faults.submit429() * 100, faults.result422() * 100, faults.slowShare() * 100,
                    faults.slowMillis(), faults.lostWebhook() * 100);
            out.println("  the worker crashing after its work on 3 batches; the webhook receiver down for 8 s; the sweeper every 2 s");
            stack.fal().faults(faults);
            stack.eventSources().crashAfterWork("WorkerFunction", 3);

            long started = System.currentTimeMillis();
            String jobId = createAndUpload(stack, token);
            stack.front().downFor("/webhooks/", 8_000);

            long deadline = System.currentTimeMillis() + 600_000;
            long lastSweep = 0;
            while (System.currentTimeMillis() < deadline) {
                if (System.currentTimeMillis() - lastSweep > 2_000) {
                    stack.functions().invoke("SweeperFunction", "{\"id\":\"chaos-sweep\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"}"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    lastSweep = System.currentTimeMillis();
                }
                if (store.files(companyId, jobId).stream().allMatch(f -> f.state().terminal())) {
                    break;
                }
                Thread.sleep(200);
            }
            long wall = System.currentTimeMillis() - started;
            stack.fal().resetFaults();

            List<JobStore.JobFile> files = store.files(companyId, jobId);
            long done = files.stream().filter(f -> f.state() == JobStore.FileState.DONE).count();
            long failed = files.stream().filter(f -> f.state() == JobStore.FileState.FAILED).count();
            long stuck = files.stream().filter(f -> !f.state().terminal()).count();
            Map<String, CreditLedger.Hold> holds = new HashMap<>();
            ledger.holds(companyId).forEach(h -> holds.put(h.holdId(), h));
            long failedRefunded = files.stream().filter(f -> f.state() == JobStore.FileState.FAILED)
                    .filter(f -> holds.get(f.holdId()) != null && holds.get(f.holdId()).status() != CreditLedger.HoldStatus.CAPTURED).count();

            List<CreditLedger.Entry> entries = entries(ledger, companyId);
            Map<String, Integer> ends = new HashMap<>();
            long capturedCredits = 0;
            for (CreditLedger.Entry e : entries) {
                if (e.type() == CreditLedger.EntryType.CAPTURE || e.type() == CreditLedger.EntryType.RELEASE || e.type() == CreditLedger.EntryType.EXPIRE) {
                    ends.merge(e.reference(), 1, Integer::sum);
                }
                if (e.type() == CreditLedger.EntryType.CAPTURE) {
                    capturedCredits += e.amount();
                }
            }
            long endedTwice = ends.values().stream().filter(n -> n > 1).count();
            long doneCredits = files.stream().filter(f -> f.state() == JobStore.FileState.DONE).mapToLong(JobStore.JobFile::cost).sum();
            long doubleCharged = Math.max(0, capturedCredits - doneCredits) + endedTwice;
            List<String> violations = com.image2model.devstack.credits.LedgerInvariant.check(ledger, companyId).violations();
            CreditLedger.Balance after = ledger.balance(companyId);

            out.printf("  finished in %.1f s%n", wall / 1000.0);
            out.printf("  images done: %d of %d%n", done, images);
            out.printf("  images failed and refunded: %d (failed %d)%n", failedRefunded, failed);
            out.printf("  images stuck: %d%n", stuck);
            out.printf("  credits double-charged: %d (holds ended more than once: %d; captured %d credits for %d credits of done images)%n",
                    doubleCharged, endedTwice, capturedCredits, doneCredits);
            out.printf("  balance: %d before, %d after, %d held; spent %d = done images' cost %d%n", availableBefore, after.available(), after.held(),
                    availableBefore - after.available(), doneCredits);
            out.printf("  FAL submissions received: %d for %d images; webhooks delivered %d%n", stack.fal().submitAttempts().size(), images,
                    stack.fal().requests().values().stream().mapToInt(FalStandIn.Request::webhookDeliveries).sum());
            out.printf("  ledger invariant: %s%n", violations.isEmpty() ? "holds (" + entries.size() + " entries)" : "BROKEN " + violations);
            boolean ok = stuck == 0 && doubleCharged == 0 && violations.isEmpty() && failed == failedRefunded
                    && availableBefore - after.available() - after.held() == doneCredits;
            out.println(ok ? "  result: OK" : "  result: FAILED");
            return ok;
        }
    }

    private static List<CreditLedger.Entry> entries(CreditLedger ledger, String companyId) {
        List<CreditLedger.Entry> all = new ArrayList<>();
        Long before = null;
        while (true) {
            List<CreditLedger.Entry> page = ledger.entries(companyId, before, 500);
            all.addAll(page);
            if (page.size() < 500) {
                return all;
            }
            before = page.get(page.size() - 1).sequence();
        }
    }

    private String createAndUpload(Stack stack, String token) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("quality", "low");
        body.put("name", "chaos");
        ArrayNode files = body.putArray("files");
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            byte[] picture = SampleImages.photoJpeg(7000 + i, 512, 384);
            pictures.add(picture);
            files.addObject().put("name", "chaos-" + i + ".jpg").put("contentType", "image/jpeg").put("size", picture.length);
        }
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(stack.front().url() + "/jobs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /jobs: " + created.statusCode() + " " + created.body());
        }
        JsonNode job = JSON.readTree(created.body());
        int i = 0;
        for (JsonNode file : job.path("files")) {
            byte[] picture = pictures.get(i++);
            for (int attempt = 1; ; attempt++) {
                try {
                    HttpResponse<String> put = http.send(com.image2model.devstack.generate.GenerateCommand.uploadRequest(file, picture),
                            HttpResponse.BodyHandlers.ofString());
                    if (put.statusCode() != 200) {
                        throw new IllegalStateException("Upload refused: " + put.body());
                    }
                    break;
                } catch (java.io.IOException e) {
                    if (attempt >= 3) {
                        throw e;
                    }
                }
            }
        }
        return job.path("jobId").asText();
    }
}
