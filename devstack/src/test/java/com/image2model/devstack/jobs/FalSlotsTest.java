package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.credits.Catalog;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.samples.SampleImages;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * FAL's slots through the whole pipeline: the stand-in runs 2 requests at once and queues the rest
 * first come first served, as a FAL account does. The suite's stack counts 32 slots (its schedules
 * do not run, so a test that loses a webhook could hold one); here 30 of them are taken, as if
 * another 30 requests were running, so that the functions have the stand-in's 2.
 */
class FalSlotsTest {

    private static final String APP = Catalog.load().generation("low").app();
    private static final int TAKEN = 30;

    private static FalStandIn fal() {
        return Jobs.stack().fal();
    }

    private static void take(long slots) {
        Jobs.stack().aws().dynamoDb().updateItem(u -> u.tableName(Jobs.table())
                .key(Map.of("PK", AttributeValue.fromS("PLATFORM#FAL"), "SK", AttributeValue.fromS("SLOTS#" + APP)))
                .updateExpression("ADD inFlight :n").expressionAttributeValues(Map.of(":n", AttributeValue.fromN(String.valueOf(slots)))));
    }

    private static long inFlight() {
        Map<String, AttributeValue> item = Jobs.stack().aws().dynamoDb().getItem(g -> g.tableName(Jobs.table()).consistentRead(true)
                .key(Map.of("PK", AttributeValue.fromS("PLATFORM#FAL"), "SK", AttributeValue.fromS("SLOTS#" + APP)))).item();
        return item == null || !item.containsKey("inFlight") ? 0 : Long.parseLong(item.get("inFlight").n());
    }

    private long before;

    @BeforeEach
    void takeAllButTheStandInsSlots() {
        before = inFlight();
        take(TAKEN);
    }

    @AfterEach
    void giveThemBack() {
        take(-TAKEN);
        fal().setModelMillis(0);
    }

