package com.image2model.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;

/**
 * The operator console in headless Chromium: dashboard, CSV, company search, a confirmed grant of
 * 500 credits with its ledger and audit entries, a suspension; the suspended company's admin is
 * then refused at sign-in. Screenshots of every operator page go to devstack/target/screenshots/.
 */
class OperatorConsoleEndToEndTest {

    @Test
    void anOperatorGrantsCreditsAndSuspendsACompanyWhoseAdminIsThenRefused() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        assertThat(chromium).as("Chromium (Debian package 'chromium', which .ci/run installs)").exists();
        Path root = TestStack.root();
        assertThat(root.resolve("static-site/vendor/chart.umd.min.js")).as("Chart.js copied by the build").exists();
        String operator = "console-ops@" + Api.domain("console-ops");
        Api.signUp(operator, "Console Ops");
        TestStack.get().cognito().addToGroup(operator, "operators");
        String name = "Operated Studio " + Long.toHexString(System.nanoTime());
        String admin = "owner@" + Api.domain("operated-studio");
        Api.signUp(admin, name);

        Process process = new ProcessBuilder(List.of("node", root.resolve("tools/e2e-operator.cjs").toString(), TestStack.get().front().url(),
                root.resolve("devstack/target/screenshots").toString(), operator, name, admin)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);

        System.out.println(output);
        assertThat(finished).as("the suite finished within 3 minutes").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("CSP violations: 0");
        try (var files = Files.list(root.resolve("devstack/target/screenshots"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("ops-")).count()).isGreaterThanOrEqualTo(8);
        }
    }
}
