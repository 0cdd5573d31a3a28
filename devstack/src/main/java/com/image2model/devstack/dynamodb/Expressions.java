package com.image2model.devstack.dynamodb;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * DynamoDB's expression language: condition and filter expressions, key conditions, update
 * expressions and projections, with {@code #names} and {@code :values}, document paths (nested
 * maps, list indexes), reserved words, and DynamoDB's validation errors.
 */
public final class Expressions {

    private Expressions() {
    }

    // ------------------------------------------------------------------ names and values

    /** The request's ExpressionAttributeNames and Values, and which of them the expressions used. */
    public static final class Context {
        private final JsonNode names;
        private final JsonNode values;
        private final Set<String> usedNames = new HashSet<>();
        private final Set<String> usedValues = new HashSet<>();

        /** Each value validated (and numbers normalised) once, up front: an invalid one is an error even if unused. */
        private final Map<String, JsonNode> validated = new LinkedHashMap<>();

        public Context(JsonNode names, JsonNode values) {
            this.names = names == null || names.isNull() ? null : names;
            this.values = values == null || values.isNull() ? null : values;
            if (this.values != null) {
                this.values.fields().forEachRemaining(e -> validated.put(e.getKey(), Values.validate(e.getValue())));
            }
        }

        String name(String token, String expression) {
            JsonNode name = names == null ? null : names.get(token);
            if (name == null) {
                throw DynamoException.validation("Invalid " + expression + ": An expression attribute name used in the document path is "
                        + "not defined; attribute name: " + token);
            }
            usedNames.add(token);
            return name.asText();
        }

        JsonNode value(String token, String expression) {
            JsonNode value = validated.get(token);
            if (value == null) {
                throw DynamoException.validation("Invalid " + expression + ": An expression attribute value used in expression is not "
                        + "defined; attribute value: " + token);
            }
            usedValues.add(token);
            return value;
        }

        /** After every expression of the request is parsed: an unused name or value is an error, as on AWS. */
        public void checkAllUsed() {
            checkUsed(names, usedNames, "ExpressionAttributeNames");
            checkUsed(values, usedValues, "ExpressionAttributeValues");
        }

        private static void checkUsed(JsonNode given, Set<String> used, String parameter) {
            if (given == null) {
                return;
            }
            Set<String> unused = new java.util.TreeSet<>();
            given.fieldNames().forEachRemaining(n -> {
                if (!used.contains(n)) {
                    unused.add(n);
                }
            });
            if (!unused.isEmpty()) {
                throw DynamoException.validation("Value provided in " + parameter + " unused in expressions: keys: {"
                        + String.join(", ", unused) + "}");
            }
        }
    }

    // ------------------------------------------------------------------ paths

    /** A document path: attribute names and list indexes. */
    public record Path(List<Object> elements) {
        public String top() {
            return (String) elements.get(0);
        }

        boolean overlaps(Path other) {
            int n = Math.min(elements.size(), other.elements.size());
            for (int i = 0; i < n; i++) {
                if (!elements.get(i).equals(other.elements.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return elements.toString();
        }
    }

    /** The value at a path, or null. */
    public static JsonNode get(ObjectNode item, Path path) {
        JsonNode current = item.get(path.top());
        for (int i = 1; i < path.elements().size() && current != null; i++) {
            Object element = path.elements().get(i);
            if (element instanceof String name) {
                current = current.has("M") ? current.get("M").get(name) : null;
            } else {
                int index = (Integer) element;
                current = current.has("L") && index < current.get("L").size() ? current.get("L").get(index) : null;
            }
        }
        return current;
    }

    // ------------------------------------------------------------------ tokens

    private enum T { NAME, HASHNAME, VALUE, INDEX, LPAREN, RPAREN, LBRACKET, RBRACKET, DOT, COMMA, EQ, NE, LT, LE, GT, GE, PLUS, MINUS, EOF }

    private record Token(T type, String text, int at) {
    }

    private static List<Token> tokens(String text, String expression) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || c == ':') {
                int start = i++;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                if (i == start + 1) {
                    throw syntax(expression, text, start);
                }
                out.add(new Token(c == '#' ? T.HASHNAME : T.VALUE, text.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                out.add(new Token(T.NAME, text.substring(start, i), start));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                out.add(new Token(T.INDEX, text.substring(start, i), start));
            } else {
                int start = i;
                T type = switch (c) {
                    case '(' -> T.LPAREN;
                    case ')' -> T.RPAREN;
                    case '[' -> T.LBRACKET;
                    case ']' -> T.RBRACKET;
                    case '.' -> T.DOT;
                    case ',' -> T.COMMA;
                    case '=' -> T.EQ;
                    case '+' -> T.PLUS;
                    case '-' -> T.MINUS;
                    case '<' -> {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '>') {
                            i++;
                            yield T.NE;
                        } else if (i + 1 < text.length() && text.charAt(i + 1) == '=') {
                            i++;
                            yield T.LE;
                        }
                        yield T.LT;
                    }
                    case '>' -> {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '=') {
                            i++;
                            yield T.GE;
                        }
                        yield T.GT;
                    }
                    default -> throw DynamoException.validation("Invalid " + expression + ": Syntax error; token: \"" + c + "\", near: \""
                            + text.substring(Math.max(0, i - 5), Math.min(text.length(), i + 5)) + "\"");
                };
                i++;
                out.add(new Token(type, text.substring(start, i), start));
            }
        }
        out.add(new Token(T.EOF, "<EOF>", text.length()));
        return out;
    }

