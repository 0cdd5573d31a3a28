package com.image2model.devstack.dynamodb;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * DynamoDB attribute values in their wire form ({"S": "x"}, {"N": "1"}, {"M": {...}} ...): their
 * type, validation, equality, ordering, numbers with DynamoDB's 38 significant digits, and size.
 */
public final class Values {

    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    public static final MathContext PRECISION = new MathContext(38);
    private static final BigDecimal MAX = new BigDecimal("9.9999999999999999999999999999999999999E+125");
    private static final BigDecimal MIN = new BigDecimal("1E-130");
    public static final Set<String> TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS");

    private Values() {
    }

    /** The value's single type descriptor ("S", "N", ...), validating its shape. */
    public static String type(JsonNode value) {
        if (value == null || !value.isObject() || value.size() != 1) {
            throw DynamoException.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                    + "supported datatypes");
        }
        String type = value.fieldNames().next();
        if (!TYPES.contains(type)) {
            throw DynamoException.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        return type;
    }

    /** How deep documents may nest (a map or list inside another counts one level). */
    static final int MAX_NESTING = 32;

    /** Checks a value deeply (types, numbers, sets without duplicates or emptiness); answers it normalised. */
    public static JsonNode validate(JsonNode value) {
        return validate(value, 0);
    }

    private static JsonNode validate(JsonNode value, int depth) {
        String type = type(value);
        if ((type.equals("M") || type.equals("L")) && depth >= MAX_NESTING) {
            throw DynamoException.validation("Nesting Levels have exceeded supported limits");
        }
        JsonNode inner = value.get(type);
        switch (type) {
            case "S" -> {
                if (!inner.isTextual()) {
                    throw DynamoException.validation("Invalid value for type S: a string is expected");
                }
                return value;
            }
            case "N" -> {
                return number(number(inner.asText()));
            }
            case "B" -> {
                bytes(value);
                return value;
            }
            case "BOOL" -> {
                if (!inner.isBoolean()) {
                    throw DynamoException.validation("Invalid value for type BOOL: true or false is expected");
                }
                return value;
            }
            case "NULL" -> {
                if (!inner.isBoolean() || !inner.asBoolean()) {
                    throw DynamoException.validation("One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
                return value;
            }
            case "M" -> {
                if (!inner.isObject()) {
                    throw DynamoException.validation("Invalid value for type M: an object is expected");
                }
                ObjectNode out = NODES.objectNode();
                inner.fields().forEachRemaining(e -> out.set(e.getKey(), validate(e.getValue(), depth + 1)));
                return map(out);
            }
            case "L" -> {
                if (!inner.isArray()) {
                    throw DynamoException.validation("Invalid value for type L: a list is expected");
                }
                ArrayNode out = NODES.arrayNode();
                inner.forEach(v -> out.add(validate(v, depth + 1)));
                return list(out);
            }
            default -> {
                if (!inner.isArray()) {
                    throw DynamoException.validation("Invalid value for type " + type + ": a list is expected");
                }
                if (inner.isEmpty()) {
                    throw DynamoException.validation("One or more parameter values were invalid: An string set  may not be empty");
                }
                ArrayNode out = NODES.arrayNode();
                Set<Object> seen = new HashSet<>();
                for (JsonNode element : inner) {
                    if (!element.isTextual()) {
                        throw DynamoException.validation("Invalid value for type " + type + ": strings are expected");
                    }
                    Object key = switch (type) {
                        // Numbers compare by value: 1 and 1.0 are one element, so twice is a duplicate.
                        case "NS" -> number(element.asText()).stripTrailingZeros();
                        case "BS" -> java.nio.ByteBuffer.wrap(decode(element.asText()));
                        default -> element.asText();
                    };
                    if (!seen.add(key)) {
                        throw DynamoException.validation("One or more parameter values were invalid: Input collection " + inner
                                + " contains duplicates.");
                    }
                    out.add(type.equals("NS") ? format((BigDecimal) key) : element.asText());
                }
                ObjectNode set = NODES.objectNode();
                set.set(type, out);
                return set;
            }
        }
    }

    public static BigDecimal number(String text) {
        BigDecimal value;
        try {
            // DynamoDB takes no spaces around a number (BigDecimal would refuse inner ones anyway).
            if (text.isEmpty() || Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(text.length() - 1))) {
                throw new NumberFormatException("spaces");
            }
            value = new BigDecimal(text);
        } catch (NumberFormatException | NullPointerException e) {
            throw DynamoException.validation("The parameter cannot be converted to a numeric value: " + text);
        }
        checkRange(value);
        if (value.stripTrailingZeros().precision() > 38) {
            throw DynamoException.validation("Attempting to store more than 38 significant digits in a Number");
        }
        return value;
    }

    static void checkRange(BigDecimal value) {
        BigDecimal abs = value.abs();
        if (abs.compareTo(MAX) > 0) {
            throw DynamoException.validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        if (abs.signum() != 0 && abs.compareTo(MIN) < 0) {
            throw DynamoException.validation("Number underflow. Attempting to store a number with magnitude smaller than supported range");
        }
    }

    public static String format(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.signum() == 0 ? "0" : stripped.toPlainString();
    }

    public static ObjectNode number(BigDecimal value) {
        checkRange(value);
        if (value.stripTrailingZeros().precision() > 38) {
            throw DynamoException.validation("Number overflow. Attempting to store a number with more than 38 significant digits");
        }
        return single("N", NODES.textNode(format(value)));
    }

    public static ObjectNode string(String value) {
        return single("S", NODES.textNode(value));
    }

    public static ObjectNode map(ObjectNode fields) {
        return single("M", fields);
    }

    public static ObjectNode list(ArrayNode elements) {
        return single("L", elements);
    }

    public static ObjectNode single(String type, JsonNode inner) {
        ObjectNode out = NODES.objectNode();
        out.set(type, inner);
        return out;
    }

    public static byte[] bytes(JsonNode value) {
        return decode(value.get("B").asText());
    }

    static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw DynamoException.validation("Invalid binary value: not base64");
        }
    }

