package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

/**
 * A finished model downloads as GLB, OBJ, STL, USDZ and FBX. Each conversion is made once, kept
 * under the company's prefix, and read back by an independent reader, the Open Asset Import
 * Library's command line (Debian's assimp-utils, which .ci/run installs): OBJ, STL and FBX have
 * the model's face count. Links last what the person asks (up to 7 days); bad formats and
 * lifetimes, another company's model and a model not made yet are refused.
 */
class ModelFormatsTest {

    /** Faces as assimp counts them in the file. */
    private static long assimpFaces(Path file) throws Exception {
        Process process = new ProcessBuilder("assimp", "info", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher faces = Pattern.compile("Faces:\\s+(\\d+)").matcher(output);
        assertThat(faces.find()).as("assimp read " + file.getFileName() + ":\n" + output).isTrue();
        return Long.parseLong(faces.group(1));
    }

    /** A job of the images, made: its page once DONE. */
    private static JsonNode finished(Jobs.Company owner, String quality, List<byte[]> images) throws Exception {
        JsonNode created = Jobs.create(owner, quality, images, "image/jpeg").body();
        Jobs.uploadAll(created, images);
        return Jobs.await(owner, created.path("jobId").asText(), Jobs.state("DONE"));
    }

    @Test
    void aModelDownloadsInEveryFormatThatAnIndependentReaderOpensWithItsFaces(@TempDir Path dir) throws Exception {
        assertThat(new ProcessBuilder("assimp", "version").start().waitFor()).as("assimp (Debian's assimp-utils) is installed").isZero();
        Jobs.Company owner = Jobs.company("Formats Studio", 0);
        Jobs.Company other = Jobs.company("Formats Neighbour", 0);
        List<byte[]> images = List.of(SampleImages.photoJpeg(51, 320, 240));
        JsonNode job = finished(owner, "low", images);
        String jobId = job.path("jobId").asText();
        long faces = job.at("/files/0/model/faces").asLong();
        String route = "/jobs/" + jobId + "/files/f001/download";

        for (String format : List.of("glb", "obj", "stl", "usdz", "fbx", "wireframe")) {
            Api.Answer answer = Api.call("GET", route + "?format=" + format, owner.token(), null);
            assertThat(answer.status()).as(format + " " + answer.body()).isEqualTo(200);
            String url = answer.body().path("url").asText();
            assertThat(URI.create(url).getPath()).contains("/results/" + owner.companyId() + "/" + jobId + "/f001.");
            assertThat(url).contains("X-Amz-Expires=3600");
            byte[] bytes = Jobs.fetch(url);
            Path file = dir.resolve(answer.body().path("fileName").asText());
            Files.write(file, bytes);
            switch (format) {
                case "glb" -> assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("glTF");
                case "wireframe" -> {
                    // The viewer's wireframe: a GLB the Khronos validator passes, the surface and its edges as lines.
                    var report = com.image2model.devstack.fal.GltfValidator.validate(List.of(file)).get(0);
                    assertThat(report.errors()).as(report.messages().toString()).isZero();
                    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("\"mode\":1");
                }
                case "stl", "fbx" -> assertThat(assimpFaces(file)).as(format).isEqualTo(faces);
                case "obj" -> {
                    Path folder = Files.createDirectories(dir.resolve("obj"));
                    try (var zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(bytes))) {
                        for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                            Files.write(folder.resolve(entry.getName()), zip.readAllBytes());
                        }
                    }
                    assertThat(folder.resolve("model.mtl")).exists();
                    assertThat(assimpFaces(folder.resolve("model.obj"))).as("obj").isEqualTo(faces);
                }
                default -> {
                    assertThat(new String(bytes, 30, 10, StandardCharsets.US_ASCII)).as("the USD layer first").isEqualTo("model.usda");
                    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("UsdPreviewSurface");
                }
            }
        }
        // Made once, then kept: the second request signs the same object.
        var before = TestStack.get().aws().s3().headObject(h -> h.bucket(TestStack.get().provisioner().ref("ResultsBucket"))
                .key("results/" + owner.companyId() + "/" + jobId + "/f001.fbx")).lastModified();
        Thread.sleep(1_100);
        Api.Answer again = Api.call("GET", route + "?format=FBX&expiresIn=604800", owner.token(), null);
        assertThat(again.body().path("url").asText()).contains("X-Amz-Expires=604800");
        assertThat(TestStack.get().aws().s3().headObject(h -> h.bucket(TestStack.get().provisioner().ref("ResultsBucket"))
                .key("results/" + owner.companyId() + "/" + jobId + "/f001.fbx")).lastModified()).isEqualTo(before);

