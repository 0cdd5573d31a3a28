package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.Catalog;
import com.image2model.devstack.fal.FalStandIn;
import com.image2model.devstack.fal.GltfValidator;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.generation.GenerationCatalog;
import com.image2model.generation.ModelOptions;
import com.image2model.jobs.GlbInfo;

/**
 * Generation options through the whole product: a job's options and a model's own, several views
 * of one object as one model, each priced by the catalog, held and captured at that price; FAL is
 * sent exactly the catalog's input for them; the built-in generator's models honour them and pass
 * the Khronos validator. A bad view fails its model, named, with its credits released.
 */
class GenerationOptionsFlowTest {

    private static final GenerationCatalog MODELS = Catalog.load().models();

    private static ObjectNode image(ObjectNode node, String name, String type, byte[] bytes) {
        return node.put("name", name).put("contentType", type).put("size", bytes.length);
    }

    private static List<FalStandIn.Request> sentFor(Jobs.Company company) {
        return Jobs.stack().fal().requests().values().stream().filter(r -> r.imageUrl().contains(company.companyId()))
                .sorted(java.util.Comparator.comparingLong(FalStandIn.Request::submittedAtMillis)).toList();
    }

    @Test
    void aJobWithOptionsAndAModelOfTwoViewsIsPricedSentAndMadeAsAsked(@TempDir Path dir) throws Exception {
        Jobs.Company company = Jobs.company("Options Studio", 2000);
        byte[] front = SampleImages.cutoutPng(31, 480, 480);
        byte[] left = SampleImages.cutoutPng(32, 360, 480);
        byte[] single = SampleImages.photoJpeg(33, 640, 480);
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("quality", "medium").put("pbr", true).put("name", "options");
        ArrayNode files = body.putArray("files");
        ObjectNode chair = files.addObject().put("name", "Chair");
        ArrayNode views = chair.putArray("views");
        image(views.addObject().put("role", "left"), "chair-left.png", "image/png", left);
        image(views.addObject().put("role", "front"), "chair-front.png", "image/png", front);
        image(files.addObject(), "lamp.jpg", "image/jpeg", single).put("polycount", 20000).put("topology", "quads");

        Api.Answer created = Api.call("POST", "/jobs", company.token(), Api.JSON.writeValueAsString(body));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        JsonNode job = created.body();
        ModelOptions chairOptions = MODELS.preset("medium").orElseThrow().withPbr(true);
        ModelOptions lampOptions = chairOptions.withPolycount(20000).withTopology(ModelOptions.Topology.QUADS);
        long chairCost = MODELS.plan(chairOptions, 2).credits();
        long lampCost = MODELS.plan(lampOptions, 1).credits();
        assertThat(job.path("files").get(0).path("cost").asLong()).isEqualTo(chairCost);
        assertThat(job.path("files").get(1).path("cost").asLong()).isEqualTo(lampCost);
        assertThat(job.path("cost").asLong()).isEqualTo(chairCost + lampCost);
        assertThat(Jobs.ledger().balance(company.companyId()).held()).as("held at the catalog's prices").isEqualTo(chairCost + lampCost);
        assertThat(job.path("options").path("pbr").asBoolean()).isTrue();
        assertThat(job.path("files").get(0).path("name").asText()).isEqualTo("Chair");
        assertThat(job.path("files").get(1).path("options").path("polycount").asInt()).isEqualTo(20000);
        assertThat(job.path("files").get(1).path("options").path("quality").asText()).isEqualTo("custom");

        // Each view has its own upload; the model waits for the last one.
        JsonNode chairFile = job.path("files").get(0);
        assertThat(chairFile.path("views")).hasSize(2);
        assertThat(chairFile.path("views").get(0).path("role").asText()).isEqualTo("front");
        Jobs.Upload frontUpload = upload(chairFile.path("views").get(0));
        Jobs.Upload leftUpload = upload(chairFile.path("views").get(1));
        assertThat(leftUpload.url()).contains(chairFile.path("fileId").asText() + "-left.png");
        assertThat(Jobs.put(frontUpload, front).statusCode()).isEqualTo(200);
        assertThat(Jobs.put(upload(job.path("files").get(1)), single).statusCode()).isEqualTo(200);
        String jobId = job.path("jobId").asText();
        JsonNode waiting = Jobs.await(company, jobId, j -> j.path("files").get(0).path("views").get(0).path("checked").asBoolean()
                && j.path("files").get(1).path("state").asText().equals("DONE"));
        assertThat(waiting.path("files").get(0).path("state").asText()).as("a model waits for all its views").isEqualTo("AWAITING_UPLOAD");
        assertThat(waiting.path("files").get(0).path("views").get(1).path("checked").asBoolean()).isFalse();
        assertThat(Jobs.put(leftUpload, left).statusCode()).isEqualTo(200);
        JsonNode done = Jobs.await(company, jobId, Jobs.state("DONE"));

        // FAL was sent exactly the catalog's input for each model.
        List<FalStandIn.Request> sent = sentFor(company);
        assertThat(sent).hasSize(2);
        FalStandIn.Request lampRequest = sent.get(0);
        FalStandIn.Request chairRequest = sent.get(1);
        assertThat(lampRequest.app()).isEqualTo(MODELS.plan(lampOptions, 1).app());
        assertThat(withoutUrls(lampRequest.input())).isEqualTo(Api.JSON.readTree(MODELS.plan(lampOptions, 1).input().toString()));
        assertThat(lampRequest.input().path("image_url").asText()).contains("/f002.jpg");
        assertThat(chairRequest.app()).isEqualTo("tripo3d/tripo/v2.5/multiview-to-3d");
        assertThat(withoutUrls(chairRequest.input())).isEqualTo(Api.JSON.readTree(MODELS.plan(chairOptions, 2).input().toString()));
        assertThat(chairRequest.input().path("front_image_url").asText()).contains("/f001.png");
        assertThat(chairRequest.input().path("left_image_url").asText()).contains("/f001-left.png");
        assertThat(chairRequest.input().has("image_url")).isFalse();

        // The models: within 5% of their polycount, PBR maps in both, and valid.
        List<Path> glbs = new ArrayList<>();
        int[] targets = {5000, 20000};
        for (int i = 0; i < 2; i++) {
            JsonNode file = done.path("files").get(i);
            byte[] glb = Jobs.fetch(file.path("result").path("url").asText());
            assertThat((double) GlbInfo.read(glb).faces()).as("faces of %s", file.path("name").asText())
                    .isBetween(targets[i] * 0.95, targets[i] * 1.05);
            JsonNode gltf = com.image2model.devstack.fal.GltfJson.of(glb);
            assertThat(gltf.path("materials").get(0).has("normalTexture")).isTrue();
            assertThat(gltf.path("materials").get(0).path("pbrMetallicRoughness").has("metallicRoughnessTexture")).isTrue();
            Path path = dir.resolve("model-" + i + ".glb");
            Files.write(path, glb);
            glbs.add(path);
        }
        assertThat(com.image2model.devstack.fal.GltfJson.of(Files.readAllBytes(glbs.get(1))).path("meshes").get(0).path("extras")
                .path("topology").asText()).isEqualTo("quads");
        for (GltfValidator.Report report : GltfValidator.validate(glbs)) {
            assertThat(report.errors()).as("validator errors in %s: %s", report.file().getFileName(), report.messages()).isZero();
        }
        // Captured at the price held, nothing left held.
        assertThat(Jobs.ledger().entries(company.companyId(), null, 50).stream()
                .filter(e -> e.type() == com.image2model.credits.CreditLedger.EntryType.CAPTURE).mapToLong(e -> Math.abs(e.amount())).sum())
                .isEqualTo(chairCost + lampCost);
        Jobs.assertSettled(company);
    }