    /** DynamoDB equality: same type and value; numbers by value; sets regardless of order. */
    public static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        String type = type(a);
        if (!type.equals(type(b))) {
            return false;
        }
        JsonNode x = a.get(type);
        JsonNode y = b.get(type);
        return switch (type) {
            case "N" -> number(x.asText()).compareTo(number(y.asText())) == 0;
            case "B" -> java.util.Arrays.equals(decode(x.asText()), decode(y.asText()));
            case "SS", "NS", "BS" -> setOf(a).equals(setOf(b));
            case "M" -> {
                if (x.size() != y.size()) {
                    yield false;
                }
                Iterator<Map.Entry<String, JsonNode>> fields = x.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (!equal(field.getValue(), y.get(field.getKey()))) {
                        yield false;
                    }
                }
                yield true;
            }
            case "L" -> {
                if (x.size() != y.size()) {
                    yield false;
                }
                for (int i = 0; i < x.size(); i++) {
                    if (!equal(x.get(i), y.get(i))) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> x.equals(y);
        };
    }

    /** A set's elements as comparable Java values (numbers as BigDecimal stripped, binaries as ByteBuffer). */
    public static Set<Object> setOf(JsonNode set) {
        String type = type(set);
        Set<Object> out = new java.util.LinkedHashSet<>();
        for (JsonNode element : set.get(type)) {
            out.add(switch (type) {
                case "NS" -> number(element.asText()).stripTrailingZeros();
                case "BS" -> java.nio.ByteBuffer.wrap(decode(element.asText()));
                default -> element.asText();
            });
        }
        return out;
    }

    /** Builds a set value of {@code type} from Java elements (as {@link #setOf} answers them). */
    public static ObjectNode setValue(String type, Set<Object> elements) {
        ArrayNode out = NODES.arrayNode();
        for (Object element : elements) {
            out.add(switch (type) {
                case "NS" -> format((BigDecimal) element);
                case "BS" -> {
                    java.nio.ByteBuffer buffer = ((java.nio.ByteBuffer) element).duplicate();
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    yield Base64.getEncoder().encodeToString(bytes);
                }
                default -> (String) element;
            });
        }
        return single(type, out);
    }

    /** Whether {@code <}, {@code BETWEEN} and friends apply: both S, both N or both B. */
    public static boolean comparable(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return false;
        }
        String type = type(a);
        return type.equals(type(b)) && (type.equals("S") || type.equals("N") || type.equals("B"));
    }

    /** Orders two scalar values of the same type: strings and binaries by unsigned bytes, numbers by value. */
    public static int compare(JsonNode a, JsonNode b) {
        String type = type(a);
        return switch (type) {
            case "N" -> number(a.get("N").asText()).compareTo(number(b.get("N").asText()));
            case "S" -> compareBytes(a.get("S").asText().getBytes(StandardCharsets.UTF_8), b.get("S").asText().getBytes(StandardCharsets.UTF_8));
            case "B" -> compareBytes(bytes(a), bytes(b));
            default -> throw DynamoException.validation("Values of type " + type + " cannot be ordered");
        };
    }

    static int compareBytes(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int d = (a[i] & 0xff) - (b[i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return a.length - b.length;
    }

    /** The size DynamoDB counts for an attribute value (for the 400 KB item limit). */
    public static long size(JsonNode value) {
        String type = type(value);
        JsonNode inner = value.get(type);
        return switch (type) {
            case "S" -> inner.asText().getBytes(StandardCharsets.UTF_8).length;
            case "N" -> 1 + (number(inner.asText()).stripTrailingZeros().precision() + 1) / 2;
            case "B" -> bytes(value).length;
            case "BOOL", "NULL" -> 1;
            case "SS" -> sum(inner, e -> e.asText().getBytes(StandardCharsets.UTF_8).length);
            case "NS" -> sum(inner, e -> 1 + (number(e.asText()).precision() + 1) / 2);
            case "BS" -> sum(inner, e -> decode(e.asText()).length);
            case "L" -> 3 + sum(inner, e -> 1 + size(e));
            default -> {
                long total = 3;
                Iterator<Map.Entry<String, JsonNode>> fields = inner.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    total += 1 + field.getKey().getBytes(StandardCharsets.UTF_8).length + size(field.getValue());
                }
                yield total;
            }
        };
    }

    private static long sum(JsonNode elements, java.util.function.ToLongFunction<JsonNode> each) {
        long total = 0;
        for (JsonNode element : elements) {
            total += each.applyAsLong(element);
        }
        return total;
    }

    /** The size of a whole item: each attribute's name and value. */
    public static long itemSize(ObjectNode item) {
        long total = 0;
        Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            total += field.getKey().getBytes(StandardCharsets.UTF_8).length + size(field.getValue());
        }
        return total;
    }
}
