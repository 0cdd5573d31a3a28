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
 * {@code generate [--quality medium | --polycount N] [--pbr] [--quads] [--detailed-texture]
 * [--views front.jpg,left.jpg] [--out DIR] [--api URL --token T] FILES...}: what a customer's
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
        return run(files, List.of(), Options.ofQuality(quality), outDir, timeout);
    }

    /**
     * What a job asks besides its images: a quality preset or a polycount, PBR maps, quads, a
     * detailed texture (null or false: the API's default).
     */
    public record Options(String quality, Integer polycount, boolean pbr, boolean quads, boolean detailedTexture) {
        public static Options ofQuality(String quality) {
            return new Options(quality, null, false, false, false);
        }

        void into(ObjectNode body) {
            if (polycount != null) {
                body.put("polycount", polycount);
            } else {
                body.put("quality", quality == null ? "medium" : quality);
            }
            if (pbr) {
                body.put("pbr", true);
            }
            if (quads) {
                body.put("topology", "quads");
            }
            if (detailedTexture) {
                body.put("textureQuality", "detailed");
            }
        }

        String words() {
            String faces = polycount != null ? String.format(Locale.ROOT, "%,d faces", polycount) : (quality == null ? "medium" : quality) + " quality";
            return faces + (pbr ? ", PBR" : "") + (quads ? ", quads" : "") + (detailedTexture ? ", detailed texture" : "");
        }
    }

    /** The roles of {@code --views} given in order: front first, then left, back, right. */
    public static final List<String> VIEW_ORDER = List.of("front", "left", "back", "right");

    /**
     * {@code files}: each its own model; {@code views}: one more model made from these views of one
     * object, in {@link #VIEW_ORDER} (none: no such model).
     */
    public Result run(List<Path> files, List<Path> views, Options options, Path outDir, Duration timeout) throws Exception {
        long started = System.nanoTime();
        if (views.size() > VIEW_ORDER.size()) {
            throw new Refused("A model has at most " + VIEW_ORDER.size() + " views (front, left, back, right).");
        }
        ObjectNode body = JSON.createObjectNode();
        options.into(body);
        int models = files.size() + (views.isEmpty() ? 0 : 1);
        Path first = views.isEmpty() ? files.get(0) : views.get(0);
        body.put("name", models == 1 ? first.getFileName().toString() : models + " models");
        ArrayNode entries = body.putArray("files");
        // What to upload, per model in the answer's order: role -> bytes, and the model's name.
        List<Map<String, byte[]>> contents = new ArrayList<>();
        List<String> modelNames = new ArrayList<>();
        if (!views.isEmpty()) {
            ObjectNode model = entries.addObject().put("name", stem(views.get(0)));
            ArrayNode shown = model.putArray("views");
            Map<String, byte[]> bytesByRole = new LinkedHashMap<>();
            for (int v = 0; v < views.size(); v++) {
                byte[] bytes = image(views.get(v));
                bytesByRole.put(VIEW_ORDER.get(v), bytes);
                shown.addObject().put("role", VIEW_ORDER.get(v)).put("name", views.get(v).getFileName().toString())
                        .put("contentType", ImageCheck.sniff(bytes).contentType()).put("size", bytes.length);
            }
            contents.add(bytesByRole);
            modelNames.add(stem(views.get(0)) + " (" + views.size() + " views)");
        }
        for (Path file : files) {
            byte[] bytes = image(file);
            contents.add(Map.of("front", bytes));
            modelNames.add(file.getFileName().toString());
            entries.addObject().put("name", file.getFileName().toString()).put("contentType", ImageCheck.sniff(bytes).contentType())
                    .put("size", bytes.length);
        }
        long availableBefore = call("GET", "/credits", null).path("available").asLong();
        JsonNode job = createJob(JSON.writeValueAsString(body), "generate-" + java.util.UUID.randomUUID());
        String jobId = job.path("jobId").asText();
        out.printf("Job %s: %d model(s), %s, %d credits held%n", jobId, models, options.words(), job.path("cost").asLong());

        Map<String, String> names = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode file : job.path("files")) {
            String fileId = file.path("fileId").asText();
            names.put(fileId, modelNames.get(i));
            // A model of views has an upload per view; a model of one image, its own.
            List<JsonNode> uploads = new ArrayList<>();
            if (file.has("views")) {
                file.path("views").forEach(uploads::add);
            } else {
                uploads.add(file);
            }
            for (JsonNode upload : uploads) {
                String role = upload.path("role").asText("front");
                byte[] bytes = contents.get(i).get(role);
                HttpResponse<String> uploaded = http.send(uploadRequest(upload, bytes), HttpResponse.BodyHandlers.ofString());
                if (uploaded.statusCode() != 200) {
                    throw new Refused("The upload of " + names.get(fileId) + (uploads.size() > 1 ? " (" + role + ")" : "")
                            + " was refused (" + uploaded.statusCode() + "): " + uploaded.body());
                }
                line(fileId, names.get(fileId), "SENT", String.format(Locale.ROOT, "%,d bytes to S3%s", bytes.length,
                        uploads.size() > 1 ? " (" + role + " view)" : ""), started);
            }
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
        List<Path> made = new ArrayList<>();
        for (JsonNode file : current.path("files")) {
            if (!file.path("state").asText().equals("DONE")) {
                continue;
            }
            String name = names.get(file.path("fileId").asText()).replaceAll("\\.[A-Za-z0-9]{1,5}$", "") + ".glb";
            Path target = outDir.resolve(name);
            if (made.contains(target) || Files.exists(target)) {
                target = outDir.resolve(name.replace(".glb", "-" + file.path("fileId").asText() + ".glb"));
            }
            HttpResponse<Path> download = http.send(HttpRequest.newBuilder(URI.create(file.at("/result/url").asText())).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(target));
            if (download.statusCode() != 200) {
                throw new Refused("The model of " + name + " could not be downloaded (" + download.statusCode() + ")");
            }
            made.add(target);
        }
        long spent = availableBefore - call("GET", "/credits", null).path("available").asLong();
        long millis = (System.nanoTime() - started) / 1_000_000;
        out.printf("%s: %d of %d model(s) in %s%n", current.path("state").asText(), made.size(), models, outDir.toAbsolutePath());
        for (Path model : made) {
            out.println("  " + model.toAbsolutePath());
        }
        out.printf(Locale.ROOT, "Credits spent: %,d (%d model(s), %s). Time: %.1f s%n", spent, made.size(), options.words(), millis / 1000.0);
        return new Result(jobId, current.path("state").asText(), made, spent, millis);
    }

    private static String stem(Path file) {
        return file.getFileName().toString().replaceAll("\\.[A-Za-z0-9]{1,5}$", "");
    }

    private static byte[] image(Path file) throws IOException, Refused {
        byte[] bytes = Files.readAllBytes(file);
        if (ImageCheck.sniff(bytes) == null) {
            throw new Refused(file + " is not a JPEG, PNG or WebP image.");
        }
        return bytes;
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
