package com.image2model.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.TestStack;
import com.image2model.devstack.samples.SampleImages;

/**
 * An upload URL writes once: after the image was checked and sent to FAL, a second PUT of other
 * bytes of the same size and type through the same URL answers 412, and the object FAL reads is
 * still the checked image.
 */
class UploadOnceTest {

    @Test
    void aSecondPutThroughTheSameUrlCannotSwapTheCheckedImage() throws Exception {
        byte[] image = SampleImages.photoJpeg(61, 320, 240);
        Jobs.Company company = Jobs.company("Write Once", 100);
        JsonNode created = Jobs.create(company, "low", List.of(image), "image/jpeg").body();
        Jobs.Upload upload = Jobs.uploads(created).get(0);
        assertThat(upload.headers()).containsEntry("If-None-Match", "*");
        Jobs.uploadAll(created, List.of(image));
        Jobs.await(company, created.path("jobId").asText(), Jobs.state("DONE"));

        byte[] swapped = image.clone();
        for (int i = 200; i < swapped.length - 2; i++) {
            swapped[i] = (byte) (swapped[i] ^ 0x5a);
        }
        HttpResponse<String> again = Jobs.put(upload, swapped);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(412);
        assertThat(again.body()).contains("PreconditionFailed");

        String key = java.net.URI.create(upload.url()).getPath().replaceFirst("^/[^/]+/", "");
        String bucket = TestStack.get().provisioner().ref("UploadsBucket");
        byte[] stored = TestStack.get().aws().s3().getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray();
        assertThat(stored).as("what FAL reads is the checked image").isEqualTo(image);
    }
}
