package com.image2model.devstack.fal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.TestStack;

/** The Khronos glTF validator (npm gltf-validator, installed in tools/ by .ci/run), run with Node. */
public final class GltfValidator {

    public record Report(Path file, int errors, int warnings, JsonNode messages) {
    }

    private GltfValidator() {
    }

    public static List<Report> validate(List<Path> files) throws IOException, InterruptedException {
        Path tools = TestStack.root().resolve("tools");
        if (!Files.isDirectory(tools.resolve("node_modules/gltf-validator"))) {
            throw new IllegalStateException("The glTF validator is not installed: run 'npm ci --prefix tools' (the CI script does).");
        }
        List<String> command = new ArrayList<>(List.of("node", tools.resolve("validate-gltf.cjs").toString()));
        files.forEach(f -> command.add(f.toAbsolutePath().toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() > 1) {
            throw new IllegalStateException("The validator failed: " + new String(out, StandardCharsets.UTF_8));
        }
        List<Report> reports = new ArrayList<>();
        for (JsonNode report : new ObjectMapper().readTree(out)) {
            reports.add(new Report(Path.of(report.path("file").asText()), report.path("errors").asInt(),
                    report.path("warnings").asInt(), report.path("messages")));
        }
        return reports;
    }
}
