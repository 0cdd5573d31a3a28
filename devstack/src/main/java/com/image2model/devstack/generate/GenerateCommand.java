package com.image2model.devstack.generate;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.jobs.ImageCheck;

/**
 * {@code generate [--quality medium] [--out DIR] [--api URL --token T] FILES...}: what a customer's
 * script would do, through the public API only: create a job, upload each image to its presigned
 * URL, follow the job with a line per file as its state changes, download the models, and tell
 * what it cost and how long it took. It works against any deployment given its API and a token.
 */
public final class GenerateCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer of the API that was not what the command needed. */
    public static class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The API could not answer now (429, 5xx): worth asking again. */
    static final class Unavailable extends Refused {
        Unavailable(String message) {
            super(message);
        }
    }

    /** Attempts at creating the job; each after a doubling wait, all with the same Idempotency-Key. */
    static final int CREATE_ATTEMPTS = 4;

    public record Result(String jobId, String state, List<Path> models, long creditsSpent, long millis) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String api;
    private final String token;
    private final PrintStream out;

    public GenerateCommand(String api, String token, PrintStream out) {
        this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        this.token = token;
        this.out = out;
    }

    public Result run(List<Path> files, String quality, Path outDir, Duration timeout) throws Exception {
        long started = System.nanoTime();
        List<byte[]> contents = new ArrayList<>();
        ObjectNode body = JSON.createObjectNode();
        body.put("quality", quality);
        body.put("name", files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " images");
        ArrayNode entries = body.putArray("files");
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            ImageCheck.Format format = ImageCheck.sniff(bytes);
            if (format == null) {
                throw new Refused(file + " is not a JPEG, PNG or WebP image.");
            }
            contents.add(bytes);
            entries.addObject().put("name", file.getFileName().toString()).put("contentType", format.contentType()).put("size", bytes.length);
        }
        long availableBefore = call("GET", "/credits", null).path("available").asLong();
        JsonNode job = createJob(JSON.writeValueAsString(body), "generate-" + java.util.UUID.randomUUID());
        String jobId = job.path("jobId").asText();
        out.printf("Job %s: %d image(s) at %s quality, %d credits held%n", jobId, files.size(), quality, job.path("cost").asLong());

        Map<String, String> names = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode file : job.path("files")) {
            String fileId = file.path("fileId").asText();
            names.put(fileId, files.get(i).getFileName().toString());
            HttpResponse<String> uploaded = http.send(uploadRequest(file, contents.get(i)), HttpResponse.BodyHandlers.ofString());
            if (uploaded.statusCode() != 200) {
                throw new Refused("The upload of " + files.get(i) + " was refused (" + uploaded.statusCode() + "): " + uploaded.body());
            }
            line(fileId, names.get(fileId), "SENT", String.format(Locale.ROOT, "%,d bytes to S3", contents.get(i).length), started);
            i++;
        }

        Map<String, String> seen = new HashMap<>();
        names.keySet().forEach(fileId -> seen.put(fileId, "AWAITING_UPLOAD"));
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode current = job;
        while (true) {
            current = call("GET", "/jobs/" + jobId, null);
            for (JsonNode file : current.path("files")) {
                String fileId = file.path("fileId").asText();
                String state = file.path("state").asText();
                if (!state.equals(seen.put(fileId, state))) {
                    String detail = switch (state) {
                        case "DONE" -> String.format(Locale.ROOT, "%,d faces, %,d vertices, %,d bytes", file.at("/model/faces").asLong(),
                                file.at("/model/vertices").asLong(), file.at("/model/bytes").asLong());
                        case "FAILED", "CANCELLED" -> file.path("reason").asText();
                        default -> "";
                    };
                    line(fileId, names.get(fileId), state, detail, started);
                }
            }
            String state = current.path("state").asText();
            if (List.of("DONE", "PARTIAL", "FAILED", "CANCELLED").contains(state)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new Refused("Job " + jobId + " is still " + state + " after " + timeout.toSeconds() + " s; follow it with GET /jobs/" + jobId);
            }
            Thread.sleep(400);
        }

        Files.createDirectories(outDir);
        List<Path> models = new ArrayList<>();
        for (JsonNode file : current.path("files")) {
            if (!file.path("state").asText().equals("DONE")) {
                continue;
            }
            String name = names.get(file.path("fileId").asText()).replaceAll("\\.[A-Za-z0-9]{1,5}$", "") + ".glb";
            Path target = outDir.resolve(name);
            if (models.contains(target) || Files.exists(target)) {
                target = outDir.resolve(name.replace(".glb", "-" + file.path("fileId").asText() + ".glb"));
            }
            HttpResponse<Path> download = http.send(HttpRequest.newBuilder(URI.create(file.at("/result/url").asText())).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(target));
            if (download.statusCode() != 200) {
                throw new Refused("The model of " + name + " could not be downloaded (" + download.statusCode() + ")");
            }
            models.add(target);
        }
        long spent = availableBefore - call("GET", "/credits", null).path("available").asLong();
        long millis = (System.nanoTime() - started) / 1_000_000;
        out.printf("%s: %d of %d model(s) in %s%n", current.path("state").asText(), models.size(), files.size(), outDir.toAbsolutePath());
        for (Path model : models) {
            out.println("  " + model.toAbsolutePath());
        }
        out.printf(Locale.ROOT, "Credits spent: %,d (%d x %d at %s). Time: %.1f s%n", spent, models.size(), current.path("costPerFile").asLong(),
                quality, millis / 1000.0);
        return new Result(jobId, current.path("state").asText(), models, spent, millis);
    }

    private void line(String fileId, String name, String state, String detail, long started) {
        out.printf(Locale.ROOT, "  [%6.1f s] %s %-28s %-10s %s%n", (System.nanoTime() - started) / 1e9, fileId,
                name.length() > 28 ? name.substring(0, 27) + "~" : name, state, detail);
    }

    /**
     * POST /jobs, asked again when the answer is lost (a timeout, a dropped connection) or the API
     * is unavailable: the same Idempotency-Key makes a repeat answer the job the first request
     * made, so credits are never held twice.
     */
    private JsonNode createJob(String body, String idempotencyKey) throws IOException, InterruptedException, Refused {
        for (int attempt = 1; ; attempt++) {
            try {
                return call("POST", "/jobs", body, idempotencyKey);
            } catch (IOException | Unavailable e) {
                if (attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
                out.printf("Creating the job: %s; asking again with the same Idempotency-Key%n", e.getMessage());
                Thread.sleep(1000L << (attempt - 1));
            }
        }
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException, Refused {
        return call(method, path, body, null);
    }

    private JsonNode call(String method, String path, String body, String idempotencyKey) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = json.at("/error/message").asText(json.path("message").asText(response.body()));
            String what = method + " " + path + " answered " + response.statusCode() + ": " + message;
            throw response.statusCode() == 429 || response.statusCode() >= 500 ? new Unavailable(what) : new Refused(what);
        }
        return json;
    }

    /**
     * The PUT of one file of a job's answer to its presigned URL, with the headers the URL was signed
     * with (as a browser sends them: the client sets Content-Length itself).
     */
    public static HttpRequest uploadRequest(JsonNode file, byte[] bytes) {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(file.path("upload").path("url").asText()))
                .timeout(Duration.ofMinutes(5)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        file.path("upload").path("headers").fields().forEachRemaining(h -> {
            if (!h.getKey().equalsIgnoreCase("Content-Length")) {
                put.header(h.getKey(), h.getValue().asText());
            }
        });
        return put.build();
    }
}
