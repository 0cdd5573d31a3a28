package com.image2model.devstack.dynamodb;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The engine over HTTP, speaking DynamoDB's JSON 1.0 protocol: {@code POST /} with
 * {@code X-Amz-Target: DynamoDB_20120810.<Operation>}, errors as {@code __type} and
 * {@code message} with HTTP 400 (500 for an internal failure), and an X-Amz-Crc32 of each answer
 * as DynamoDB sends it. So the functions' unchanged SDK v2 client, and the AWS CLI with
 * {@code --endpoint-url}, talk to it. Requests must carry a SigV4 Authorization header. Items
 * past their TTL are removed every 10 seconds.
 */
public final class DynamoServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "DynamoDB_20120810.";

    static {
        // The JDK's HTTP server writes headers and body apart: without TCP_NODELAY each small answer
        // waits for the client's delayed ACK (about 40 ms). Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** Checks a signed request's permission before it runs (the devstack's IAM); throws the error to answer. */
    @FunctionalInterface
    public interface Authorizer {
        void check(String sessionToken, String operation, ObjectNode request) throws DynamoException;
    }

    private volatile Authorizer authorizer = (token, operation, request) -> { };
    private final Engine engine;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService expiry;

    /** The engine behind the server (tests inject its faults). */
    public Engine engine() {
        return engine;
    }

    public DynamoServer(int port, Engine engine) throws IOException {
        this.engine = engine;
        server = HttpServer.create(new InetSocketAddress("localhost", port), 256);
        executor = Executors.newFixedThreadPool(16, com.image2model.devstack.Daemons.named("dynamodb"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        expiry = Executors.newSingleThreadScheduledExecutor(com.image2model.devstack.Daemons.named("dynamodb-ttl"));
    }

    public static DynamoServer start(int port, Clock clock, Journal journal) throws IOException {
        Engine engine = new Engine(clock);
        engine.attach(journal);
        DynamoServer server = new DynamoServer(port, engine);
        server.server.start();
        server.expiry.scheduleWithFixedDelay(() -> {
            try {
                engine.expire();
            } catch (RuntimeException e) {
                // The next sweep tries again.
            }
        }, 10, 10, TimeUnit.SECONDS);
        return server;
    }

    public void setAuthorizer(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(PREFIX)) {
                error(exchange, new DynamoException("UnknownOperationException", "Unknown operation: " + target));
                return;
            }
            if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
                error(exchange, new DynamoException("MissingAuthenticationTokenException", "Request is missing Authentication Token"));
                return;
            }
            JsonNode request;
            try {
                request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                error(exchange, new DynamoException("SerializationException", "Start of structure or map found where not expected"));
                return;
            }
            if (!request.isObject()) {
                error(exchange, new DynamoException("SerializationException", "The request body must be a JSON object"));
                return;
            }
            ObjectNode answer;
            try {
                authorizer.check(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"), target.substring(PREFIX.length()),
                        (ObjectNode) request);
                answer = engine.handle(target.substring(PREFIX.length()), (ObjectNode) request);
            } catch (DynamoException e) {
                error(exchange, e);
                return;
            } catch (RuntimeException e) {
                error(exchange, new DynamoException("InternalServerError", 500, "Internal error: " + e, null));
                return;
            }
            send(exchange, 200, JSON.writeValueAsBytes(answer));
        }
    }

    private static void error(HttpExchange exchange, DynamoException e) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", "com.amazonaws.dynamodb.v20120810#" + e.type());
        if (e.extra() != null) {
            body.setAll(e.extra());
        }
        body.put("message", e.getMessage());
        send(exchange, e.status(), JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("X-Amz-Crc32", String.valueOf(crc.getValue()));
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        server.stop(0);
        executor.shutdownNow();
    }
}
