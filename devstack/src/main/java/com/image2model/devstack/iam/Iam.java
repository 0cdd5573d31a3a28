package com.image2model.devstack.iam;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import com.image2model.devstack.template.Intrinsics;
import com.image2model.devstack.template.SamTemplate;

/**
 * IAM for the devstack's AWS stand-ins: each function may do what its {@code Policies} in
 * template.yaml allow (SAM policy templates expanded as documented, inline statements as
 * written), nothing else, as its Lambda role would in AWS. A call is attributed to a function by
 * its session token ({@link CallerIdentity}); calls without one (the devstack's own clients and
 * tools) are not restricted. A denied call is answered by the stand-in as AWS answers it, and
 * logged with the function, action and resource. {@code DEVSTACK_IAM=off} turns it off.
 */
public final class Iam {

    private static final Logger LOG = Logger.getLogger(Iam.class.getName());

    /** An Allow statement: actions and resources (with {@code *} and {@code ?}), and its conditions. */
    public record Statement(List<String> actions, List<String> resources, Map<String, Map<String, List<String>>> conditions) {
        static Statement allow(List<String> actions, List<String> resources) {
            return new Statement(actions, resources, Map.of());
        }

        boolean allows(String action, String resource, Map<String, List<String>> context) {
            return actions.stream().anyMatch(a -> matches(a.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT)))
                    && resources.stream().anyMatch(r -> matches(r, resource))
                    && conditions.entrySet().stream().allMatch(c -> c.getValue().entrySet().stream()
                    .allMatch(k -> condition(c.getKey(), k.getKey(), k.getValue(), context)));
        }
    }

    /** One action on one resource, with the request's condition keys: what one request asks IAM for. */
    public record Access(String action, String resource, Map<String, List<String>> context) {
        public Access(String action, String resource) {
            this(action, resource, Map.of());
        }
    }

    /** What IAM says no to: the message AWS gives. */
    public static final class Denied extends RuntimeException {
        Denied(String message) {
            super(message);
        }
    }

    private final Map<String, List<Statement>> byFunction;
    private final String account;
    private final boolean enforcing;

    Iam(Map<String, List<Statement>> byFunction, String account, boolean enforcing) {
        this.byFunction = Map.copyOf(byFunction);
        this.account = account;
        this.enforcing = enforcing;
    }

    /** Every function's statements, read from the template (intrinsics evaluated). */
    public static Iam fromTemplate(SamTemplate template, Intrinsics intrinsics, String region, String account, boolean enforcing) {
        Map<String, List<Statement>> byFunction = new LinkedHashMap<>();
        for (SamTemplate.FunctionDef function : template.functions()) {
            List<Statement> statements = new ArrayList<>();
            Object policies = intrinsics.evaluate(function.properties().getOrDefault("Policies", List.of()));
            for (Object policy : policies instanceof List<?> list ? list : List.of(policies)) {
                if (policy instanceof String managed) {
                    throw new IllegalStateException(function.logicalId() + " uses the managed policy " + managed
                            + ", which the devstack cannot expand: write the statements it needs instead");
                }
                Map<?, ?> map = (Map<?, ?>) policy;
                if (map.containsKey("Statement")) {
                    for (Object statement : (List<?>) map.get("Statement")) {
                        statements.add(inline(function.logicalId(), (Map<?, ?>) statement));
                    }
                } else {
                    map.forEach((name, parameters) -> statements.addAll(PolicyTemplates.expand(String.valueOf(name),
                            stringKeys(parameters), region, account)));
                }
            }
            byFunction.put(function.logicalId(), statements);
        }
        return new Iam(byFunction, account, enforcing);
    }

    private static Statement inline(String function, Map<?, ?> statement) {
        if (!"Allow".equals(statement.get("Effect"))) {
            throw new IllegalStateException(function + ": the devstack evaluates Allow statements only, found " + statement.get("Effect"));
        }
        Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
        stringKeys(statement.get("Condition")).forEach((operator, keys) -> {
            Map<String, List<String>> values = new LinkedHashMap<>();
            stringKeys(keys).forEach((key, value) -> values.put(key, strings(value)));
            conditions.put(operator, values);
        });
        return new Statement(strings(statement.get("Action")), strings(statement.get("Resource")), conditions);
    }

    /**
     * Whether the caller (by its session token) may do {@code action} on {@code resource}, with the
     * condition keys of the request in {@code context}; throws {@link Denied} with AWS's message.
     */
    public void authorize(String sessionToken, String action, String resource, Map<String, List<String>> context) {
        if (!enforcing) {
            return;
        }
        Optional<String> function = CallerIdentity.functionOf(sessionToken);
        if (function.isEmpty()) {
            return;
        }
        List<Statement> statements = byFunction.getOrDefault(function.get(), List.of());
        if (statements.stream().anyMatch(s -> s.allows(action, resource, context))) {
            used.computeIfAbsent(function.get(), f -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(action);
            return;
        }
        String message = "User: arn:aws:sts::" + account + ":assumed-role/" + function.get() + "Role/" + function.get()
                + " is not authorized to perform: " + action + " on resource: " + resource
                + " because no identity-based policy allows the " + action + " action";
        LOG.warning("IAM denied " + function.get() + ": " + action + " on " + resource);
        throw new Denied(message);
    }

    /** AWS's message for the first of {@code accesses} the caller may not make; empty when all are allowed. */
    public Optional<String> denial(String sessionToken, List<Access> accesses) {
        for (Access access : accesses) {
            try {
                authorize(sessionToken, access.action(), access.resource(), access.context());
            } catch (Denied denied) {
                return Optional.of(denied.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The same without condition keys. */
    public void authorize(String sessionToken, String action, String resource) {
        authorize(sessionToken, action, resource, Map.of());
    }

    private final Map<String, java.util.Set<String>> used = new java.util.concurrent.ConcurrentHashMap<>();

    /** The actions each function was allowed and used since the start (what least privilege keeps). */
    public Map<String, java.util.Set<String>> used() {
        Map<String, java.util.Set<String>> out = new java.util.TreeMap<>();
        used.forEach((f, actions) -> out.put(f, new java.util.TreeSet<>(actions)));
        return out;
    }

    private static boolean condition(String operator, String key, List<String> expected, Map<String, List<String>> context) {
        List<String> actual = context.get(key);
        switch (operator) {
            case "ForAllValues:StringEquals" -> {
                // True when every value of the request's key is allowed (and, as IAM says, when there is none).
                return actual == null || expected.containsAll(actual);
            }
            case "ForAnyValue:StringEquals" -> {
                return actual != null && actual.stream().anyMatch(expected::contains);
            }
            case "StringEquals" -> {
                return actual != null && actual.size() == 1 && expected.contains(actual.get(0));
            }
            default -> {
                LOG.warning("IAM condition operator " + operator + " is not evaluated by the devstack: the statement does not apply");
                return false;
            }
        }
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} one. */
    static boolean matches(String pattern, String value) {
        if (pattern.equals("*")) {
            return true;
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return value.matches(regex.toString());
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }

    private static Map<String, Object> stringKeys(Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }
}
