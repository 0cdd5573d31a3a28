package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;
import com.image2model.devstack.samples.SampleImages;

/**
 * "Download all": a ZIP of a job's models in the chosen format with their pictures and a manifest
 * of every file (the failed one with its reason), kept under the company's prefix, reused until
 * the job changes, and another company's job is 404.
 */
class ArchiveTest {

    @AfterEach
    void tearDown() {
        Jobs.stack().fal().resetFaults();
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    @Test
    void aJobDownloadsAsOneZipWhoseManifestMatchesItsFiles() throws Exception {
        Jobs.Company owner = Jobs.company("Archive Studio", 0);
        Jobs.Company other = Jobs.company("Archive Neighbour", 0);
        Jobs.stack().fal().resetFaults();
        Jobs.stack().fal().failNextResults(1);
        List<byte[]> images = List.of(SampleImages.photoJpeg(81, 320, 240), SampleImages.photoJpeg(82, 320, 240));
        JsonNode created = Jobs.create(owner, "low", images, "image/jpeg").body();
        String jobId = created.path("jobId").asText();
        Jobs.uploadAll(created, images);
        JsonNode job = Jobs.await(owner, jobId, Jobs.state("PARTIAL"));

        Api.Answer archive = Api.call("POST", "/jobs/" + jobId + "/archive", owner.token(), "{\"format\": \"stl\"}");
        assertThat(archive.status()).as(archive.body().toString()).isEqualTo(200);
        String url = archive.body().path("url").asText();
        assertThat(URI.create(url).getPath()).endsWith("/results/" + owner.companyId() + "/" + jobId + "/models-stl.zip");
        byte[] zip = Jobs.fetch(url);
        Map<String, byte[]> entries = unzip(zip);

        List<String> lines = new String(entries.get("manifest.csv"), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo("input,output,faces,credits,state,reason");
        assertThat(lines).hasSize(3);
        List<String> outputs = new ArrayList<>();
        for (JsonNode file : job.path("files")) {
            String row = lines.stream().filter(l -> l.contains(file.path("fileId").asText() + "-") || l.contains(file.path("state").asText()
                    .toLowerCase())).findFirst().orElseThrow();
            if (file.path("state").asText().equals("DONE")) {
                String output = file.path("fileId").asText() + "-" + file.path("name").asText().replaceAll("\\.[a-z]+$", "") + ".stl";
                assertThat(row).contains(output).contains(",35,done,");
                assertThat(entries).containsKey(output).containsKey("pictures/" + output.replace(".stl", ".png"));
                byte[] stl = entries.get(output);
                assertThat(stl.length).isEqualTo(84 + 50 * java.nio.ByteBuffer.wrap(stl, 80, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
                outputs.add(output);
            } else {
                assertThat(row).contains(",0,failed,").contains("No object could be found");
            }
        }
        assertThat(outputs).hasSize(1);
        assertThat(entries).hasSize(3);

        // Kept: the same ZIP until the job changes.
        var bucket = TestStack.get().provisioner().ref("ResultsBucket");
        var before = TestStack.get().aws().s3().headObject(h -> h.bucket(bucket).key("results/" + owner.companyId() + "/" + jobId
                + "/models-stl.zip")).lastModified();
        Thread.sleep(1_100);
        assertThat(Api.call("POST", "/jobs/" + jobId + "/archive", owner.token(), "{\"format\": \"stl\"}").status()).isEqualTo(200);
        assertThat(TestStack.get().aws().s3().headObject(h -> h.bucket(bucket).key("results/" + owner.companyId() + "/" + jobId
                + "/models-stl.zip")).lastModified()).isEqualTo(before);

        assertThat(Api.call("POST", "/jobs/" + jobId + "/archive", other.token(), "{}").status()).isEqualTo(404);
        assertThat(Api.call("POST", "/jobs/" + jobId + "/archive", owner.token(), "{\"format\": \"zip\"}").errorCode()).isEqualTo("invalid_format");
        assertThat(Api.call("POST", "/jobs/" + jobId + "/archive", owner.token(), "[]").status()).isEqualTo(400);
    }
}