    private static List<byte[]> images(int count, int seed) {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(SampleImages.photoJpeg(seed + i, 320, 240));
        }
        return images;
    }

    @Test
    void aBigBatchDoesNotMakeASmallJobWaitAndFalIsNeverSentMoreThanItsSlots() throws Exception {
        // Each model takes 2.5 s at FAL: the small job's uploads arrive while the big batch's first two run.
        fal().setModelMillis(2500);
        fal().resetSlotCounts();
        Jobs.Company big = Jobs.company("Big Batch Agency", 1000);
        Jobs.Company small = Jobs.company("Small Job Studio", 0);
        JsonNode bigJob = Jobs.create(big, "low", images(8, 300), "image/jpeg").body();
        Jobs.uploadAll(bigJob, images(8, 300));
        JsonNode smallJob = Jobs.create(small, "low", images(2, 400), "image/jpeg").body();
        Jobs.uploadAll(smallJob, images(2, 400));

        // While they wait, the small job's page says where its images stand in its own line.
        JsonNode waiting = Jobs.await(small, smallJob.path("jobId").asText(),
                job -> job.path("files").findValues("queued").stream().anyMatch(JsonNode::asBoolean)
                        || job.path("files").findValuesAsText("state").stream().noneMatch(s -> s.equals("UPLOADED") || s.equals("AWAITING_UPLOAD")));
        for (JsonNode file : waiting.path("files")) {
            if (file.path("queued").asBoolean()) {
                assertThat(file.path("queuePosition").asInt()).isBetween(1, 2);
                // At least a round of the slots and the model's own time, from the catalog's typical time.
                assertThat(file.path("queueEstimateSeconds").asLong()).isGreaterThanOrEqualTo(2 * file.path("typicalSeconds").asLong())
                        .isPositive();
            }
        }

        Jobs.await(big, bigJob.path("jobId").asText(), Jobs.state("DONE"));
        Jobs.await(small, smallJob.path("jobId").asText(), Jobs.state("DONE"));

        assertThat(fal().maxQueued()).as("requests that had to wait in FAL's own queue").isZero();
        assertThat(fal().maxRunning()).isLessThanOrEqualTo(2);
        List<FalStandIn.Request> sent = fal().requests().values().stream()
                .filter(r -> r.imageUrl().contains(big.companyId()) || r.imageUrl().contains(small.companyId()))
                .sorted(Comparator.comparingLong(FalStandIn.Request::submittedAtMillis)).toList();
        assertThat(sent).hasSize(10);
        List<Integer> smallTurns = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).imageUrl().contains(small.companyId())) {
                smallTurns.add(i + 1);
            }
        }
        // Round robin: the small job's two images go third and fifth (first come, first served would send them last).
        assertThat(smallTurns).as("when the small job's images were sent, of 10").containsExactly(3, 5);
        assertThat(inFlight()).as("every slot given back").isEqualTo(before + TAKEN);
        Jobs.assertSettled(big);
        Jobs.assertSettled(small);
    }

    @Test
    void aJobCancelledWhileItWaitsIsNeverSentAndItsCreditsComeBack() throws Exception {
        take(2); // Every slot is taken: the job's images wait.
        try {
            Jobs.Company company = Jobs.company("Patient Studio", 0);
            JsonNode job = Jobs.create(company, "low", images(2, 500), "image/jpeg").body();
            String jobId = job.path("jobId").asText();
            Jobs.uploadAll(job, images(2, 500));
            Jobs.await(company, jobId, j -> j.path("files").findValues("queued").stream().filter(JsonNode::asBoolean).count() == 2);

            assertThat(com.image2model.devstack.identity.Api.call("DELETE", "/jobs/" + jobId, company.token(), null).status())
                    .isEqualTo(200);
            Jobs.await(company, jobId, Jobs.state("CANCELLED"));
            take(-2);
            Jobs.sweep(); // wakes the dispatch of whatever waits
            Thread.sleep(1500);
            assertThat(fal().requests().values().stream().filter(r -> r.imageUrl().contains(company.companyId()))).isEmpty();
            Jobs.assertSettled(company);
        } finally {
            if (inFlight() >= before + TAKEN + 2) {
                take(-2);
            }
        }
    }

    @Test
    void anErasedCompanysFileThatHeldASlotGivesItBack() throws Exception {
        String companyId = "erased-" + Long.toHexString(System.nanoTime());
        long was = inFlight();
        // A file sent to FAL (it holds a slot), as the dispatcher leaves it.
        Jobs.stack().aws().dynamoDb().putItem(p -> p.tableName(Jobs.table()).item(Map.of("PK", AttributeValue.fromS("C#" + companyId),
                "SK", AttributeValue.fromS("JOBFILE#j1#f001"), "status", AttributeValue.fromS("SUBMITTED"),
                "falSlot", AttributeValue.fromS(APP))));
        take(1);
        Jobs.stack().aws().dynamoDb().putItem(p -> p.tableName(Jobs.table()).item(Map.of("PK", AttributeValue.fromS("C#" + companyId),
                "SK", AttributeValue.fromS("JOBFILE#j1#f002"), "status", AttributeValue.fromS("DONE"))));

        int deleted = new com.image2model.privacy.PrivacyStore(Jobs.stack().aws().dynamoDb(), Jobs.table(), null)
                .eraseCompanyItems(companyId, Map.of());

        assertThat(deleted).isEqualTo(2);
        assertThat(inFlight()).as("the slot came back with the file").isEqualTo(was);
    }

    /** An SQS event for the worker whose messages have these bodies. */
    private static byte[] workerEvent(List<String> bodies) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode event = com.image2model.devstack.identity.Api.JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode records = event.putArray("Records");
        for (String body : bodies) {
            records.addObject().put("messageId", java.util.UUID.randomUUID().toString()).put("receiptHandle", "r").put("body", body)
                    .put("eventSource", "aws:sqs").putObject("attributes").put("ApproximateReceiveCount", "1");
        }
        return com.image2model.devstack.identity.Api.JSON.writeValueAsBytes(event);
    }

    @Test
    void forgedDispatchMessagesNeverSendPastTheSlots() throws Exception {
        take(2); // Every slot is taken.
        try {
            Jobs.Company company = Jobs.company("Forged Dispatch Studio", 0);
            JsonNode job = Jobs.create(company, "low", images(1, 600), "image/jpeg").body();
            String jobId = job.path("jobId").asText();
            Jobs.uploadAll(job, images(1, 600));
            Jobs.await(company, jobId, j -> j.path("files").get(0).path("queued").asBoolean());
            long held = inFlight();

            byte[] answer = Jobs.stack().functions().invoke("WorkerFunction", workerEvent(List.of(
                    "{\"dispatch\": \"" + APP + "\"}", "{\"dispatch\": [\"" + APP + "\"]}", "{\"dispatch\": {\"app\": 1}}",
                    "{\"dispatch\": \"FALWAIT#" + APP + "\"}", "{\"dispatch\": \"" + "x".repeat(5000) + "\"}", "[1, 2]")));

            assertThat(com.image2model.devstack.identity.Api.JSON.readTree(answer).path("batchItemFailures")).as("nothing to retry").isEmpty();
            assertThat(inFlight()).as("no slot taken past the limit").isEqualTo(held);
            assertThat(Jobs.job(company, jobId).path("files").get(0).path("queued").asBoolean()).as("still waiting").isTrue();
            assertThat(fal().requests().values().stream().filter(r -> r.imageUrl().contains(company.companyId()))).isEmpty();
            assertThat(com.image2model.devstack.identity.Api.call("DELETE", "/jobs/" + jobId, company.token(), null).status()).isEqualTo(200);
            Jobs.assertSettled(company);
        } finally {
            take(-2);
        }
    }
}
