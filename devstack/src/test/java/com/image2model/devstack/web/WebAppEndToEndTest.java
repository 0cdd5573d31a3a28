package com.image2model.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.TestStack;
import com.image2model.devstack.samples.SampleImages;

/**
 * The web app in headless Chromium (Debian's, driven by playwright-core from tools/) against the
 * devstack: sign up, trial credits, two uploads to models, the 3D view, a download, the ledger, a
 * pack bought through the Stripe stand-in, an invitation; no console errors and no failed request.
 * Screenshots of every page go to devstack/target/screenshots/.
 */
class WebAppEndToEndTest {

    @Test
    void aNewCompanyGoesFromSignUpToModelsPaymentAndTeam() throws Exception {
        assertThat(TestStack.root().resolve("static-site/vendor/model-viewer.min.js")).as("the viewer copied by the build").exists();
        Path images = Files.createTempDirectory("e2e-images");
        Path first = images.resolve("sneaker.jpg");
        Path second = images.resolve("vase.png");
        Files.write(first, SampleImages.photoJpeg(101, 900, 700));
        Files.write(second, SampleImages.cutoutPng(100, 700, 700));

        BrowserWalk.run("e2e.cjs", 5, first.toString(), second.toString());

        // The walk's own screenshots (the operator walk's are named ops-).
        try (var files = Files.list(BrowserWalk.screenshots())) {
            assertThat(files.filter(f -> f.toString().endsWith(".png") && !f.getFileName().toString().startsWith("ops-")).count())
                    .isGreaterThanOrEqualTo(16);
        }
    }
}
