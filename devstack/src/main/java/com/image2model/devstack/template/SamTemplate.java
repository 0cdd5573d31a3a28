package com.image2model.devstack.template;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * template.yaml as the devstack needs it: parameters, resources by type, and each function with
 * its HTTP routes and environment (Globals merged in, as SAM does).
 */
public final class SamTemplate {

    public static final String FUNCTION_DEFINITION_VARIABLE = "SPRING_CLOUD_FUNCTION_DEFINITION";

    /** One HttpApi event of a function: METHOD + path (with {params}), and whether it skips the JWT authorizer. */
    public record HttpRoute(String functionId, String method, String path, boolean authorizerNone) {
        public String routeKey() {
            return method + " " + path;
        }
    }

    public record FunctionDef(String logicalId, Map<String, Object> properties, Map<String, Object> environment,
                              List<HttpRoute> routes) {
        /** The SPRING_CLOUD_FUNCTION_DEFINITION this function is deployed with (a plain string). */
        public String definition() {
            Object value = environment.get(FUNCTION_DEFINITION_VARIABLE);
            return value == null ? null : String.valueOf(value);
        }
    }

    private final Map<String, Object> document;
    private final Map<String, Map<String, Object>> resources;

    private SamTemplate(Map<String, Object> document) {
        this.document = document;
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        map(document.get("Resources")).forEach((id, resource) -> byId.put(id, map(resource)));
        this.resources = byId;
    }

    public static SamTemplate load(Path file) throws IOException {
        return new SamTemplate(CfnYaml.read(file));
    }

    public Map<String, Object> document() {
        return document;
    }

    public Map<String, Map<String, Object>> resources() {
        return resources;
    }

    public Map<String, Object> conditions() {
        return map(document.get("Conditions"));
    }

    /** Parameter defaults, overridden by the given values (like --parameter-overrides). */
    public Map<String, String> parameters(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        map(document.get("Parameters")).forEach((name, definition) -> {
            Object fallback = map(definition).get("Default");
            if (fallback != null) {
                values.put(name, String.valueOf(fallback));
            }
        });
        values.putAll(overrides);
        return values;
    }

    public Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources.forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                found.put(id, resource);
            }
        });
        return found;
    }

    public static Map<String, Object> properties(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    public List<FunctionDef> functions() {
        Map<String, Object> globals = map(map(document.get("Globals")).get("Function"));
        Map<String, Object> globalEnvironment = map(map(globals.get("Environment")).get("Variables"));
        List<FunctionDef> functions = new ArrayList<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, resource) -> {
            Map<String, Object> properties = new LinkedHashMap<>(globals);
            properties.putAll(properties(resource));
            Map<String, Object> environment = new LinkedHashMap<>(globalEnvironment);
            environment.putAll(map(map(properties(resource).get("Environment")).get("Variables")));
            List<HttpRoute> routes = new ArrayList<>();
            map(properties(resource).get("Events")).forEach((eventId, event) -> {
                Map<String, Object> eventMap = map(event);
                if ("HttpApi".equals(eventMap.get("Type"))) {
                    Map<String, Object> eventProperties = map(eventMap.get("Properties"));
                    String authorizer = String.valueOf(map(eventProperties.get("Auth")).get("Authorizer"));
                    routes.add(new HttpRoute(id,
                            String.valueOf(eventProperties.getOrDefault("Method", "ANY")).toUpperCase(),
                            String.valueOf(eventProperties.get("Path")),
                            "NONE".equals(authorizer)));
                }
            });
            functions.add(new FunctionDef(id, properties, environment, routes));
        });
        return functions;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }
}