    private static DynamoException syntax(String expression, String text, int at) {
        String token = at >= text.length() ? "<EOF>" : text.substring(at, Math.min(text.length(), at + 1));
        return DynamoException.validation("Invalid " + expression + ": Syntax error; token: \"" + token + "\", near: \""
                + text.substring(Math.max(0, at - 5), Math.min(text.length(), at + 6)) + "\"");
    }

    // ------------------------------------------------------------------ condition AST

    /** A condition over an item (which may be absent: an empty item). */
    public interface Condition {
        boolean test(ObjectNode item);
    }

    /** An operand of a condition: a path, a value, or size(path); null when the attribute is missing. */
    interface Operand {
        JsonNode eval(ObjectNode item);
    }

    record PathOperand(Path path) implements Operand {
        public JsonNode eval(ObjectNode item) {
            return get(item, path);
        }
    }

    record ValueOperand(JsonNode value) implements Operand {
        public JsonNode eval(ObjectNode item) {
            return value;
        }
    }

    record SizeOperand(Path path) implements Operand {
        public JsonNode eval(ObjectNode item) {
            JsonNode value = get(item, path);
            if (value == null) {
                return null;
            }
            String type = Values.type(value);
            long size = switch (type) {
                case "S" -> value.get("S").asText().codePointCount(0, value.get("S").asText().length());
                case "B" -> Values.bytes(value).length;
                case "SS", "NS", "BS", "L" -> value.get(type).size();
                case "M" -> value.get("M").size();
                default -> -1;
            };
            return size < 0 ? null : Values.number(BigDecimal.valueOf(size));
        }
    }

