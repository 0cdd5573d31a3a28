package com.image2model.devstack.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * openapi.yaml held against what the API really answers: every answer the integration suites get
 * through {@code Api} is checked here against the document's schema for its route and status (a
 * status the document does not list for the route fails too). Answers to paths that are no route
 * of the template (a test of the front's own 404) are not the document's business.
 */
public final class ApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    /** One documented operation, its path as a pattern. */
    public record Operation(String method, String path, Pattern pattern, int parameters, JsonNode node) {
    }

    private final JsonNode document;
    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, JsonSchema> compiled = new java.util.concurrent.ConcurrentHashMap<>();

    private ApiContract(JsonNode document) {
        this.document = document;
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String regex = "^" + path.getKey().replaceAll("\\{[^}]+}", "[^/]+") + "$";
            int parameters = path.getKey().split("\\{", -1).length - 1;
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                operations.add(new Operation(method.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), Pattern.compile(regex),
                        parameters, method.getValue()));
            }
        }
        // A literal segment wins over a parameter, as API Gateway routes.
        operations.sort(Comparator.comparingInt(Operation::parameters));
    }

    /** The document at the root of the repository, read once (on first use, by the class loader's guarantee). */
    public static ApiContract get() {
        return Loaded.CONTRACT;
    }

    private static final class Loaded {
        static final ApiContract CONTRACT = new ApiContract(read(com.image2model.devstack.TestStack.root().resolve("openapi.yaml")));
    }

    /** openapi.yaml as JSON (YAML's safe subset, with its strings kept as strings). */
    public static JsonNode read(Path file) {
        try {
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            return JSON.valueToTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The documented operation a request reaches; null for a path that is no route. */
    public Operation operation(String method, String rawPath) {
        String path = rawPath.split("\\?", 2)[0];
        for (Operation operation : operations) {
            if (operation.method().equals(method) && operation.pattern().matcher(path).matches()) {
                return operation;
            }
        }
        return null;
    }

    /**
     * Fails (an AssertionError naming the route, the status and what is wrong) when the answer is
     * not what openapi.yaml says the route answers.
     */
    public void check(String method, String rawPath, int status, String contentType, String body) {
        Operation operation = operation(method, rawPath);
        if (operation == null) {
            return;
        }
        String route = method + " " + operation.path();
        JsonNode response = operation.node().path("responses").path(String.valueOf(status));
        if (response.isMissingNode()) {
            throw new AssertionError("openapi.yaml: " + route + " answered " + status + ", a status the document does not list for it: "
                    + snippet(body));
        }
        response = resolve(response);
        JsonNode content = response.path("content");
        if (content.isMissingNode() || body == null || body.isEmpty()) {
            return;
        }
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        JsonNode media = content.path(type);
        if (media.isMissingNode()) {
            throw new AssertionError("openapi.yaml: " + route + " answered " + status + " as " + type + "; the document says "
                    + content.properties().stream().map(Map.Entry::getKey).toList());
        }
        if (!type.equals("application/json")) {
            return;
        }
        JsonNode instance;
        try {
            instance = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("openapi.yaml: " + route + " answered " + status + " with a body that is not JSON: " + snippet(body));
        }
        String key = route + " " + status;
        JsonSchema schema = compiled.computeIfAbsent(key, k -> SCHEMAS.getSchema(inline(media.path("schema"), 0)));
        java.util.Set<ValidationMessage> errors = schema.validate(instance);
        if (!errors.isEmpty()) {
            throw new AssertionError("openapi.yaml: " + route + " answered " + status + " with a body its schema refuses: "
                    + errors.stream().map(ValidationMessage::toString).limit(8).toList() + "\n  body: " + snippet(body));
        }
    }

    /** Checks one answer of the front, as {@link #check(String, String, int, String, String)}; returns it. */
    public static java.net.http.HttpResponse<String> checked(java.net.http.HttpResponse<String> response) {
        java.net.URI uri = response.request().uri();
        get().check(response.request().method(), uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
                response.statusCode(), response.headers().firstValue("content-type").orElse(null), response.body());
        return response;
    }

    /** A response object, its $ref followed. */
    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? resolve(document.at(node.get("$ref").asText().substring(1))) : node;
    }

    /** The schema with every local $ref replaced by what it names, so it stands alone. */
    private JsonNode inline(JsonNode schema, int depth) {
        if (depth > 40) {
            throw new IllegalStateException("openapi.yaml: $ref nesting too deep");
        }
        if (schema.isObject()) {
            if (schema.has("$ref")) {
                return inline(document.at(schema.get("$ref").asText().substring(1)), depth + 1);
            }
            ObjectNode out = JSON.createObjectNode();
            schema.properties().forEach(e -> out.set(e.getKey(), inline(e.getValue(), depth + 1)));
            return out;
        }
        if (schema.isArray()) {
            var out = JSON.createArrayNode();
            schema.forEach(item -> out.add(inline(item, depth + 1)));
            return out;
        }
        return schema;
    }

    private static String snippet(String body) {
        return body == null ? "" : body.length() > 600 ? body.substring(0, 600) + "..." : body;
    }
}
