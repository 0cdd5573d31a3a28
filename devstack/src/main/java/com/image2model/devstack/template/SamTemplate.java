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
    /** Lambda's runtime sets this to the function's Handler. */
    public static final String HANDLER_VARIABLE = "_HANDLER";
    /** Spring Cloud Function's Lambda entry point class. */
    public static final String SPRING_INVOKER = "org.springframework.cloud.function.adapter.aws.FunctionInvoker";

    /** One HttpApi event of a function: METHOD + path (with {params}), and whether it skips the JWT authorizer. */
    public record HttpRoute(String functionId, String method, String path, boolean authorizerNone) {
        public String routeKey() {
            return method + " " + path;
        }
    }

    public record FunctionDef(String logicalId, Map<String, Object> properties, Map<String, Object> environment,
                              List<HttpRoute> routes) {
        /** The SPRING_CLOUD_FUNCTION_DEFINITION this function is deployed with (a plain string), or null for a plain handler. */
        public String definition() {
            Object value = environment.get(FUNCTION_DEFINITION_VARIABLE);
            return value == null ? null : String.valueOf(value);
        }

        /** Its Handler (its own or the Globals'): {@code class::method}, as Lambda's runtime reads it. */
        public String handler() {
            return String.valueOf(properties.get("Handler"));
        }

        /** Whether Lambda starts it through Spring Cloud Function's FunctionInvoker (else: a plain handler class). */
        public boolean springInvoker() {
            return handler().startsWith(SPRING_INVOKER + "::");
        }

        /** The class of its handler. */
        public String handlerClass() {
            String handler = handler();
            int colons = handler.indexOf("::");
            return colons < 0 ? handler : handler.substring(0, colons);
        }

        /**
         * The function's name in the jar's catalog and in events/: its definition, or for a plain
         * handler its class's simple name without "Handler", lower-camel ({@code ApiAuthorizerHandler}: apiAuthorizer).
         */
        public String name() {
            if (definition() != null) {
                return definition();
            }
            String simple = handlerClass().substring(handlerClass().lastIndexOf('.') + 1).replaceFirst("Handler$", "");
            return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
        }

        /** What Lambda's runtime puts in its environment to start it: {@code _HANDLER}, and the definition if it has one. */
        public Map<String, String> runtimeEnvironment() {
            Map<String, String> runtime = new LinkedHashMap<>();
            runtime.put(HANDLER_VARIABLE, handler());
            if (definition() != null) {
                runtime.put(FUNCTION_DEFINITION_VARIABLE, definition());
            }
            return runtime;
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

    /**
     * The HTTP API's default authorizer, as written (intrinsics not evaluated): a Lambda authorizer
     * names its function ({@code functionId}, from {@code !Ref X.Alias} or {@code !GetAtt X.Arn}), its
     * identity headers and {@code reauthorizeEvery}; a JWT authorizer has its {@code jwtConfiguration}.
     * Null when the template has none.
     */
    public record ApiAuthorizer(String name, String functionId, List<String> identityHeaders, Object reauthorizeEvery,
                                Map<String, Object> jwtConfiguration) {
        public boolean isLambda() {
            return functionId != null;
        }
    }

    public ApiAuthorizer defaultApiAuthorizer() {
        for (Map<String, Object> api : resourcesOfType("AWS::Serverless::HttpApi").values()) {
            Map<String, Object> auth = map(properties(api).get("Auth"));
            Object name = auth.get("DefaultAuthorizer");
            if (name == null) {
                continue;
            }
            Map<String, Object> authorizer = map(map(auth.get("Authorizers")).get(String.valueOf(name)));
            Object arn = authorizer.get("FunctionArn");
            String functionId = null;
            if (map(arn).get("Ref") != null) {
                functionId = String.valueOf(map(arn).get("Ref")).replaceAll("\\.(Alias|Version)$", "");
            } else if (map(arn).get("Fn::GetAtt") instanceof List<?> getAtt) {
                functionId = String.valueOf(getAtt.get(0));
            }
            Map<String, Object> identity = map(authorizer.get("Identity"));
            List<String> headers = new ArrayList<>();
            if (identity.get("Headers") instanceof List<?> list) {
                list.forEach(h -> headers.add(String.valueOf(h)));
            }
            return new ApiAuthorizer(String.valueOf(name), functionId, headers, identity.getOrDefault("ReauthorizeEvery", 300),
                    map(authorizer.get("JwtConfiguration")));
        }
        return null;
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