    record Compare(T op, Operand left, Operand right) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode a = left.eval(item);
            JsonNode b = right.eval(item);
            return switch (op) {
                case EQ -> a != null && b != null && Values.equal(a, b);
                case NE -> a == null || b == null ? !(a == null && b == null) : !Values.equal(a, b);
                default -> {
                    if (!Values.comparable(a, b)) {
                        yield false;
                    }
                    int c = Values.compare(a, b);
                    yield switch (op) {
                        case LT -> c < 0;
                        case LE -> c <= 0;
                        case GT -> c > 0;
                        default -> c >= 0;
                    };
                }
            };
        }
    }

    record Between(Operand value, Operand low, Operand high) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode v = value.eval(item);
            JsonNode lo = low.eval(item);
            JsonNode hi = high.eval(item);
            return Values.comparable(v, lo) && Values.comparable(v, hi) && Values.compare(v, lo) >= 0 && Values.compare(v, hi) <= 0;
        }
    }

    record In(Operand value, List<Operand> candidates) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode v = value.eval(item);
            if (v == null) {
                return false;
            }
            for (Operand candidate : candidates) {
                JsonNode c = candidate.eval(item);
                if (c != null && Values.equal(v, c)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Function(String name, List<Operand> args) implements Condition {
        public boolean test(ObjectNode item) {
            JsonNode first = args.get(0).eval(item);
            return switch (name) {
                case "attribute_exists" -> first != null;
                case "attribute_not_exists" -> first == null;
                case "attribute_type" -> first != null && Values.type(first).equals(args.get(1).eval(item).get("S").asText());
                case "begins_with" -> {
                    JsonNode prefix = args.get(1).eval(item);
                    if (first == null || prefix == null) {
                        yield false;
                    }
                    String type = Values.type(first);
                    if (type.equals("S") && Values.type(prefix).equals("S")) {
                        yield first.get("S").asText().startsWith(prefix.get("S").asText());
                    }
                    if (type.equals("B") && Values.type(prefix).equals("B")) {
                        byte[] b = Values.bytes(first);
                        byte[] p = Values.bytes(prefix);
                        yield b.length >= p.length && java.util.Arrays.equals(java.util.Arrays.copyOf(b, p.length), p);
                    }
                    yield false;
                }
                case "contains" -> {
                    JsonNode operand = args.get(1).eval(item);
                    if (first == null || operand == null) {
                        yield false;
                    }
                    String type = Values.type(first);
                    String operandType = Values.type(operand);
                    yield switch (type) {
                        case "S" -> operandType.equals("S") && first.get("S").asText().contains(operand.get("S").asText());
                        case "SS", "NS", "BS" -> operandType.equals(type.substring(0, 1))
                                && Values.setOf(first).contains(Values.setOf(Values.single(type, Values.NODES.arrayNode()
                                .add(operand.get(operandType).asText()))).iterator().next());
                        case "L" -> {
                            for (JsonNode element : first.get("L")) {
                                if (Values.equal(element, operand)) {
                                    yield true;
                                }
                            }
                            yield false;
                        }
                        default -> false;
                    };
                }
                default -> throw new IllegalStateException(name);
            };
        }
    }

    record And(Condition left, Condition right) implements Condition {
        public boolean test(ObjectNode item) {
            return left.test(item) && right.test(item);
        }
    }

    record Or(Condition left, Condition right) implements Condition {
        public boolean test(ObjectNode item) {
            return left.test(item) || right.test(item);
        }
    }

    record Not(Condition inner) implements Condition {
        public boolean test(ObjectNode item) {
            return !inner.test(item);
        }
    }

    // ------------------------------------------------------------------ update AST

    /** A parsed update expression, applied to a copy of the item. */
    public static final class Update {
        private final List<Object[]> sets = new ArrayList<>();      // {Path, ValueExpr}
        private final List<Path> removes = new ArrayList<>();
        private final List<Object[]> adds = new ArrayList<>();      // {Path, JsonNode}
        private final List<Object[]> deletes = new ArrayList<>();   // {Path, JsonNode}

        /** Every path the update writes (for key checks and UPDATED_* answers). */
        public List<Path> paths() {
            List<Path> all = new ArrayList<>();
            sets.forEach(s -> all.add((Path) s[0]));
            all.addAll(removes);
            adds.forEach(a -> all.add((Path) a[0]));
            deletes.forEach(d -> all.add((Path) d[0]));
            return all;
        }

        /** Applies to {@code item} (changed in place); every operand is read from {@code before}, as DynamoDB does. */
        public void apply(ObjectNode before, ObjectNode item) {
            List<Object[]> resolved = new ArrayList<>();
            for (Object[] set : sets) {
                resolved.add(new Object[] {set[0], ((ValueExpr) set[1]).eval(before)});
            }
            for (Object[] set : resolved) {
                put(item, (Path) set[0], (JsonNode) set[1]);
            }
            // Removals from the same list are applied from the highest index down, each to the original position.
            List<Path> ordered = new ArrayList<>(removes);
            ordered.sort(Comparator.comparing((Path p) -> p.elements().size() - 1 >= 0 && p.elements().get(p.elements().size() - 1) instanceof Integer i
                    ? -i : 0));
            for (Path path : ordered) {
                remove(item, path);
            }
            for (Object[] add : adds) {
                Path path = (Path) add[0];
                JsonNode value = (JsonNode) add[1];
                JsonNode current = get(before, path);
                String type = Values.type(value);
                if (current == null) {
                    put(item, path, value);
                } else if (type.equals("N") && Values.type(current).equals("N")) {
                    put(item, path, Values.number(Values.number(current.get("N").asText()).add(Values.number(value.get("N").asText()), Values.PRECISION)));
                } else if (type.endsWith("S") && type.length() == 2 && Values.type(current).equals(type)) {
                    Set<Object> union = new LinkedHashSet<>(Values.setOf(current));
                    union.addAll(Values.setOf(value));
                    put(item, path, Values.setValue(type, union));
                } else {
                    throw DynamoException.validation("An operand in the update expression has an incorrect data type");
                }
            }
            for (Object[] delete : deletes) {
                Path path = (Path) delete[0];
                JsonNode value = (JsonNode) delete[1];
                JsonNode current = get(before, path);
                if (current == null) {
                    continue;
                }
                String type = Values.type(value);
                if (!Values.type(current).equals(type)) {
                    throw DynamoException.validation("An operand in the update expression has an incorrect data type");
                }
                Set<Object> rest = new LinkedHashSet<>(Values.setOf(current));
                rest.removeAll(Values.setOf(value));
                if (rest.isEmpty()) {
                    remove(item, path);
                } else {
                    put(item, path, Values.setValue(type, rest));
                }
            }
        }
    }

    interface ValueExpr {
        JsonNode eval(ObjectNode item);
    }

    private static DynamoException invalidForUpdate() {
        return DynamoException.validation("The document path provided in the update expression is invalid for update");
    }

    static void put(ObjectNode item, Path path, JsonNode value) {
        if (path.elements().size() == 1) {
            item.set(path.top(), value);
            return;
        }
        Path parentPath = new Path(path.elements().subList(0, path.elements().size() - 1));
        JsonNode parent = get(item, parentPath);
        Object last = path.elements().get(path.elements().size() - 1);
        if (parent == null) {
            throw invalidForUpdate();
        }
        if (last instanceof String name) {
            if (!parent.has("M")) {
                throw invalidForUpdate();
            }
            ((ObjectNode) parent.get("M")).set(name, value);
        } else {
            if (!parent.has("L")) {
                throw invalidForUpdate();
            }
            ArrayNode list = (ArrayNode) parent.get("L");
            int index = (Integer) last;
            if (index < list.size()) {
                list.set(index, value);
            } else {
                list.add(value);
            }
        }
    }

    static void remove(ObjectNode item, Path path) {
        if (path.elements().size() == 1) {
            item.remove(path.top());
            return;
        }
        JsonNode parent = get(item, new Path(path.elements().subList(0, path.elements().size() - 1)));
        if (parent == null) {
            throw invalidForUpdate();
        }
        Object last = path.elements().get(path.elements().size() - 1);
        if (last instanceof String name && parent.has("M")) {
            ((ObjectNode) parent.get("M")).remove(name);
        } else if (last instanceof Integer index && parent.has("L")) {
            ArrayNode list = (ArrayNode) parent.get("L");
            if (index < list.size()) {
                list.remove(index);
            }
        } else {
            throw invalidForUpdate();
        }
    }

    // ------------------------------------------------------------------ parser

    private static final Set<String> CONDITION_FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists", "attribute_type",
            "begins_with", "contains", "size");
    private static final Set<String> UPDATE_FUNCTIONS = Set.of("if_not_exists", "list_append");

    private static final class Parser {
        private final List<Token> tokens;
        private final String text;
        private final String expression;
        private final Context context;
        private int i;

        Parser(String text, String expression, Context context) {
            if (text == null || text.isBlank()) {
                throw DynamoException.validation("Invalid " + expression + ": The expression can not be empty;");
            }
            this.text = text;
            this.expression = expression;
            this.context = context;
            this.tokens = tokens(text, expression);
        }

        Token peek() {
            return tokens.get(i);
        }

        Token next() {
            return tokens.get(i++);
        }

        boolean keyword(String word) {
            Token t = peek();
            return t.type() == T.NAME && t.text().equalsIgnoreCase(word);
        }

        Token expect(T type) {
            Token t = next();
            if (t.type() != type) {
                throw syntax(expression, text, t.at());
            }
            return t;
        }

        void end() {
            if (peek().type() != T.EOF) {
                throw syntax(expression, text, peek().at());
            }
        }

        // condition := or
        Condition condition() {
            Condition left = and();
            while (keyword("OR")) {
                next();
                left = new Or(left, and());
            }
            return left;
        }

        Condition and() {
            Condition left = not();
            while (keyword("AND")) {
                next();
                left = new And(left, not());
            }
            return left;
        }

        Condition not() {
            if (keyword("NOT")) {
                next();
                return new Not(not());
            }
            return primary();
        }

        Condition primary() {
            Token t = peek();
            if (t.type() == T.LPAREN) {
                next();
                Condition inner = condition();
                expect(T.RPAREN);
                return inner;
            }
            if (t.type() == T.NAME && tokens.get(i + 1).type() == T.LPAREN && !t.text().equals("size")) {
                return function();
            }
            Operand left = operand();
            Token op = next();
            switch (op.type()) {
                case EQ, NE, LT, LE, GT, GE -> {
                    return new Compare(op.type(), left, operand());
                }
                case NAME -> {
                    if (op.text().equalsIgnoreCase("BETWEEN")) {
                        Operand low = operand();
                        if (!keyword("AND")) {
                            throw syntax(expression, text, peek().at());
                        }
                        next();
                        Operand high = operand();
                        if (low instanceof ValueOperand lo && high instanceof ValueOperand hi && Values.comparable(lo.value(), hi.value())
                                && Values.compare(lo.value(), hi.value()) > 0) {
                            throw DynamoException.validation("Invalid " + expression + ": The BETWEEN operator requires upper bound to be "
                                    + "greater than or equal to lower bound; lower bound operand: AttributeValue: " + lo.value()
                                    + ", upper bound operand: AttributeValue: " + hi.value());
                        }
                        return new Between(left, low, high);
                    }
                    if (op.text().equalsIgnoreCase("IN")) {
                        expect(T.LPAREN);
                        List<Operand> candidates = new ArrayList<>();
                        candidates.add(operand());
                        while (peek().type() == T.COMMA) {
                            next();
                            candidates.add(operand());
                        }
                        expect(T.RPAREN);
                        if (candidates.size() > 100) {
                            throw DynamoException.validation("Invalid " + expression + ": The IN operator is provided with too many operands; "
                                    + "number of operands: " + candidates.size());
                        }
                        return new In(left, candidates);
                    }
                    throw syntax(expression, text, op.at());
                }
                default -> throw syntax(expression, text, op.at());
            }
        }

        Condition function() {
            Token name = next();
            String function = name.text();
            if (UPDATE_FUNCTIONS.contains(function)) {
                throw DynamoException.validation("Invalid " + expression + ": The function is not allowed to be used this way in an "
                        + "expression; function: " + function);
            }
            if (!CONDITION_FUNCTIONS.contains(function)) {
                throw DynamoException.validation("Invalid " + expression + ": Invalid function name; function: " + function);
            }
            expect(T.LPAREN);
            List<Operand> args = new ArrayList<>();
            args.add(operand());
            while (peek().type() == T.COMMA) {
                next();
                args.add(operand());
            }
            expect(T.RPAREN);
            int arity = function.startsWith("attribute_") && !function.equals("attribute_type") ? 1 : 2;
            if (args.size() != arity) {
                throw DynamoException.validation("Invalid " + expression + ": Incorrect number of operands for operator or function; "
                        + "operator or function: " + function + ", number of operands: " + args.size());
            }
            if (!(args.get(0) instanceof PathOperand)) {
                throw DynamoException.validation("Invalid " + expression + ": Operator or function requires a document path; "
                        + "operator or function: " + function);
            }
            if (function.equals("attribute_type")) {
                if (!(args.get(1) instanceof ValueOperand v) || !Values.type(v.value()).equals("S")
                        || !Values.TYPES.contains(v.value().get("S").asText())) {
                    throw DynamoException.validation("Invalid " + expression + ": Invalid attribute type name found in type function; "
                            + "type: " + (args.get(1) instanceof ValueOperand v2 ? v2.value() : "?"));
                }
            }
            Condition condition = new Function(function, args);
            if (peek().type() == T.EQ || peek().type() == T.LT) {
                throw syntax(expression, text, peek().at());
            }
            return condition;
        }

        Operand operand() {
            Token t = peek();
            if (t.type() == T.VALUE) {
                next();
                return new ValueOperand(context.value(t.text(), expression));
            }
            if (t.type() == T.NAME && t.text().equals("size") && tokens.get(i + 1).type() == T.LPAREN) {
                next();
                next();
                Path path = path();
                expect(T.RPAREN);
                return new SizeOperand(path);
            }
            if (t.type() == T.NAME && tokens.get(i + 1).type() == T.LPAREN) {
                throw DynamoException.validation("Invalid " + expression + ": The function is not allowed to be used this way in an "
                        + "expression; function: " + t.text());
            }
            return new PathOperand(path());
        }

        Path path() {
            List<Object> elements = new ArrayList<>();
            elements.add(pathName());
            while (true) {
                if (peek().type() == T.DOT) {
                    next();
                    elements.add(pathName());
                } else if (peek().type() == T.LBRACKET) {
                    next();
                    Token index = expect(T.INDEX);
                    expect(T.RBRACKET);
                    elements.add(Integer.parseInt(index.text()));
                } else {
                    return new Path(elements);
                }
            }
        }

        String pathName() {
            Token t = next();
            if (t.type() == T.HASHNAME) {
                return context.name(t.text(), expression);
            }
            if (t.type() == T.NAME) {
                if (ReservedWords.is(t.text())) {
                    throw DynamoException.validation("Invalid " + expression + ": Attribute name is a reserved keyword; reserved keyword: "
                            + t.text());
                }
                return t.text();
            }
            throw syntax(expression, text, t.at());
        }

        // update := clause+
        Update update() {
            Update update = new Update();
            Set<String> seen = new HashSet<>();
            while (peek().type() != T.EOF) {
                Token clause = next();
                String word = clause.type() == T.NAME ? clause.text().toUpperCase(Locale.ROOT) : "";
                if (!Set.of("SET", "REMOVE", "ADD", "DELETE").contains(word)) {
                    throw syntax(expression, text, clause.at());
                }
                if (!seen.add(word)) {
                    throw DynamoException.validation("Invalid " + expression + ": The \"" + word + "\" section can only be used once in an "
                            + "update expression;");
                }
                do {
                    if (peek().type() == T.COMMA) {
                        next();
                    }
                    Path path = path();
                    switch (word) {
                        case "SET" -> {
                            expect(T.EQ);
                            update.sets.add(new Object[] {path, setValue()});
                        }
                        case "REMOVE" -> update.removes.add(path);
                        case "ADD", "DELETE" -> {
                            Token value = expect(T.VALUE);
                            JsonNode v = context.value(value.text(), expression);
                            String type = Values.type(v);
                            boolean set = type.length() == 2 && type.endsWith("S");
                            if (word.equals("ADD") ? !(set || type.equals("N")) : !set) {
                                throw DynamoException.validation("Invalid " + expression + ": Incorrect operand type for operator or function; "
                                        + "operator: " + word + ", operand type: " + typeName(type));
                            }
                            (word.equals("ADD") ? update.adds : update.deletes).add(new Object[] {path, v});
                        }
                        default -> throw new IllegalStateException();
                    }
                } while (peek().type() == T.COMMA);
            }
            List<Path> paths = update.paths();
            for (int a = 0; a < paths.size(); a++) {
                for (int b = a + 1; b < paths.size(); b++) {
                    if (paths.get(a).overlaps(paths.get(b))) {
                        throw DynamoException.validation("Invalid " + expression + ": Two document paths overlap with each other; must remove "
                                + "or rewrite one of these paths; path one: " + paths.get(a) + ", path two: " + paths.get(b));
                    }
                }
            }
            return update;
        }

        ValueExpr setValue() {
            ValueExpr left = setOperand();
            if (peek().type() == T.PLUS || peek().type() == T.MINUS) {
                boolean plus = next().type() == T.PLUS;
                ValueExpr right = setOperand();
                return item -> {
                    JsonNode a = left.eval(item);
                    JsonNode b = right.eval(item);
                    if (a == null || b == null) {
                        throw DynamoException.validation("The provided expression refers to an attribute that does not exist in the item");
                    }
                    if (!Values.type(a).equals("N") || !Values.type(b).equals("N")) {
                        throw DynamoException.validation("An operand in the update expression has an incorrect data type");
                    }
                    BigDecimal x = Values.number(a.get("N").asText());
                    BigDecimal y = Values.number(b.get("N").asText());
                    return Values.number(plus ? x.add(y, Values.PRECISION) : x.subtract(y, Values.PRECISION));
                };
            }
            return item -> {
                JsonNode value = left.eval(item);
                if (value == null) {
                    throw DynamoException.validation("The provided expression refers to an attribute that does not exist in the item");
                }
                return value;
            };
        }

        ValueExpr setOperand() {
            Token t = peek();
            if (t.type() == T.VALUE) {
                next();
                JsonNode value = context.value(t.text(), expression);
                return item -> value;
            }
            if (t.type() == T.NAME && tokens.get(i + 1).type() == T.LPAREN) {
                next();
                next();
                String function = t.text();
                if (CONDITION_FUNCTIONS.contains(function)) {
                    throw DynamoException.validation("Invalid " + expression + ": The function is not allowed in an update expression; "
                            + "function: " + function);
                }
                if (function.equals("if_not_exists")) {
                    Path path = path();
                    expect(T.COMMA);
                    ValueExpr fallback = setOperand();
                    expect(T.RPAREN);
                    return item -> {
                        JsonNode current = get(item, path);
                        return current != null ? current : fallback.eval(item);
                    };
                }
                if (function.equals("list_append")) {
                    ValueExpr first = setOperand();
                    expect(T.COMMA);
                    ValueExpr second = setOperand();
                    expect(T.RPAREN);
                    return item -> {
                        JsonNode a = first.eval(item);
                        JsonNode b = second.eval(item);
                        if (a == null || b == null) {
                            throw DynamoException.validation("The provided expression refers to an attribute that does not exist in the item");
                        }
                        if (!a.has("L") || !b.has("L")) {
                            throw DynamoException.validation("An operand in the update expression has an incorrect data type");
                        }
                        ArrayNode joined = Values.NODES.arrayNode();
                        joined.addAll((ArrayNode) a.get("L").deepCopy());
                        joined.addAll((ArrayNode) b.get("L").deepCopy());
                        return Values.list(joined);
                    };
                }
                throw DynamoException.validation("Invalid " + expression + ": Invalid function name; function: " + function);
            }
            Path path = path();
            return item -> {
                JsonNode value = get(item, path);
                return value == null ? null : value.deepCopy();
            };
        }

        List<Path> projection() {
            List<Path> paths = new ArrayList<>();
            paths.add(path());
            while (peek().type() == T.COMMA) {
                next();
                paths.add(path());
            }
            end();
            return paths;
        }
    }

    private static String typeName(String type) {
        return switch (type) {
            case "S" -> "STRING";
            case "N" -> "NUMBER";
            case "B" -> "BINARY";
            case "BOOL" -> "BOOLEAN";
            case "M" -> "MAP";
            case "L" -> "LIST";
            default -> type;
        };
    }

    // ------------------------------------------------------------------ entry points

    public static Condition condition(String text, String expression, Context context) {
        Parser parser = new Parser(text, expression, context);
        Condition condition = parser.condition();
        parser.end();
        return condition;
    }

    public static Update update(String text, Context context) {
        Parser parser = new Parser(text, "UpdateExpression", context);
        Update update = parser.update();
        parser.end();
        return update;
    }

    public static List<Path> projection(String text, Context context) {
        return new Parser(text, "ProjectionExpression", context).projection();
    }

    /** A key condition: the partition key's value, and the sort key's condition (or null). */
    public record KeyCondition(String hashName, JsonNode hashValue, String rangeName, Condition range) {
    }

    public static KeyCondition keyCondition(String text, Context context, String hashKey, String rangeKey) {
        Condition parsed = condition(text, "KeyConditionExpression", context);
        List<Condition> parts = new ArrayList<>();
        if (parsed instanceof And and && !(and.left() instanceof And) && !(and.right() instanceof And)) {
            parts.add(and.left());
            parts.add(and.right());
        } else {
            parts.add(parsed);
        }
        String hashName = null;
        JsonNode hashValue = null;
        String rangeName = null;
        Condition range = null;
        for (Condition part : parts) {
            String attribute = keyAttribute(part);
            if (attribute == null) {
                throw DynamoException.validation("Invalid operator used in KeyConditionExpression: " + describe(part));
            }
            if (attribute.equals(hashKey) && part instanceof Compare c && c.op() == T.EQ && c.right() instanceof ValueOperand v && hashValue == null) {
                hashName = attribute;
                hashValue = v.value();
            } else if (attribute.equals(rangeKey) && range == null) {
                rangeName = attribute;
                range = part;
            } else if (!attribute.equals(hashKey) && !attribute.equals(rangeKey)) {
                throw DynamoException.validation("Query condition missed key schema element: " + (hashValue == null ? hashKey : rangeKey));
            } else {
                throw DynamoException.validation("Invalid KeyConditionExpression: the partition key needs an equality condition and the "
                        + "sort key at most one condition");
            }
        }
        if (hashValue == null) {
            throw DynamoException.validation("Query condition missed key schema element: " + hashKey);
        }
        return new KeyCondition(hashName, hashValue, rangeName, range);
    }

    private static String keyAttribute(Condition part) {
        Operand subject = null;
        if (part instanceof Compare c && c.op() != T.NE && c.right() instanceof ValueOperand) {
            subject = c.left();
        } else if (part instanceof Between b && b.low() instanceof ValueOperand && b.high() instanceof ValueOperand) {
            subject = b.value();
        } else if (part instanceof Function f && f.name().equals("begins_with") && f.args().get(1) instanceof ValueOperand) {
            subject = f.args().get(0);
        }
        return subject instanceof PathOperand p && p.path().elements().size() == 1 ? p.path().top() : null;
    }

    private static String describe(Condition part) {
        return part.getClass().getSimpleName().toUpperCase(Locale.ROOT);
    }

    /** The item with only the projected paths (nested maps kept, list elements in index order). */
    public static ObjectNode project(ObjectNode item, List<Path> paths) {
        Map<String, List<List<Object>>> byTop = new LinkedHashMap<>();
        for (Path path : paths) {
            byTop.computeIfAbsent(path.top(), k -> new ArrayList<>()).add(path.elements().subList(1, path.elements().size()));
        }
        ObjectNode out = Values.NODES.objectNode();
        byTop.forEach((name, rests) -> {
            JsonNode projected = projectValue(item.get(name), rests);
            if (projected != null) {
                out.set(name, projected);
            }
        });
        return out;
    }

    private static JsonNode projectValue(JsonNode value, List<List<Object>> rests) {
        if (value == null) {
            return null;
        }
        for (List<Object> rest : rests) {
            if (rest.isEmpty()) {
                return value.deepCopy();
            }
        }
        Map<Object, List<List<Object>>> byNext = new TreeMap<>((a, b) -> a instanceof Integer x && b instanceof Integer y ? x.compareTo(y)
                : String.valueOf(a).compareTo(String.valueOf(b)));
        Map<Object, List<List<Object>>> ordered = new LinkedHashMap<>();
        for (List<Object> rest : rests) {
            (rest.get(0) instanceof Integer ? byNext : ordered).computeIfAbsent(rest.get(0), k -> new ArrayList<>()).add(rest.subList(1, rest.size()));
        }
        if (value.has("M")) {
            ObjectNode fields = Values.NODES.objectNode();
            ordered.forEach((name, more) -> {
                JsonNode projected = projectValue(value.get("M").get((String) name), more);
                if (projected != null) {
                    fields.set((String) name, projected);
                }
            });
            return fields.isEmpty() ? null : Values.map(fields);
        }
        if (value.has("L")) {
            ArrayNode elements = Values.NODES.arrayNode();
            byNext.forEach((index, more) -> {
                int at = (Integer) index;
                if (at < value.get("L").size()) {
                    JsonNode projected = projectValue(value.get("L").get(at), more);
                    if (projected != null) {
                        elements.add(projected);
                    }
                }
            });
            return elements.isEmpty() ? null : Values.list(elements);
        }
        return null;
    }

}
