package com.image2model.devstack.front;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.devstack.lambda.LocalFunctions;
import com.image2model.devstack.template.SamTemplate;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The local API Gateway (HTTP API): matches a request to a route of template.yaml, builds the
 * payload format 2.0 event Lambda would receive, invokes the function through its Lambda entry
 * point, and turns the function's answer into the HTTP response. Other GETs serve the web app.
 *
 * <p>Which function runs is decided by the route alone: nothing a client sends can change it.
 */
public final class HttpFront implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HttpFront.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** A route and the pattern its path compiles to ({param} one segment, {param+} the rest). */
    private record CompiledRoute(SamTemplate.HttpRoute route, Pattern pattern, List<String> parameters) {
    }

    /** Checks the Authorization header of routes that use the JWT authorizer; answers the claims or empty. */
    public interface Authorizer {
        /**
         * What the HTTP API's authorizer decides for a request: {@code headers} with lower-case
         * names; {@code routeKey} and {@code path} as matched.
         */
        Decision decide(Map<String, String> headers, String routeKey, String path);
    }

    /**
     * An authorizer's answer: allowed, with what the function gets as {@code requestContext.authorizer}
     * ({@code {"jwt":...}} or {@code {"lambda":...}}); or refused with API Gateway's status and body.
     */
    public record Decision(Map<String, Object> authorizerContext, int status, String body) {
        public static Decision allow(Map<String, Object> authorizerContext) {
            return new Decision(authorizerContext, 0, null);
        }

        public static Decision refuse(int status, String body) {
            return new Decision(null, status, body);
        }

        public boolean allowed() {
            return authorizerContext != null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<CompiledRoute> routes = new ArrayList<>();
    private final LocalFunctions functions;
    private final Path siteRoot;
    private final List<String> corsOrigins;
    private volatile Authorizer authorizer;

    public HttpFront(int port, LocalFunctions functions, Path siteRoot, List<String> corsOrigins) throws IOException {
        this.functions = functions;
        this.siteRoot = siteRoot;
        this.corsOrigins = corsOrigins;
        for (SamTemplate.FunctionDef function : functions.functions().values()) {
            for (SamTemplate.HttpRoute route : function.routes()) {
                routes.add(compile(route));
            }
        }
        // Literal segments before parameters, as API Gateway prefers the most specific route.
        routes.sort((a, b) -> Integer.compare(b.route().path().replaceAll("\\{[^}]+}", "").length(),
                a.route().path().replaceAll("\\{[^}]+}", "").length()));
        server = HttpServer.create(new InetSocketAddress("localhost", port), 128);
        executor = Executors.newFixedThreadPool(16, com.image2model.devstack.Daemons.named("http-front"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    private volatile com.image2model.devstack.dns.LocalDns dns;

    /** The DNS zone that {@code /_devstack/dns} shows and changes. */
    public void setDns(com.image2model.devstack.dns.LocalDns dns) {
        this.dns = dns;
    }

    /**
     * The devstack's DNS zone: GET lists it; POST {@code {"domain", "value"}} adds a TXT record;
     * DELETE {@code {"domain", "value"?}} removes one (or all of the domain's).
     */
    private void dnsZone(HttpExchange exchange, String method) throws IOException {
        if (method.equals("GET")) {
            sendJson(exchange, 200, JSON.writeValueAsString(dns.zone()));
            return;
        }
        JsonNode body;
        try (java.io.InputStream in = exchange.getRequestBody()) {
            body = JSON.readTree(in);
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.path("domain").isTextual() || (method.equals("POST") && !body.path("value").isTextual())) {
            sendJson(exchange, 400, "{\"error\": \"send a JSON object with domain and value (text)\"}");
            return;
        }
        switch (method) {
            case "POST" -> dns.addTxt(body.get("domain").asText(), body.get("value").asText());
            case "DELETE" -> dns.removeTxt(body.get("domain").asText(), body.path("value").isTextual() ? body.get("value").asText() : null);
            default -> {
                sendJson(exchange, 405, "{\"error\": \"GET, POST or DELETE\"}");
                return;
            }
        }
        sendJson(exchange, 200, JSON.writeValueAsString(dns.zone()));
    }

    private static final String INBOX_PATH = "/_devstack/inbox/";
    private final WebhookInbox inbox = new WebhookInbox();

    /** The request bin at {@code /_devstack/inbox/<name>}. */
    public WebhookInbox inbox() {
        return inbox;
    }

    /**
     * POST keeps a delivery (its body and {@code Image2Model-*} headers; at most 1 MB) and answers 200;
     * GET answers the oldest one matching {@code type} and {@code contains}, as it came, after waiting
     * up to {@code wait} seconds (at most 600) for it, else 404.
     */
    private void inbox(HttpExchange exchange, String method, String name) throws IOException {
        if (!WebhookInbox.NAME.matcher(name).matches()) {
            // Read and dropped, not held: the connection stays usable whatever was sent.
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            sendJson(exchange, 404, "{\"error\": \"an inbox name is 1 to 64 of a-z, 0-9 and -\"}");
            return;
        }
        if (method.equals("POST")) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(1024 * 1024 + 1);
            }
            if (body.length > 1024 * 1024) {
                sendJson(exchange, 413, "{\"error\": \"an inbox keeps deliveries of up to 1 MB\"}");
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((header, values) -> {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("image2model-")) {
                    headers.put(header, String.join(",", values));
                }
            });
            inbox.receive(name, body, headers);
            sendJson(exchange, 200, "{\"received\": true}");
            return;
        }
        if (!method.equals("GET")) {
            sendJson(exchange, 405, "{\"error\": \"GET or POST\"}");
            return;
        }
        Map<String, String> query = query(exchange);
        long waitSeconds;
        try {
            waitSeconds = Math.min(WebhookInbox.MAX_WAIT_SECONDS, Math.max(0, Long.parseLong(query.getOrDefault("wait", "0"))));
        } catch (NumberFormatException e) {
            sendJson(exchange, 400, "{\"error\": \"wait is whole seconds\"}");
            return;
        }
        Optional<WebhookInbox.Delivery> found;
        try {
            found = inbox.find(name, query.get("type"), query.get("contains"), waitSeconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendJson(exchange, 503, "{\"error\": \"the devstack is stopping\"}");
            return;
        }
        if (found.isEmpty()) {
            sendJson(exchange, 404, "{\"error\": \"nothing matching has arrived\"}");
            return;
        }
        found.get().headers().forEach((header, value) -> exchange.getResponseHeaders().set(header, value));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, 200, found.get().body());
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public void setAuthorizer(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** API Gateway's limits, as the HTTP API applies them: a 10 MB request, a 30 s integration, Lambda's 6 MB answer. */
    public record Limits(long maxRequestBytes, java.time.Duration integrationTimeout, long maxResponseBytes) {
        public static final Limits API_GATEWAY = new Limits(10L * 1024 * 1024, java.time.Duration.ofSeconds(30), 6L * 1024 * 1024);
    }

    private volatile Limits limits = Limits.API_GATEWAY;
    private final ExecutorService invocations = Executors.newCachedThreadPool(com.image2model.devstack.Daemons.named("http-front-invocation"));

    /** Other limits (tests make them small to reach them); {@link Limits#API_GATEWAY} by default. */
    public void setLimits(Limits limits) {
        this.limits = limits;
    }

    /** A request body over the HTTP API's payload limit: API Gateway answers 413 without invoking anything. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://localhost:" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        invocations.shutdownNow();
    }

    private static CompiledRoute compile(SamTemplate.HttpRoute route) {
        List<String> parameters = new ArrayList<>();
        StringBuilder regex = new StringBuilder("^");
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(route.path());
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(route.path().substring(last, m.start())));
            String name = m.group(1);
            if (name.endsWith("+")) {
                parameters.add(name.substring(0, name.length() - 1));
                regex.append("(.+)");
            } else {
                parameters.add(name);
                regex.append("([^/]+)");
            }
            last = m.end();
        }
        regex.append(Pattern.quote(route.path().substring(last))).append("$");
        return new CompiledRoute(route, Pattern.compile(regex.toString()), parameters);
    }

    private volatile String downPrefix;
    private volatile long downUntilMillis;

    /** Answers 503 to every request under {@code pathPrefix} for {@code millis} (a receiver down for a while, for chaos runs). */
    public void downFor(String pathPrefix, long millis) {
        downPrefix = pathPrefix;
        downUntilMillis = System.currentTimeMillis() + millis;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            String down = downPrefix;
            if (down != null && path.startsWith(down) && System.currentTimeMillis() < downUntilMillis) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null && corsOrigins.contains(origin)) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
                exchange.getResponseHeaders().set("Vary", "Origin");
            }
            if (method.equals("OPTIONS") && origin != null && exchange.getRequestHeaders().containsKey("Access-Control-Request-Method")) {
                preflight(exchange, origin);
                return;
            }
            if (path.equals("/_devstack/dns") && dns != null) {
                dnsZone(exchange, method);
                return;
            }
            if (path.startsWith(INBOX_PATH)) {
                inbox(exchange, method, path.substring(INBOX_PATH.length()));
                return;
            }
            if (path.equals("/_devstack/metrics") && method.equals("GET")) {
                // The devstack's CloudWatch: totals of the functions' EMF metrics.
                sendJson(exchange, 200, JSON.writeValueAsString(com.image2model.devstack.metrics.EmfCollector.install().totals()));
                return;
            }
            // The payload limit comes first, before any route or authorizer, as API Gateway applies it on receipt.
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limits.maxRequestBytes()) {
                refuseTooLarge(exchange);
                return;
            }
            CompiledRoute matched = null;
            Matcher matcher = null;
            for (CompiledRoute candidate : routes) {
                Matcher m = candidate.pattern().matcher(path);
                if (m.matches() && (candidate.route().method().equals("ANY") || candidate.route().method().equals(method))) {
                    matched = candidate;
                    matcher = m;
                    break;
                }
            }
            if (matched == null) {
                if ((method.equals("GET") || method.equals("HEAD")) && serveSite(exchange, path, method.equals("HEAD"))) {
                    return;
                }
                sendJson(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            Map<String, Object> claims = null;
            if (!matched.route().authorizerNone()) {
                Authorizer current = authorizer;
                Map<String, String> lowerHeaders = new LinkedHashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> lowerHeaders.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                Decision decision = current == null ? Decision.refuse(401, "{\"message\":\"Unauthorized\"}")
                        : current.decide(lowerHeaders, matched.route().routeKey(), path);
                if (!decision.allowed()) {
                    if (decision.status() == 401) {
                        exchange.getResponseHeaders().set("www-authenticate", "Bearer");
                    }
                    sendJson(exchange, decision.status(), decision.body());
                    return;
                }
                claims = decision.authorizerContext();
            }
            Map<String, String> pathParameters = new LinkedHashMap<>();
            for (int i = 0; i < matched.parameters().size(); i++) {
                pathParameters.put(matched.parameters().get(i), URLDecoder.decode(matcher.group(i + 1), StandardCharsets.UTF_8));
            }
            byte[] event;
            try {
                event = JSON.writeValueAsBytes(event(exchange, matched.route(), pathParameters, claims));
            } catch (TooLarge e) {
                refuseTooLarge(exchange);
                return;
            }
            byte[] answer;
            String functionId = matched.route().functionId();
            Limits current = limits;
            java.util.concurrent.Future<byte[]> invocation = invocations.submit(() -> functions.invoke(functionId, event));
            try {
                answer = invocation.get(current.integrationTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // The HTTP API stops waiting after 30 s and answers 503; the function runs on (until its own timeout in Lambda).
                LOG.warning(functionId + " did not answer " + matched.route().routeKey() + " within " + current.integrationTimeout().toSeconds()
                        + " s: 503, as API Gateway answers");
                sendJson(exchange, 503, "{\"message\":\"Service Unavailable\"}");
                return;
            } catch (Exception e) {
                // API Gateway answers a failed invocation this way; the detail stays in the function's log.
                LOG.log(Level.SEVERE, functionId + " failed on " + matched.route().routeKey(), e);
                sendJson(exchange, 500, "{\"message\":\"Internal Server Error\"}");
                return;
            }
            if (answer.length > current.maxResponseBytes()) {
                // Lambda refuses an answer over its 6 MB invocation payload (Function.ResponseSizeTooLarge): the HTTP API answers 500.
                LOG.severe(functionId + " answered " + matched.route().routeKey() + " with " + answer.length + " bytes, over Lambda's "
                        + current.maxResponseBytes() + ": 500, as API Gateway answers");
                sendJson(exchange, 500, "{\"message\":\"Internal Server Error\"}");
                return;
            }
            respond(exchange, answer);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "HTTP front failed", e);
            try {
                sendJson(exchange, 500, "{\"message\":\"Internal Server Error\"}");
            } catch (IOException | RuntimeException ignored) {
                // The client is gone or the response was already under way.
            }
        }
    }

    /** The API Gateway HTTP API payload, format version 2.0. */
    private Map<String, Object> event(HttpExchange exchange, SamTemplate.HttpRoute route, Map<String, String> pathParameters,
                                      Map<String, Object> claims) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                for (String value : values) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.trim());
                        }
                    }
                }
            } else {
                headers.put(lower, String.join(",", values));
            }
        });
        Map<String, String> query = query(exchange);
        byte[] body;
        long max = limits.maxRequestBytes();
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (body.length > max) {
            throw new TooLarge();
        }
        Instant now = Instant.now();
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", exchange.getRequestMethod().toUpperCase(Locale.ROOT));
        http.put("path", exchange.getRequestURI().getRawPath());
        http.put("protocol", exchange.getProtocol());
        http.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", "000000000000");
        context.put("apiId", "devstack");
        if (claims != null) {
            // What the authorizer verified: {"jwt": {"claims": ...}} or a Lambda authorizer's {"lambda": {...}}.
            context.put("authorizer", claims);
        }
        context.put("domainName", headers.getOrDefault("host", "localhost"));
        context.put("domainPrefix", "localhost");
        context.put("http", http);
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", route.routeKey());
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());

        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", route.routeKey());
        event.put("rawPath", exchange.getRequestURI().getRawPath());
        event.put("rawQueryString", Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
        if (!cookies.isEmpty()) {
            event.put("cookies", cookies);
        }
        event.put("headers", headers);
        if (!query.isEmpty()) {
            event.put("queryStringParameters", query);
        }
        if (!pathParameters.isEmpty()) {
            event.put("pathParameters", pathParameters);
        }
        event.put("requestContext", context);
        if (body.length > 0) {
            boolean text = isText(headers.get("content-type"));
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.startsWith("application/x-www-form-urlencoded") || type.startsWith("application/javascript");
    }

    /** A function's answer: a response object (statusCode, headers, body...) or, as HTTP APIs allow, any JSON. */
    private static void respond(HttpExchange exchange, byte[] answer) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(answer);
        } catch (IOException notJson) {
            node = null;
        }
        if (node == null || !node.isObject() || !node.has("statusCode")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            send(exchange, 200, answer);
            return;
        }
        Headers out = exchange.getResponseHeaders();
        node.path("headers").fields().forEachRemaining(h -> out.set(h.getKey(), h.getValue().asText()));
        node.path("multiValueHeaders").fields().forEachRemaining(h -> h.getValue().forEach(v -> out.add(h.getKey(), v.asText())));
        node.path("cookies").forEach(c -> out.add("Set-Cookie", c.asText()));
        JsonNode body = node.get("body");
        byte[] bytes;
        if (body == null || body.isNull()) {
            bytes = new byte[0];
        } else if (node.path("isBase64Encoded").asBoolean(false)) {
            bytes = Base64.getDecoder().decode(body.asText());
        } else {
            bytes = body.asText().getBytes(StandardCharsets.UTF_8);
        }
        send(exchange, node.get("statusCode").asInt(), bytes);
    }

    private void preflight(HttpExchange exchange, String origin) throws IOException {
        if (corsOrigins.contains(origin)) {
            Headers h = exchange.getResponseHeaders();
            h.set("Access-Control-Allow-Methods", "GET,POST,PATCH,DELETE,OPTIONS");
            h.set("Access-Control-Allow-Headers", "authorization,content-type,idempotency-key");
            h.set("Access-Control-Max-Age", "600");
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private volatile Map<String, Object> siteConfig;
    private volatile Map<String, String> siteHeaders = Map.of();

    /** The security headers every page and file of the web app is served with (as CloudFront adds them). */
    public void setSiteHeaders(Map<String, String> headers) {
        this.siteHeaders = Map.copyOf(headers);
    }

    /** What the web app reads at /config.json: this stage's API and sign-in settings. */
    public void setSiteConfig(Map<String, Object> config) {
        this.siteConfig = config;
    }

    private boolean serveSite(HttpExchange exchange, String rawPath, boolean headOnly) throws IOException {
        siteHeaders.forEach(exchange.getResponseHeaders()::set);
        if (rawPath.equals("/config.json") && siteConfig != null) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            send(exchange, 200, JSON.writeValueAsBytes(siteConfig));
            return true;
        }
        if (siteRoot == null) {
            return false;
        }
        String path = URLDecoder.decode(rawPath, StandardCharsets.UTF_8);
        Path file = siteRoot.resolve(path.substring(1)).normalize();
        if (!file.startsWith(siteRoot)) {
            return false;
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file)) {
            // As CloudFront's error response: the site's own 404 page.
            Path notFound = siteRoot.resolve("404.html");
            if (Files.isRegularFile(notFound)) {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                send(exchange, 404, headOnly ? new byte[0] : Files.readAllBytes(notFound));
                return true;
            }
            return false;
        }
        String type = Optional.ofNullable(Files.probeContentType(file)).orElse(contentType(file.toString()));
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        if (headOnly) {
            exchange.sendResponseHeaders(200, -1);
        } else {
            send(exchange, 200, Files.readAllBytes(file));
        }
        return true;
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js") || name.endsWith(".mjs")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (name.endsWith(".json")) {
            return "application/json";
        } else if (name.endsWith(".svg")) {
            return "image/svg+xml";
        } else if (name.endsWith(".glb")) {
            return "model/gltf-binary";
        }
        return "application/octet-stream";
    }

    /**
     * 413 for a body over the limit. The body is read and dropped first (up to {@link #DRAIN_BYTES}): a server that
     * answers and closes while the client is still sending resets the connection, and the client then sees no answer.
     */
    private static void refuseTooLarge(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            long dropped = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n; dropped < DRAIN_BYTES && (n = in.read(buffer)) > 0;) {
                dropped += n;
            }
        } catch (IOException e) {
            // The client gave up sending; the answer below may still reach it.
        }
        exchange.getResponseHeaders().set("Connection", "close");
        sendJson(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
    }

    private static final long DRAIN_BYTES = 64L * 1024 * 1024;

    /** The request's query parameters, decoded; a repeated one joined with commas (as API Gateway's 2.0 events do). */
    private static Map<String, String> query(HttpExchange exchange) {
        String rawQuery = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.merge(key, value, (a, b) -> a + "," + b);
        }
        return query;
    }

    private static void sendJson(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
