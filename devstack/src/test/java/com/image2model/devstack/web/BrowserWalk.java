package com.image2model.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.image2model.devstack.TestStack;

/** Runs one of tools/'s Chromium walks against the test devstack and checks its verdict (exit 0, no CSP violation). */
final class BrowserWalk {

    private BrowserWalk() {
    }

    static Path screenshots() {
        return TestStack.root().resolve("devstack/target/screenshots");
    }

    /** Runs {@code tools/<script>} with the site's URL, the screenshot folder and {@code args}; answers what it printed. */
    static String run(String script, int minutes, String... args) throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        assertThat(chromium).as("Chromium (Debian package 'chromium', which .ci/run installs)").exists();
        Path root = TestStack.root();
        assertThat(root.resolve("tools/node_modules/playwright-core")).as("npm packages of tools/ (the build runs npm ci)").exists();
        List<String> command = new ArrayList<>(List.of("node", root.resolve("tools/" + script).toString(), TestStack.get().front().url(),
                screenshots().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);

        System.out.println(output);
        assertThat(finished).as("the walk finished within %d minutes", minutes).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        // The app ran under the site's Content-Security-Policy, and nothing broke it.
        assertThat(output).contains("CSP violations: 0");
        return output;
    }

    /** How many screenshots whose name starts with {@code prefix} the walks left. */
    static long screenshotsNamed(String prefix) throws Exception {
        try (var files = Files.list(screenshots())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".png")).count();
        }
    }
}
