package com.image2model.devstack.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions the way a deployment would, with the answers for
 * parameters, pseudo parameters and resources supplied by the caller (the devstack's local names).
 */
public final class Intrinsics {

    /** What Ref and GetAtt of a resource mean in a given place (locally: emulator names and URLs). */
    public interface Resources {
        String ref(String logicalId);

        String getAtt(String logicalId, String attribute);
    }

    /** CloudFormation's marker for "leave this property out". */
    public static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final Map<String, String> parameters;
    private final Map<String, Object> conditions;
    private final Resources resources;

    public Intrinsics(Map<String, String> parameters, Map<String, Object> conditions, Resources resources) {
        this.parameters = parameters;
        this.conditions = conditions == null ? Map.of() : conditions;
        this.resources = resources;
    }

    /** Evaluates every intrinsic in a template fragment, leaving plain values as they are. */
    @SuppressWarnings("unchecked")
    public Object evaluate(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String key = String.valueOf(map.keySet().iterator().next());
                if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition") && !(map.get(key) instanceof Map)) {
                    if (!key.equals("Condition") || conditions.containsKey(String.valueOf(map.get(key)))) {
                        return call(key, map.get(key));
                    }
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> {
                Object value = evaluate(v);
                if (value != NO_VALUE) {
                    result.put(k, value);
                }
            });
            return result;
        }
        if (node instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (Object item : list) {
                Object value = evaluate(item);
                if (value != NO_VALUE) {
                    result.add(value);
                }
            }
            return result;
        }
        return node;
    }

    public String evaluateString(Object node) {
        Object value = evaluate(node);
        return value == null ? null : String.valueOf(value);
    }

    public boolean condition(String name) {
        Object definition = conditions.get(name);
        if (definition == null) {
            throw new IllegalArgumentException("Unknown condition " + name);
        }
        return truth(evaluate(definition));
    }

    private Object call(String function, Object argument) {
        switch (function) {
            case "Ref":
                return ref(String.valueOf(argument));
            case "Fn::GetAtt": {
                List<?> parts = argument instanceof List<?> l ? l : List.of(String.valueOf(argument).split("\\.", 2));
                return resources.getAtt(String.valueOf(evaluate(parts.get(0))), String.valueOf(evaluate(parts.get(1))));
            }
            case "Fn::Sub":
                return sub(argument);
            case "Fn::Join": {
                List<?> args = (List<?>) argument;
                String delimiter = String.valueOf(args.get(0));
                List<String> items = new ArrayList<>();
                for (Object item : (List<?>) evaluate(args.get(1))) {
                    items.add(String.valueOf(item));
                }
                return String.join(delimiter, items);
            }
            case "Fn::Select": {
                List<?> args = (List<?>) argument;
                int index = Integer.parseInt(String.valueOf(evaluate(args.get(0))));
                return ((List<?>) evaluate(args.get(1))).get(index);
            }
            case "Fn::Split": {
                List<?> args = (List<?>) argument;
                return List.of(String.valueOf(evaluate(args.get(1))).split(Pattern.quote(String.valueOf(args.get(0))), -1));
            }
            case "Fn::If": {
                List<?> args = (List<?>) argument;
                return evaluate(condition(String.valueOf(args.get(0))) ? args.get(1) : args.get(2));
            }
            case "Fn::Equals": {
                List<?> args = (List<?>) argument;
                return String.valueOf(evaluate(args.get(0))).equals(String.valueOf(evaluate(args.get(1))));
            }
            case "Fn::Not":
                return !truth(evaluate(((List<?>) argument).get(0)));
            case "Fn::And":
                return ((List<?>) argument).stream().allMatch(a -> truth(evaluate(a)));
            case "Fn::Or":
                return ((List<?>) argument).stream().anyMatch(a -> truth(evaluate(a)));
            case "Condition":
                return condition(String.valueOf(argument));
            default:
                throw new UnsupportedOperationException(function + " is not supported by the devstack");
        }
    }

    private Object ref(String name) {
        if (name.equals("AWS::NoValue")) {
            return NO_VALUE;
        }
        String parameter = parameters.get(name);
        if (parameter != null) {
            return parameter;
        }
        return resources.ref(name);
    }

    private String sub(Object argument) {
        String text;
        Map<?, ?> variables = Map.of();
        if (argument instanceof List<?> args) {
            text = String.valueOf(args.get(0));
            variables = (Map<?, ?>) args.get(1);
        } else {
            text = String.valueOf(argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = String.valueOf(evaluate(variables.get(name)));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                replacement = resources.getAtt(name.substring(0, dot), name.substring(dot + 1));
            } else {
                replacement = String.valueOf(ref(name));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean truth(Object value) {
        return value instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(value));
    }
}