    @Test
    void aBadViewFailsItsModelNamedAndReleasesItsCredits() throws Exception {
        Jobs.Company company = Jobs.company("Bad View Studio", 0);
        byte[] front = SampleImages.cutoutPng(41, 320, 320);
        byte[] notAnImage = "this is not a picture of the left side".repeat(20).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ObjectNode body = Api.JSON.createObjectNode().put("quality", "low");
        ArrayNode views = body.putArray("files").addObject().putArray("views");
        image(views.addObject().put("role", "front"), "front.png", "image/png", front);
        image(views.addObject().put("role", "left"), "left.png", "image/png", notAnImage);
        Api.Answer created = Api.call("POST", "/jobs", company.token(), Api.JSON.writeValueAsString(body));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        long cost = MODELS.plan(MODELS.preset("low").orElseThrow(), 2).credits();
        assertThat(created.body().path("cost").asLong()).isEqualTo(cost);
        JsonNode file = created.body().path("files").get(0);
        assertThat(Jobs.put(upload(file.path("views").get(0)), front).statusCode()).isEqualTo(200);
        assertThat(Jobs.put(upload(file.path("views").get(1)), notAnImage).statusCode()).isEqualTo(200);
        JsonNode failed = Jobs.await(company, created.body().path("jobId").asText(), Jobs.state("FAILED"));
        assertThat(failed.path("files").get(0).path("reason").asText()).startsWith("The left view: ").contains("credits were released");
        assertThat(sentFor(company)).as("nothing sent to FAL").isEmpty();
        assertThat(Jobs.ledger().balance(company.companyId()).available()).isEqualTo(Api.TRIAL);
        Jobs.assertSettled(company);
    }