        assertThat(Api.call("GET", route + "?format=ply", owner.token(), null).errorCode()).isEqualTo("invalid_format");
        assertThat(Api.call("GET", route + "?expiresIn=30", owner.token(), null).errorCode()).isEqualTo("invalid_expiry");
        assertThat(Api.call("GET", route + "?expiresIn=604801", owner.token(), null).errorCode()).isEqualTo("invalid_expiry");
        assertThat(Api.call("GET", route + "?expiresIn=1e3", owner.token(), null).errorCode()).isEqualTo("invalid_expiry");
        assertThat(Api.call("GET", "/jobs/" + jobId + "/files/f009/download", owner.token(), null).status()).isEqualTo(404);
        assertThat(Api.call("GET", "/jobs/" + jobId + "/files/..%2Ff001/download", owner.token(), null).status()).isEqualTo(404);
        Api.Answer foreign = Api.call("GET", route + "?format=stl", other.token(), null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body().toString()).doesNotContain(owner.companyId());

        JsonNode waiting = Jobs.create(owner, "low", images, "image/jpeg").body();
        Api.Answer notReady = Api.call("GET", "/jobs/" + waiting.path("jobId").asText() + "/files/f001/download", owner.token(), null);
        assertThat(notReady.status()).isEqualTo(409);
        assertThat(notReady.errorCode()).isEqualTo("model_not_ready");
        Api.call("DELETE", "/jobs/" + waiting.path("jobId").asText(), owner.token(), null);
    }

    @Test
    void aBigModelIsConvertedByTheWorkerWhileTheDownloadAsksAgain(@TempDir Path dir) throws Exception {
        Jobs.Company owner = Jobs.company("Big Formats Studio", 1_000);
        Jobs.Company other = Jobs.company("Big Formats Neighbour", 0);
        JsonNode job = finished(owner, "high", List.of(SampleImages.photoJpeg(52, 640, 480)));
        String jobId = job.path("jobId").asText();
        long faces = job.at("/files/0/model/faces").asLong();
        assertThat(job.at("/files/0/model/bytes").asLong()).as("over the tests' inline limit (64 KB)").isGreaterThan(65_536);
        String route = "/jobs/" + jobId + "/files/f001/download?format=stl";

        Api.Answer first = Api.call("GET", route, owner.token(), null);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(202);
        assertThat(first.body().path("state").asText()).isEqualTo("converting");
        assertThat(first.body().path("retryAfterSeconds").asInt()).isPositive();
        assertThat(first.body().has("url")).isFalse();
        // Asking again while it is made queues nothing more; another company still gets 404.
        Api.Answer foreign = Api.call("GET", route, other.token(), null);
        assertThat(foreign.status()).isEqualTo(404);
        Api.Answer ready = first;
        for (int i = 0; i < 100 && ready.status() == 202; i++) {
            Thread.sleep(200);
            ready = Api.call("GET", route, owner.token(), null);
        }
        assertThat(ready.status()).as(ready.body().toString()).isEqualTo(200);
        Path file = dir.resolve("big.stl");
        Files.write(file, Jobs.fetch(ready.body().path("url").asText()));
        assertThat(assimpFaces(file)).isEqualTo(faces);
        // Made by the worker from the stored GLB, kept beside it; the pending request is gone.
        var head = TestStack.get().aws().s3().headObject(h -> h.bucket(TestStack.get().provisioner().ref("ResultsBucket"))
                .key("results/" + owner.companyId() + "/" + jobId + "/f001.stl"));
        assertThat(head.metadata()).containsEntry("from", "glb");
        assertThat(Jobs.stack().aws().dynamoDb().getItem(g -> g.tableName(Jobs.table()).key(java.util.Map.of(
                "PK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("C#" + owner.companyId()),
                "SK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("CONVERT#" + jobId + "#f001#stl")))).hasItem())
                .isFalse();
        // The GLB itself never waits.
        assertThat(Api.call("GET", "/jobs/" + jobId + "/files/f001/download", owner.token(), null).status()).isEqualTo(200);
    }
}
