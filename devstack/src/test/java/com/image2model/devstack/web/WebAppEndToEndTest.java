package com.image2model.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        assertThat(chromium).as("Chromium (Debian package 'chromium', which .ci/run installs)").exists();
        Path root = TestStack.root();
        assertThat(root.resolve("tools/node_modules/playwright-core")).as("npm packages of tools/ (the build runs npm ci)").exists();
        assertThat(root.resolve("static-site/vendor/model-viewer.min.js")).as("the viewer copied by the build").exists();
        Path screenshots = root.resolve("devstack/target/screenshots");
        Path images = Files.createTempDirectory("e2e-images");
        Path first = images.resolve("sneaker.jpg");
        Path second = images.resolve("vase.png");
        Files.write(first, SampleImages.photoJpeg(101, 900, 700));
        Files.write(second, SampleImages.cutoutPng(100, 700, 700));

        Process process = new ProcessBuilder(List.of("node", root.resolve("tools/e2e.cjs").toString(), TestStack.get().front().url(),
                screenshots.toString(), first.toString(), second.toString())).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);

        System.out.println(output);
        assertThat(finished).as("the suite finished within 5 minutes").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        // The app and its 3D viewer ran under the site's Content-Security-Policy, and nothing broke it.
        assertThat(output).contains("CSP violations: 0");
        try (var files = Files.list(screenshots)) {
            assertThat(files.filter(f -> f.toString().endsWith(".png")).count()).isGreaterThanOrEqualTo(16);
        }
    }
}
