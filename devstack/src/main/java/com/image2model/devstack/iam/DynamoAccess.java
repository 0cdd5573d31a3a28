package com.image2model.devstack.iam;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one DynamoDB request asks IAM for, as DynamoDB authorizes it: the operation's action on its
 * table (or index); a transaction's or batch's each item's action on its item's table; and the
 * {@code dynamodb:Attributes} condition key (the top-level attributes the request names).
 */
public final class DynamoAccess {

    private static final Pattern NAME = Pattern.compile("#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*\\s*\\(?");
    private static final Set<String> WORDS = Set.of("set", "remove", "add", "delete", "and", "or", "not", "between", "in");

    private DynamoAccess() {
    }

    public static List<Iam.Access> of(String operation, JsonNode request, String region, String account) {
        String prefix = "arn:aws:dynamodb:" + region + ":" + account + ":table/";
        List<Iam.Access> accesses = new ArrayList<>();
        switch (operation) {
            case "TransactWriteItems" -> request.path("TransactItems").forEach(item -> {
                for (String kind : List.of("Put", "Update", "Delete", "ConditionCheck")) {
                    JsonNode action = item.path(kind);
                    if (!action.isMissingNode()) {
                        String name = kind.equals("ConditionCheck") ? "ConditionCheckItem" : kind + "Item";
                        accesses.add(new Iam.Access("dynamodb:" + name, prefix + action.path("TableName").asText(), attributes(name, action)));
                    }
                }
            });
            case "TransactGetItems" -> request.path("TransactItems").forEach(item ->
                    accesses.add(new Iam.Access("dynamodb:GetItem", prefix + item.path("Get").path("TableName").asText(), Map.of())));
            case "BatchGetItem", "BatchWriteItem" -> request.path("RequestItems").fieldNames().forEachRemaining(table ->
                    accesses.add(new Iam.Access("dynamodb:" + operation, prefix + table, Map.of())));
            case "ListTables" -> accesses.add(new Iam.Access("dynamodb:ListTables", "*", Map.of()));
            default -> {
                String table = request.path("TableName").asText("");
                String index = request.path("IndexName").asText(null);
                accesses.add(new Iam.Access("dynamodb:" + operation, prefix + table + (index == null ? "" : "/index/" + index),
                        attributes(operation, request)));
            }
        }
        return accesses;
    }

    /** The top-level attribute names a write names: its key or item, and those of its expressions. */
    private static Map<String, List<String>> attributes(String operation, JsonNode request) {
        Set<String> names = new LinkedHashSet<>();
        request.path("Key").fieldNames().forEachRemaining(names::add);
        request.path("Item").fieldNames().forEachRemaining(names::add);
        JsonNode aliases = request.path("ExpressionAttributeNames");
        for (String field : List.of("UpdateExpression", "ConditionExpression", "ProjectionExpression")) {
            Matcher m = NAME.matcher(request.path(field).asText(""));
            while (m.find()) {
                String token = m.group();
                if (token.startsWith(":") || token.endsWith("(") || WORDS.contains(token.trim().toLowerCase())) {
                    continue;
                }
                // Only the top level counts: a.b or a[0] names a, so a name right after a dot is skipped.
                if (m.start() > 0 && request.path(field).asText("").charAt(m.start() - 1) == '.') {
                    continue;
                }
                names.add(token.startsWith("#") ? aliases.path(token).asText(token) : token.trim());
            }
        }
        if (names.isEmpty() || operation.equals("Query") || operation.equals("Scan") || operation.equals("DescribeTable")) {
            return Map.of();
        }
        return Map.of("dynamodb:Attributes", List.copyOf(names));
    }
}