    @Test
    void optionsThatCannotBeMadeAnswer400NamingTheFieldAndTheEstimateUsesTheCatalog() throws Exception {
        Jobs.Company company = Jobs.company("Careful Studio", 0);
        String one = "{\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}";
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"quality\":\"low\",\"polycount\":3000,\"files\":[" + one + "]}", new String[] {"conflicting_options", "polycount"});
        cases.put("{\"polycount\":90000,\"files\":[" + one + "]}", new String[] {"invalid_polycount", "polycount"});
        cases.put("{\"quality\":\"low\",\"files\":[{\"polycount\":100,\"name\":\"a.png\",\"contentType\":\"image/png\",\"size\":1000}]}",
                new String[] {"invalid_polycount", "files[0].polycount"});
        cases.put("{\"quality\":\"low\",\"topology\":\"pentagons\",\"files\":[" + one + "]}", new String[] {"invalid_topology", "topology"});
        cases.put("{\"quality\":\"low\",\"files\":[{\"views\":[{\"role\":\"left\",\"contentType\":\"image/png\",\"size\":10}]}]}",
                new String[] {"missing_front_view", "files[0].views"});
        cases.put("{\"quality\":\"low\",\"files\":[{\"views\":[{\"role\":\"front\",\"contentType\":\"image/png\",\"size\":10},"
                + "{\"role\":\"front\",\"contentType\":\"image/png\",\"size\":10}]}]}", new String[] {"duplicate_view_role", "files[0].views[1]"});
        cases.put("{\"quality\":\"low\",\"files\":[{\"views\":[{\"role\":\"front\",\"contentType\":\"image/gif\",\"size\":10}]}]}",
                new String[] {"unsupported_type", "files[0].views[0]"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Api.Answer answer = Api.call("POST", "/jobs", company.token(), c.getKey());
            assertThat(answer.status()).as(c.getKey()).isEqualTo(400);
            assertThat(answer.errorCode()).as(c.getKey()).isEqualTo(c.getValue()[0]);
            assertThat(answer.body().path("error").path("message").asText()).as(c.getKey()).contains(c.getValue()[1]);
        }
        assertThat(Jobs.ledger().balance(company.companyId()).held()).isZero();

        Api.Answer estimate = Api.call("POST", "/credits/estimate", company.token(),
                "{\"polycount\":12000,\"pbr\":true,\"textureQuality\":\"detailed\",\"views\":4,\"files\":3}");
        assertThat(estimate.status()).as(estimate.body().toString()).isEqualTo(200);
        long perImage = MODELS.plan(MODELS.preset("low").orElseThrow().withPolycount(12000).withPbr(true)
                .withTextureQuality(ModelOptions.TextureQuality.DETAILED), 4).credits();
        assertThat(estimate.body().path("perImage").asLong()).isEqualTo(perImage);
        assertThat(estimate.body().path("cost").asLong()).isEqualTo(3 * perImage);
        assertThat(Api.call("POST", "/credits/estimate", company.token(), "{\"quality\":\"low\",\"views\":5,\"files\":1}").status()).isEqualTo(400);
    }

