package com.image2model.devstack.fal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.fal.FalWebhookVerifier;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * FAL's queue API on this machine, for the devstack and the tests: submit, status, result and
 * cancel at FAL's URLs with FAL's status codes and error shapes, webhooks signed with its own
 * Ed25519 key (JWKS at /.well-known/jwks.json) and delivered again on failure, and behind it the
 * built-in generator ({@link ImageToMesh}), so every result is a real GLB.
 *
 * <p>Faults can be injected, as shares of all requests ({@link Faults}, from configuration) or
 * as the next N requests (tests): 5xx and 429 on submit, 422 results, slow jobs, lost webhooks.
 */
public final class FalStandIn implements AutoCloseable {

    /** New for every devstack run, shaped like FAL's keys ("key id:secret"): no public devstack key exists. */
    public static final String DEFAULT_KEY = java.util.UUID.randomUUID() + ":"
            + java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16));
    public static final String USER_ID = "devstack-fal-user";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Shares (0..1) of requests that meet each fault, and the extra time of a slow job. */
    public record Faults(double submit5xx, double submit429, double result422, double slowShare, long slowMillis, double lostWebhook) {
        public static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0);

        /** {@code submit5xx=0.1,submit429=0.05,result422=0.02,slow=0.1,slowMillis=5000,lostWebhook=0.05}. */
        public static Faults parse(String spec) {
            if (spec == null || spec.isBlank()) {
                return NONE;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            for (String part : spec.split(",")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("FAL faults are name=value pairs separated by commas, got '" + part + "'");
                }
                values.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
            }
            for (String name : values.keySet()) {
                if (!List.of("submit5xx", "submit429", "result422", "slow", "slowMillis", "lostWebhook").contains(name)) {
                    throw new IllegalArgumentException("Unknown FAL fault '" + name + "'");
                }
            }
            return new Faults(values.getOrDefault("submit5xx", 0.0), values.getOrDefault("submit429", 0.0),
                    values.getOrDefault("result422", 0.0), values.getOrDefault("slow", 0.0),
                    values.getOrDefault("slowMillis", 3000.0).longValue(), values.getOrDefault("lostWebhook", 0.0));
        }
    }

    /** One queued request, as the stand-in saw it (tests and the benchmark read these). */
    public static final class Request {
        final String id;
        final String app;
        final JsonNode input;
        final String webhook;
        final long submittedAt;
        volatile String status = "IN_QUEUE";
        volatile long startedAt;
        volatile long finishedAt;
        volatile ObjectNode output;
        volatile ArrayNode errorDetail;
        volatile boolean cancelled;
        volatile byte[] lastWebhookBody;
        final AtomicInteger webhookDeliveries = new AtomicInteger();
        final AtomicInteger webhookAttempts = new AtomicInteger();

        Request(String id, String app, JsonNode input, String webhook, long submittedAt) {
            this.id = id;
            this.app = app;
            this.input = input;
            this.webhook = webhook;
            this.submittedAt = submittedAt;
        }

        public String id() {
            return id;
        }

        public String status() {
            return status;
        }

        /** The image it was asked to make a model of (a presigned URL: its path names the company); the front view's for several. */
        public String imageUrl() {
            return input.has("image_url") ? input.path("image_url").asText() : input.path("front_image_url").asText();
        }

        /** The app it was sent to. */
        public String app() {
            return app;
        }

        /** The input exactly as it was sent. */
        public JsonNode input() {
            return input;
        }

        /** Time the generator worked on it (download, decode, mesh), in ms. */
        public long generationMillis() {
            return finishedAt == 0 ? 0 : finishedAt - startedAt;
        }

        /** When the submit arrived, and when the model was ready, in ms. */
        public long submittedAtMillis() {
            return submittedAt;
        }

        public long finishedAtMillis() {
            return finishedAt;
        }

        public int webhookDeliveries() {
            return webhookDeliveries.get();
        }

        public int webhookAttempts() {
            return webhookAttempts.get();
        }

        public boolean cancelled() {
            return cancelled;
        }
    }

    private final HttpServer server;
    private final String key;
    private final Clock clock;
    private final KeyPair signingKey;
    private final String keyId;
    private final ImageToMesh generator = new ImageToMesh();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService workers;
    private final ScheduledExecutorService webhooks;
    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<Long> submitAttempts = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile Faults faults;
    // The next N submits answer this status; the next N results are 422; the next N webhooks are lost.
    private final AtomicInteger failingSubmits = new AtomicInteger();
    private volatile int failingSubmitStatus = 503;
    private volatile long failingSubmitDelayMillis;
    private final AtomicInteger failingResults = new AtomicInteger();
    private final AtomicInteger lostWebhooks = new AtomicInteger();
    private final AtomicInteger slowJobs = new AtomicInteger();
    private volatile long scriptedSlowMillis;
    private volatile long webhookRetryBaseMillis = 1000;
    // A FAL account runs a fixed number of requests at once; the rest wait in its queue, first come first served.
    private final java.util.ArrayDeque<Request> queued = new java.util.ArrayDeque<>();
    private int running;
    private int maxRunning;
    private int maxQueued;
    private volatile int slots = DEFAULT_SLOTS;
    private volatile long modelMillis;

    /** The stand-in's slots unless set: DEVSTACK_FAL_SLOTS, else 2 (the generator is CPU work on this machine's cores). */
    public static final int DEFAULT_SLOTS = 2;

    public FalStandIn(int port, String key, Faults faults, Clock clock) throws IOException {
        this.key = key;
        this.faults = faults;
        this.clock = clock;
        try {
            this.signingKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no Ed25519", e);
        }
        this.keyId = "devstack-" + HexFormat.of().formatHex(Arrays.copyOf(rawPublicKey(), 4));
        this.server = HttpServer.create(new InetSocketAddress("localhost", port), 64);
        this.server.createContext("/", this::handle);
        this.server.setExecutor(Executors.newFixedThreadPool(8, daemon("fal-http")));
        // At most slots() requests run at once (admitted below), so the pool itself needs no bound.
        this.workers = Executors.newCachedThreadPool(daemon("fal-generator"));
        this.webhooks = Executors.newScheduledThreadPool(2, daemon("fal-webhooks"));
    }

    public FalStandIn start() {
        server.start();
        return this;
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    public String jwksUrl() {
        return url() + "/.well-known/jwks.json";
    }

    public String key() {
        return key;
    }

    // ------------------------------------------------------------------ faults and inspection

    public void faults(Faults faults) {
        this.faults = faults;
    }

    public void failNextSubmits(int status, int times) {
        failNextSubmits(status, times, 0);
    }

    /** The next {@code times} submits answer {@code status}, each after {@code delayMillis} (a gateway that is slow to give up). */
    public void failNextSubmits(int status, int times, long delayMillis) {
        failingSubmitStatus = status;
        failingSubmitDelayMillis = delayMillis;
        failingSubmits.set(times);
    }

    public void failNextResults(int times) {
        failingResults.set(times);
    }

    public void loseNextWebhooks(int times) {
        lostWebhooks.set(times);
    }

    public void slowNextJobs(int times, long millis) {
        scriptedSlowMillis = millis;
        slowJobs.set(times);
    }

    private volatile boolean refuseCancels;

    /** Whether cancels are refused as FAL refuses one for a request it is finishing (400 ALREADY_COMPLETED); the work goes on. */
    public void refuseCancels(boolean refuse) {
        refuseCancels = refuse;
    }

    public void webhookRetryBaseMillis(long millis) {
        webhookRetryBaseMillis = millis;
    }

    public void resetFaults() {
        failingSubmits.set(0);
        failingSubmitDelayMillis = 0;
        failingResults.set(0);
        lostWebhooks.set(0);
        slowJobs.set(0);
        refuseCancels = false;
        faults = Faults.NONE;
    }

    /** When each submit arrived (accepted or not), in ms. */
    public List<Long> submitAttempts() {
        synchronized (submitAttempts) {
            return List.copyOf(submitAttempts);
        }
    }

    public Map<String, Request> requests() {
        return Map.copyOf(requests);
    }

    /** Delivers a request's last webhook again, as FAL may (at-least-once). */
    public int redeliverWebhook(String requestId) throws IOException, InterruptedException {
        Request request = requests.get(requestId);
        if (request == null || request.lastWebhookBody == null) {
            throw new IllegalArgumentException("No webhook was sent for " + requestId);
        }
        return deliver(request, request.lastWebhookBody);
    }

    /** Signs a webhook body as FAL would, at the given time (tests make stale or tampered ones). */
    public Map<String, String> signatureHeaders(String requestId, byte[] body, long epochSeconds) {
        return signatureHeaders(requestId, USER_ID, body, epochSeconds);
    }

    /** The same for another FAL account's user id (FAL signs every account's webhooks with the same keys). */
    public Map<String, String> signatureHeaders(String requestId, String userId, byte[] body, long epochSeconds) {
        String timestamp = Long.toString(epochSeconds);
        String message = String.join("\n", requestId, userId, timestamp, FalWebhookVerifier.sha256Hex(body));
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(signingKey.getPrivate());
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Fal-Webhook-Request-Id", requestId);
            headers.put("X-Fal-Webhook-User-Id", userId);
            headers.put("X-Fal-Webhook-Timestamp", timestamp);
            headers.put("X-Fal-Webhook-Signature", HexFormat.of().formatHex(signer.sign()));
            return headers;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("/.well-known/jwks.json")) {
                send(exchange, 200, jwks());
                return;
            }
            if (method.equals("GET") && path.startsWith("/files/")) {
                byte[] glb = files.get(path.substring("/files/".length()));
                if (glb == null) {
                    send(exchange, 404, detail("File not found"));
                } else {
                    exchange.getResponseHeaders().set("Content-Type", "model/gltf-binary");
                    exchange.sendResponseHeaders(200, glb.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(glb);
                    }
                }
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.equals("Key " + key)) {
                send(exchange, 401, detail("Invalid or missing authorization: send 'Authorization: Key <your key>'."));
                return;
            }
            int at = path.indexOf("/requests/");
            if (at > 0) {
                String rest = path.substring(at + "/requests/".length());
                String id = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
                String action = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
                Request request = requests.get(id);
                if (request == null) {
                    send(exchange, 404, detail("Request " + id + " not found"));
                    return;
                }
                switch (method + " " + action) {
                    case "GET status" -> status(exchange, request);
                    case "GET " -> result(exchange, request);
                    case "PUT cancel" -> cancel(exchange, request);
                    default -> send(exchange, 405, detail("Method not allowed"));
                }
                return;
            }
            if (method.equals("POST")) {
                submit(exchange, path.substring(1));
                return;
            }
            send(exchange, 404, detail("Not found"));
        } catch (RuntimeException e) {
            send(exchange, 500, detail("Internal error: " + e.getMessage()));
        }
    }

    private void submit(HttpExchange exchange, String app) throws IOException {
        submitAttempts.add(clock.millis());
        if (failingSubmits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            if (failingSubmitDelayMillis > 0) {
                try {
                    Thread.sleep(failingSubmitDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failingSubmitStatus == 429) {
                exchange.getResponseHeaders().set("Retry-After", "1");
            }
            send(exchange, failingSubmitStatus, detail(failingSubmitStatus == 429 ? "Too many requests" : "Service temporarily unavailable"));
            return;
        }
        if (chance(faults.submit429())) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            send(exchange, 429, detail("Too many requests"));
            return;
        }
        if (chance(faults.submit5xx())) {
            send(exchange, 503, detail("Service temporarily unavailable"));
            return;
        }
        JsonNode input;
        try {
            input = JSON.readTree(exchange.getRequestBody().readAllBytes());
        } catch (IOException e) {
            send(exchange, 422, validation("body", "The body is not valid JSON", "value_error.jsondecode"));
            return;
        }
        if (input == null || !input.isObject()) {
            send(exchange, 422, validation("body", "The body must be a JSON object", "type_error.dict"));
            return;
        }
        String refused = refusal(app, input);
        if (refused != null) {
            send(exchange, 422, validation(refused, "field required", "value_error.missing"));
            return;
        }
        String webhook = query(exchange.getRequestURI().getRawQuery()).get("fal_webhook");
        String id = UUID.randomUUID().toString();
        Request request = new Request(id, app, input, webhook, clock.millis());
        requests.put(id, request);
        admit(request);
        String base = url() + "/" + app + "/requests/" + id;
        ObjectNode answer = JSON.createObjectNode();
        answer.put("request_id", id);
        answer.put("gateway_request_id", id);
        answer.put("status", "IN_QUEUE");
        answer.put("queue_position", queuePosition(request));
        answer.put("response_url", base);
        answer.put("status_url", base + "/status");
        answer.put("cancel_url", base + "/cancel");
        send(exchange, 200, JSON.writeValueAsBytes(answer));
    }

    /** The views FAL's multiview app takes, by input field (front is required, and at least one other). */
    static final Map<String, String> VIEW_FIELDS = Map.of("front_image_url", "front", "left_image_url", "left", "back_image_url", "back",
            "right_image_url", "right");

    /** The input field a request lacks for its app (as FAL's validation names it), or null. */
    static String refusal(String app, JsonNode input) {
        if (app.endsWith("multiview-to-3d")) {
            if (!input.path("front_image_url").isTextual()) {
                return "front_image_url";
            }
            boolean other = VIEW_FIELDS.keySet().stream().anyMatch(f -> !f.equals("front_image_url") && input.path(f).isTextual());
            return other ? null : "left_image_url";
        }
        return input.path("image_url").isTextual() ? null : "image_url";
    }

    /** The images of a request by role: {@code front} alone for image-to-3d. */
    static Map<String, String> imageUrls(JsonNode input) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (input.path("image_url").isTextual()) {
            out.put("front", input.path("image_url").asText());
        }
        VIEW_FIELDS.forEach((field, role) -> {
            if (input.path(field).isTextual()) {
                out.put(role, input.path(field).asText());
            }
        });
        return out;
    }

    private void status(HttpExchange exchange, Request request) throws IOException {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", request.status);
        answer.put("request_id", request.id);
        answer.put("response_url", url() + "/" + request.app + "/requests/" + request.id);
        if (request.status.equals("IN_QUEUE")) {
            answer.put("queue_position", queuePosition(request));
        }
        if (request.status.equals("COMPLETED")) {
            answer.putObject("metrics").put("inference_time", request.generationMillis() / 1000.0);
        }
        send(exchange, request.status.equals("COMPLETED") ? 200 : 202, JSON.writeValueAsBytes(answer));
    }

    private void result(HttpExchange exchange, Request request) throws IOException {
        if (!request.status.equals("COMPLETED")) {
            send(exchange, 400, detail("Request is still in progress"));
        } else if (request.errorDetail != null) {
            ObjectNode body = JSON.createObjectNode();
            body.set("detail", request.errorDetail);
            send(exchange, 422, JSON.writeValueAsBytes(body));
        } else {
            send(exchange, 200, JSON.writeValueAsBytes(request.output));
        }
    }

    private void cancel(HttpExchange exchange, Request request) throws IOException {
        if (request.status.equals("COMPLETED") || refuseCancels) {
            send(exchange, 400, JSON.writeValueAsBytes(Map.of("status", "ALREADY_COMPLETED")));
            return;
        }
        request.cancelled = true;
        send(exchange, 202, JSON.writeValueAsBytes(Map.of("status", "CANCELLATION_REQUESTED")));
    }

    // ------------------------------------------------------------------ the slots

    /** How many requests run at once (at least 1); the rest queue. */
    public void setSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("A FAL account has at least one slot");
        }
        synchronized (queued) {
            this.slots = slots;
        }
        startQueued();
    }

    public int slots() {
        return slots;
    }

    /** Each request takes at least this long once it runs, as FAL's models take tens of seconds (0: as long as the generator). */
    public void setModelMillis(long millis) {
        this.modelMillis = Math.max(0, millis);
    }

    /** The most requests that ever ran at once. */
    public int maxRunning() {
        synchronized (queued) {
            return maxRunning;
        }
    }

    /** The most requests that ever waited in the queue at once (0: nobody sent more than the slots). */
    public int maxQueued() {
        synchronized (queued) {
            return maxQueued;
        }
    }

    /** Starts counting the most running and queued afresh. */
    public void resetSlotCounts() {
        synchronized (queued) {
            maxRunning = running;
            maxQueued = queued.size();
        }
    }

    private void admit(Request request) {
        synchronized (queued) {
            queued.addLast(request);
            // Counted before any starts: a request that finds a free slot never waits.
            maxQueued = Math.max(maxQueued, queued.size() - Math.max(0, slots - running));
        }
        startQueued();
    }

    private void startQueued() {
        List<Request> start = new ArrayList<>();
        synchronized (queued) {
            while (running < slots && !queued.isEmpty()) {
                running++;
                maxRunning = Math.max(maxRunning, running);
                start.add(queued.removeFirst());
            }
        }
        for (Request request : start) {
            workers.submit(() -> {
                try {
                    run(request);
                } finally {
                    synchronized (queued) {
                        running--;
                    }
                    startQueued();
                }
            });
        }
    }

    /** Requests ahead of this one in the queue (0 when it runs). */
    private int queuePosition(Request request) {
        synchronized (queued) {
            int position = 0;
            for (Request waiting : queued) {
                if (waiting == request) {
                    return position;
                }
                position++;
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------ the work

    private void run(Request request) {
        if (request.cancelled) {
            return;
        }
        request.status = "IN_PROGRESS";
        request.startedAt = clock.millis();
        try {
            long slow = slowJobs.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? scriptedSlowMillis
                    : chance(faults.slowShare()) ? faults.slowMillis() : 0;
            slow = Math.max(slow, modelMillis);
            if (slow > 0) {
                Thread.sleep(slow);
            }
            if (request.cancelled) {
                request.errorDetail = errorDetail("request", "The request was cancelled", "cancelled");
                finish(request, false);
                return;
            }
            if (failingResults.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || chance(faults.result422())) {
                request.errorDetail = errorDetail("image_url", "No object could be found in the image.", "model_error");
                finish(request, true);
                return;
            }
            Map<String, BufferedImage> views = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> view : imageUrls(request.input).entrySet()) {
                String field = request.input.has("image_url") ? "image_url" : view.getKey() + "_image_url";
                HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(view.getValue()))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                if (image.statusCode() != 200) {
                    request.errorDetail = errorDetail(field, "Could not download the image: HTTP " + image.statusCode(), "file_download_error");
                    finish(request, true);
                    return;
                }
                BufferedImage picture = ImageIO.read(new ByteArrayInputStream(image.body()));
                if (picture == null) {
                    request.errorDetail = errorDetail(field, "The file could not be decoded as an image.", "image_load_error");
                    finish(request, true);
                    return;
                }
                views.put(view.getKey(), picture);
            }
            // Tripo's inputs: face_limit, pbr, quad, texture ("standard" or "HD").
            ImageToMesh.Options options = new ImageToMesh.Options(request.input.path("face_limit").asInt(10000),
                    request.input.path("pbr").asBoolean(false), request.input.path("quad").asBoolean(false),
                    "HD".equals(request.input.path("texture").asText("standard")));
            ImageToMesh.Model model = generator.generate(views, options);
            String fileName = request.id + ".glb";
            files.put(fileName, model.glb());
            ObjectNode output = JSON.createObjectNode();
            ObjectNode mesh = output.putObject("model_mesh");
            mesh.put("url", url() + "/files/" + fileName);
            mesh.put("content_type", "model/gltf-binary");
            mesh.put("file_name", "model.glb");
            mesh.put("file_size", model.glb().length);
            output.put("task_id", request.id);
            request.output = output;
            finish(request, true);
        } catch (ImageToMesh.Unusable e) {
            request.errorDetail = errorDetail("image_url", e.getMessage(), "image_too_small");
            finish(request, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            request.errorDetail = errorDetail("image_url", "The model could not be generated: " + e.getMessage(), "model_error");
            finish(request, true);
        }
    }

    private void finish(Request request, boolean notify) {
        request.finishedAt = clock.millis();
        request.status = "COMPLETED";
        if (!notify || request.webhook == null || request.cancelled) {
            return;
        }
        if (lostWebhooks.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || chance(faults.lostWebhook())) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("request_id", request.id);
        body.put("gateway_request_id", request.id);
        if (request.errorDetail == null) {
            body.put("status", "OK");
            body.set("payload", request.output);
        } else {
            body.put("status", "ERROR");
            body.put("error", "Invalid status code: 422");
            body.putObject("payload").set("detail", request.errorDetail);
        }
        try {
            request.lastWebhookBody = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        scheduleDelivery(request, 0, 0);
    }

    /** FAL delivers a webhook until it gets a 2xx, up to 10 times, waiting longer each time. */
    private void scheduleDelivery(Request request, int attempt, long delayMillis) {
        webhooks.schedule(() -> {
            int status;
            try {
                status = deliver(request, request.lastWebhookBody);
            } catch (Exception e) {
                status = 0;
            }
            if (status / 100 != 2 && attempt + 1 < 10) {
                scheduleDelivery(request, attempt + 1, Math.min(60_000, webhookRetryBaseMillis << attempt));
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private int deliver(Request request, byte[] body) throws IOException, InterruptedException {
        request.webhookAttempts.incrementAndGet();
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(request.webhook)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signatureHeaders(request.id, body, clock.instant().getEpochSecond()).forEach(post::header);
        int status = http.send(post.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
            request.webhookDeliveries.incrementAndGet();
        }
        return status;
    }

    // ------------------------------------------------------------------ helpers

    private byte[] jwks() throws IOException {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(rawPublicKey()));
        jwk.put("kid", keyId);
        jwk.put("use", "sig");
        jwk.put("alg", "EdDSA");
        return JSON.writeValueAsBytes(Map.of("keys", List.of(jwk)));
    }

    private byte[] rawPublicKey() {
        byte[] spki = signingKey.getPublic().getEncoded();
        return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }

    private static ArrayNode errorDetail(String field, String message, String type) {
        ArrayNode detail = JSON.createArrayNode();
        ObjectNode item = detail.addObject();
        item.putArray("loc").add("body").add(field);
        item.put("msg", message);
        item.put("type", type);
        return detail;
    }

    private static byte[] validation(String field, String message, String type) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.set("detail", errorDetail(field, message, type));
        return JSON.writeValueAsBytes(body);
    }

    private static byte[] detail(String message) throws IOException {
        return JSON.writeValueAsBytes(Map.of("detail", message));
    }

    private static boolean chance(double share) {
        return share > 0 && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < share;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return values;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        webhooks.shutdownNow();
    }
}
