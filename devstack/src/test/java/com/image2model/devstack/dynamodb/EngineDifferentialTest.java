package com.image2model.devstack.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Random puts, conditional updates, deletes and transactions, applied both to the engine and to a
 * plain model of their documented meaning (a map of items; a condition decides; a transaction
 * applies all of its writes or none), compared after every step. Seeded and repeatable:
 * {@code -Ddynamo.differential.seed=N -Ddynamo.differential.steps=M}.
 */
class EngineDifferentialTest {

    private static final long SEED = Long.getLong("dynamo.differential.seed", 20261201L);
    private static final int STEPS = Integer.getInteger("dynamo.differential.steps", 5000);

    private final Engine engine = new Engine(Clock.systemUTC());
    private final Map<String, Map<String, Long>> model = new TreeMap<>();
    private final Random random = new Random(SEED);

    private static ObjectNode json(String text) {
        return (ObjectNode) Conformance.json(text);
    }

    private String pk() {
        return "k" + random.nextInt(12);
    }

    private boolean call(String operation, ObjectNode request) {
        try {
            engine.handle(operation, request);
            return true;
        } catch (DynamoException e) {
            if (e.type().equals("ConditionalCheckFailedException") || e.type().equals("TransactionCanceledException")) {
                return false;
            }
            throw e;
        }
    }

    /** A condition, as text for the engine and as a decision for the model. */
    private record Cond(String expression, Map<String, Long> values, java.util.function.Predicate<Map<String, Long>> holds) {
    }

    private Cond condition() {
        long v = random.nextInt(6);
        return switch (random.nextInt(5)) {
            case 0 -> new Cond(null, Map.of(), item -> true);
            case 1 -> new Cond("attribute_not_exists(pk)", Map.of(), item -> item == null);
            case 2 -> new Cond("attribute_exists(pk)", Map.of(), item -> item != null);
            case 3 -> new Cond("a = :c", Map.of(":c", v), item -> item != null && item.containsKey("a") && item.get("a") == v);
            default -> new Cond("a >= :c OR attribute_not_exists(a)", Map.of(":c", v),
                    item -> item == null || !item.containsKey("a") || item.get("a") >= v);
        };
    }

    private static void addCondition(ObjectNode action, Cond cond, Map<String, Long> extraValues) {
        Map<String, Long> values = new HashMap<>(cond.values());
        values.putAll(extraValues);
        if (cond.expression() != null) {
            action.put("ConditionExpression", cond.expression());
        }
        if (!values.isEmpty()) {
            ObjectNode v = action.putObject("ExpressionAttributeValues");
            values.forEach((name, value) -> v.set(name, json("{'N':'" + value + "'}")));
        }
    }

    /** One write: its request body and, if its condition holds, what it does to the model's item. */
    private record Write(String kind, String pk, ObjectNode action, Cond cond, java.util.function.UnaryOperator<Map<String, Long>> effect) {
    }

    private Write write(String pk) {
        Cond cond = condition();
        ObjectNode action = Values.NODES.objectNode().put("TableName", "model");
        switch (random.nextInt(3)) {
            case 0 -> {
                long a = random.nextInt(6);
                long b = random.nextInt(100);
                action.set("Item", json("{'pk':{'S':'" + pk + "'},'a':{'N':'" + a + "'},'b':{'N':'" + b + "'}}"));
                addCondition(action, cond, Map.of());
                return new Write("Put", pk, action, cond, item -> new HashMap<>(Map.of("a", a, "b", b)));
            }
            case 1 -> {
                long d = random.nextInt(7) - 3;
                action.set("Key", json("{'pk':{'S':'" + pk + "'}}"));
                action.put("UpdateExpression", "SET a = if_not_exists(a, :zero) + :d ADD b :d");
                addCondition(action, cond, Map.of(":d", d, ":zero", 0L));
                return new Write("Update", pk, action, cond, item -> {
                    Map<String, Long> next = item == null ? new HashMap<>() : new HashMap<>(item);
                    next.put("a", next.getOrDefault("a", 0L) + d);
                    next.put("b", next.getOrDefault("b", 0L) + d);
                    return next;
                });
            }
            default -> {
                action.set("Key", json("{'pk':{'S':'" + pk + "'}}"));
                addCondition(action, cond, Map.of());
                return new Write("Delete", pk, action, cond, item -> null);
            }
        }
    }

    private void apply(Write write) {
        Map<String, Long> after = write.effect().apply(model.get(write.pk()));
        if (after == null) {
            model.remove(write.pk());
        } else {
            model.put(write.pk(), after);
        }
    }

    @Test
    void randomWritesAndTransactionsMatchTheModelAfterEveryStep() {
        engine.handle("CreateTable", json("{'TableName':'model','BillingMode':'PAY_PER_REQUEST','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'}],"
                + "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}]}"));
        int committed = 0;
        int refused = 0;
        int transactions = 0;
        for (int step = 0; step < STEPS; step++) {
            if (random.nextInt(4) == 0) {
                // A transaction of 1 to 4 writes on distinct items: all of them, or none.
                List<String> keys = new ArrayList<>(List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11"));
                java.util.Collections.shuffle(keys, random);
                List<Write> writes = new ArrayList<>();
                ArrayNode items = Values.NODES.arrayNode();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    Write w = write(keys.get(i));
                    writes.add(w);
                    items.addObject().set(w.kind(), w.action());
                }
                ObjectNode request = Values.NODES.objectNode();
                request.set("TransactItems", items);
                boolean expected = writes.stream().allMatch(w -> w.cond().holds().test(model.get(w.pk())));
                boolean actual = call("TransactWriteItems", request);
                assertThat(actual).as("step " + step + ": transaction " + request).isEqualTo(expected);
                if (expected) {
                    writes.forEach(this::apply);
                }
                transactions++;
                if (actual) {
                    committed++;
                } else {
                    refused++;
                }
            } else {
                Write w = write(pk());
                boolean expected = w.cond().holds().test(model.get(w.pk()));
                boolean actual = call(w.kind() + "Item", w.action());
                assertThat(actual).as("step " + step + ": " + w.kind() + " " + w.action()).isEqualTo(expected);
                if (expected) {
                    apply(w);
                    committed++;
                } else {
                    refused++;
                }
            }
            assertThat(state()).as("after step " + step).isEqualTo(model);
        }
        System.out.println("EngineDifferentialTest: " + STEPS + " steps (seed " + SEED + "): " + committed + " committed, " + refused
                + " refused by their conditions, " + transactions + " transactions; engine and model agreed after every step");
    }

    private Map<String, Map<String, Long>> state() {
        Map<String, Map<String, Long>> state = new TreeMap<>();
        for (JsonNode item : engine.handle("Scan", json("{'TableName':'model'}")).get("Items")) {
            Map<String, Long> attributes = new HashMap<>();
            item.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("pk")) {
                    attributes.put(e.getKey(), Long.parseLong(e.getValue().get("N").asText()));
                }
            });
            state.put(item.get("pk").get("S").asText(), attributes);
        }
        return state;
    }
}
