package com.image2model.devstack.aws;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for AWS Secrets Manager, speaking its JSON 1.1 protocol ({@code X-Amz-Target:
 * secretsmanager.*}) for the calls the functions and an operator make: GetSecretValue,
 * PutSecretValue and DescribeSecret, by name or ARN, with Secrets Manager's error types. The
 * secrets are the template's {@code AWS::SecretsManager::Secret} resources; the devstack puts the
 * stand-ins' keys into them, so the functions read their secrets exactly as they do in AWS.
 * Requests must be SigV4-signed with the devstack's access key.
 */
public final class LocalSecretsManager implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Secret(String name, String arn, String value, String versionId, long createdEpochSecond) {
    }

    private final HttpServer server;
    private final Map<String, Secret> byArn = new ConcurrentHashMap<>();
    private final Clock clock;

    public LocalSecretsManager(int port, Clock clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress("localhost", port), 32);
        server.setExecutor(Executors.newFixedThreadPool(4, com.image2model.devstack.Daemons.named("secrets-manager")));
        server.createContext("/", this::handle);
    }

    public LocalSecretsManager start() {
        server.start();
        return this;
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The ARN the devstack gives a secret of this name (as AWS does: the name and a 6-character suffix). */
    public static String arnOf(String name) {
        String suffix = Integer.toHexString(name.hashCode() & 0xffffff);
        return "arn:aws:secretsmanager:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":secret:" + name + "-"
                + ("000000" + suffix).substring(suffix.length());
    }

    /** Creates the secret (or gives it a new value). */
    public void put(String name, String value) {
        String arn = arnOf(name);
        byArn.put(arn, new Secret(name, arn, value, UUID.randomUUID().toString(), clock.instant().getEpochSecond()));
    }

    /** Creates a secret with no value yet, as CloudFormation does for a secret without SecretString. */
    public void declare(String name) {
        byArn.putIfAbsent(arnOf(name), new Secret(name, arnOf(name), null, null, clock.instant().getEpochSecond()));
    }

    private Optional<Secret> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Secret exact = byArn.get(id);
        if (exact != null) {
            return Optional.of(exact);
        }
        return byArn.values().stream().filter(s -> s.name().equals(id)).findFirst();
    }

    private volatile com.image2model.devstack.iam.Iam iam;

    /** The devstack's IAM, checked on every call a function makes. */
    public void setIam(com.image2model.devstack.iam.Iam iam) {
        this.iam = iam;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + LocalAws.ACCESS_KEY + "/")) {
                error(exchange, 400, "UnrecognizedClientException", "The security token included in the request is invalid.");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith("secretsmanager.")) {
                error(exchange, 400, "UnknownOperationException", "Only the Secrets Manager JSON API is served here.");
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String id = body.path("SecretId").asText(null);
            Optional<Secret> secret = find(id);
            com.image2model.devstack.iam.Iam policies = iam;
            if (policies != null) {
                try {
                    policies.authorize(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"), "secretsmanager:"
                            + target.substring("secretsmanager.".length()), secret.map(Secret::arn).orElse(String.valueOf(id)));
                } catch (com.image2model.devstack.iam.Iam.Denied denied) {
                    error(exchange, 400, "AccessDeniedException", denied.getMessage());
                    return;
                }
            }
            switch (target.substring("secretsmanager.".length())) {
                case "GetSecretValue" -> {
                    if (secret.isEmpty()) {
                        error(exchange, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                    } else if (secret.get().value() == null) {
                        error(exchange, 400, "ResourceNotFoundException",
                                "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
                    } else {
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("ARN", secret.get().arn());
                        out.put("Name", secret.get().name());
                        out.put("VersionId", secret.get().versionId());
                        out.put("SecretString", secret.get().value());
                        out.put("VersionStages", List.of("AWSCURRENT"));
                        out.put("CreatedDate", secret.get().createdEpochSecond());
                        send(exchange, 200, out);
                    }
                }
                case "PutSecretValue" -> {
                    if (secret.isEmpty()) {
                        error(exchange, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                        return;
                    }
                    String value = body.path("SecretString").asText(null);
                    if (value == null) {
                        error(exchange, 400, "InvalidParameterException", "You must provide a SecretString.");
                        return;
                    }
                    put(secret.get().name(), value);
                    Secret now = find(secret.get().arn()).orElseThrow();
                    send(exchange, 200, Map.of("ARN", now.arn(), "Name", now.name(), "VersionId", now.versionId(),
                            "VersionStages", List.of("AWSCURRENT")));
                }
                case "DescribeSecret" -> {
                    if (secret.isEmpty()) {
                        error(exchange, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                        return;
                    }
                    send(exchange, 200, Map.of("ARN", secret.get().arn(), "Name", secret.get().name(),
                            "CreatedDate", secret.get().createdEpochSecond()));
                }
                default -> error(exchange, 400, "UnknownOperationException", "The devstack serves GetSecretValue, PutSecretValue and DescribeSecret.");
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "InternalServiceError", String.valueOf(e.getMessage()));
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        send(exchange, status, Map.of("__type", type, "Message", message));
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