    @Test
    void theGenerateCommandMakesAModelOfViewsWithOptions(@TempDir Path dir) throws Exception {
        Jobs.Company company = Jobs.company("Command Line Studio", 500);
        Path front = Files.write(dir.resolve("mug-front.png"), SampleImages.cutoutPng(51, 320, 320));
        Path left = Files.write(dir.resolve("mug-left.png"), SampleImages.cutoutPng(52, 240, 320));
        Path other = Files.write(dir.resolve("bowl.jpg"), SampleImages.photoJpeg(53, 320, 240));
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        // As `generate --views mug-front.png,mug-left.png --pbr --polycount 8000 --quads bowl.jpg` runs it.
        var result = new com.image2model.devstack.generate.GenerateCommand(Jobs.stack().front().url(), company.token(),
                new java.io.PrintStream(said)).run(List.of(other), List.of(front, left),
                new com.image2model.devstack.generate.GenerateCommand.Options(null, 8000, true, true, false), dir.resolve("models"),
                java.time.Duration.ofSeconds(90));
        assertThat(result.state()).as(said.toString()).isEqualTo("DONE");
        assertThat(result.models()).hasSize(2);
        ModelOptions options = MODELS.preset("low").orElseThrow().withPolycount(8000).withPbr(true)
                .withTopology(ModelOptions.Topology.QUADS);
        assertThat(result.creditsSpent()).isEqualTo(MODELS.plan(options, 2).credits() + MODELS.plan(options, 1).credits());
        assertThat(said.toString()).contains("2 model(s), 8,000 faces, PBR, quads").contains("(left view)");
        List<FalStandIn.Request> sent = sentFor(company);
        assertThat(sent).extracting(FalStandIn.Request::app)
                .containsExactlyInAnyOrder("tripo3d/tripo/v2.5/image-to-3d", "tripo3d/tripo/v2.5/multiview-to-3d");
        assertThat(sent).allSatisfy(r -> {
            assertThat(r.input().path("face_limit").asInt()).isEqualTo(8000);
            assertThat(r.input().path("quad").asBoolean()).isTrue();
            assertThat(r.input().path("pbr").asBoolean()).isTrue();
        });
        for (Path model : result.models()) {
            assertThat((double) GlbInfo.read(Files.readAllBytes(model)).faces()).isBetween(8000 * 0.95, 8000 * 1.05);
        }
    }

    @Test
    void aFailedModelOfViewsIsRetriedWithAllItsViewsAndItsOptionsAtItsPrice() throws Exception {
        Jobs.Company company = Jobs.company("Retry Views Studio", 500);
        byte[] front = SampleImages.cutoutPng(61, 320, 320);
        byte[] back = SampleImages.cutoutPng(62, 320, 320);
        ObjectNode body = Api.JSON.createObjectNode().put("polycount", 3000).put("textureQuality", "detailed");
        ArrayNode views = body.putArray("files").addObject().putArray("views");
        image(views.addObject().put("role", "front"), "front.png", "image/png", front);
        image(views.addObject().put("role", "back"), "back.png", "image/png", back);
        Jobs.stack().fal().failNextResults(1);
        JsonNode job;
        try {
            job = Api.call("POST", "/jobs", company.token(), Api.JSON.writeValueAsString(body)).body();
            JsonNode file = job.path("files").get(0);
            assertThat(Jobs.put(upload(file.path("views").get(0)), front).statusCode()).isEqualTo(200);
            assertThat(Jobs.put(upload(file.path("views").get(1)), back).statusCode()).isEqualTo(200);
            Jobs.await(company, job.path("jobId").asText(), Jobs.state("FAILED"));
        } finally {
            Jobs.stack().fal().resetFaults();
        }
        ModelOptions options = MODELS.preset("low").orElseThrow().withPolycount(3000).withTextureQuality(ModelOptions.TextureQuality.DETAILED);
        long price = MODELS.plan(options, 2).credits();
        JsonNode estimate = Api.call("GET", "/jobs/" + job.path("jobId").asText() + "/retry", company.token(), null).body();
        assertThat(estimate.path("cost").asLong()).isEqualTo(price);
        Api.Answer retried = Api.call("POST", "/jobs/" + job.path("jobId").asText() + "/retry", company.token(), null);
        assertThat(retried.status()).as(retried.body().toString()).isEqualTo(201);
        JsonNode done = Jobs.await(company, retried.body().path("jobId").asText(), Jobs.state("DONE"));
        assertThat(done.path("files").get(0).path("views")).hasSize(2);
        assertThat(done.path("files").get(0).path("options").path("textureQuality").asText()).isEqualTo("detailed");
        FalStandIn.Request last = sentFor(company).get(sentFor(company).size() - 1);
        assertThat(last.input().path("back_image_url").asText()).contains(retried.body().path("jobId").asText() + "/f001-back.png");
        assertThat(last.input().path("texture").asText()).isEqualTo("HD");
        Jobs.assertSettled(company);
    }

    private static Jobs.Upload upload(JsonNode withUpload) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        withUpload.path("upload").path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        return new Jobs.Upload(withUpload.path("fileId").asText(""), withUpload.path("upload").path("url").asText(), headers);
    }

    private static JsonNode withoutUrls(JsonNode input) {
        ObjectNode copy = input.deepCopy();
        List<String> urls = new ArrayList<>();
        copy.fieldNames().forEachRemaining(f -> {
            if (f.endsWith("image_url")) {
                urls.add(f);
            }
        });
        copy.remove(urls);
        return copy;
    }
}
