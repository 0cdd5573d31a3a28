package com.image2model.devstack.dynamodb;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.devstack.dynamodb.Expressions.Condition;
import com.image2model.devstack.dynamodb.Expressions.Context;
import com.image2model.devstack.dynamodb.Expressions.Path;

/**
 * The devstack's DynamoDB: the operations of the DynamoDB API (version 2012-08-10) on requests and
 * answers in their JSON wire form, as the API reference documents them. Every operation runs
 * under one lock, so conditional writes and transactions are linearizable and reads consistent.
 * Writes go to the {@link Journal} (when the devstack keeps its data) before they are answered.
 */
public final class Engine {

    static final long MAX_ITEM_BYTES = 400 * 1024;
    static final long PAGE_BYTES = 1024 * 1024;
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";

    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, Object[]> transactionTokens = new HashMap<>();   // token -> {request, answer, expiresMillis}
    private final Clock clock;
    private Journal journal = Journal.NONE;

    public Engine(Clock clock) {
        this.clock = clock;
    }

    /** Keeps every write in {@code journal}, after replaying what it holds. */
    public synchronized void attach(Journal journal) {
        journal.replay(this::applyMutation);
        this.journal = journal;
        journal.compact(snapshot());
    }

    /** One API call: {@code operation} as in X-Amz-Target (GetItem, ...), the request body; answers the response body. */
    public synchronized ObjectNode handle(String operation, ObjectNode request) {
        List<ObjectNode> mutations = new ArrayList<>();
        ObjectNode answer = switch (operation) {
            case "CreateTable" -> createTable(request, mutations);
            case "DescribeTable" -> describeTable(request);
            case "ListTables" -> listTables(request);
            case "DeleteTable" -> deleteTable(request, mutations);
            case "UpdateTable" -> updateTable(request, mutations);
            case "UpdateTimeToLive" -> updateTimeToLive(request, mutations);
            case "DescribeTimeToLive" -> describeTimeToLive(request);
            case "GetItem" -> getItem(request);
            case "PutItem" -> putItem(request, mutations);
            case "UpdateItem" -> updateItem(request, mutations);
            case "DeleteItem" -> deleteItem(request, mutations);
            case "Query" -> query(request);
            case "Scan" -> scan(request);
            case "BatchGetItem" -> batchGetItem(request);
            case "BatchWriteItem" -> batchWriteItem(request, mutations);
            case "TransactGetItems" -> transactGetItems(request);
            case "TransactWriteItems" -> transactWriteItems(request, mutations);
            default -> throw new DynamoException("UnknownOperationException", "Operation " + operation + " is not supported by the devstack");
        };
        if (!mutations.isEmpty()) {
            journal.append(mutations);
        }
        return answer;
    }

    // ------------------------------------------------------------------ tables

    private ObjectNode createTable(ObjectNode request, List<ObjectNode> mutations) {
        String name = tableName(request);
        if (tables.containsKey(name)) {
            throw new DynamoException("ResourceInUseException", "Table already exists: " + name);
        }
        Table table = buildTable(request, String.valueOf(clock.millis() / 1000.0));
        tables.put(name, table);
        ObjectNode mutation = Values.NODES.objectNode().put("op", "createTable").put("at", table.createdAt);
        mutation.set("request", request);
        mutations.add(mutation);
        return answerDescribing(table);
    }

    /** CreateTable's and UpdateTable's answer: the table's description. */
    private static ObjectNode answerDescribing(Table table) {
        ObjectNode out = Values.NODES.objectNode();
        out.set("TableDescription", table.describe(REGION, ACCOUNT));
        return out;
    }

    private static Table buildTable(ObjectNode request, String createdAt) {
        String name = tableName(request);
        Map<String, String> types = new HashMap<>();
        for (JsonNode definition : request.path("AttributeDefinitions")) {
            String type = definition.path("AttributeType").asText();
            if (!Set.of("S", "N", "B").contains(type)) {
                throw DynamoException.validation("1 validation error detected: Value '" + type + "' at 'attributeDefinitions.member.attributeType'"
                        + " failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
            }
            types.put(definition.path("AttributeName").asText(), type);
        }
        String[] key = keySchema(request.path("KeySchema"), types, "table " + name);
        Table table = new Table(name, key[0], key[1], types, request, createdAt);
        Set<String> used = new HashSet<>(java.util.Arrays.asList(key));
        for (JsonNode gsi : request.path("GlobalSecondaryIndexes")) {
            String indexName = gsi.path("IndexName").asText();
            String[] indexKey = keySchema(gsi.path("KeySchema"), types, "index " + indexName);
            used.add(indexKey[0]);
            used.add(indexKey[1]);
            String projection = gsi.at("/Projection/ProjectionType").asText("ALL");
            if (!Set.of("ALL", "KEYS_ONLY", "INCLUDE").contains(projection)) {
                throw DynamoException.validation("Unknown ProjectionType: " + projection);
            }
            List<String> nonKey = new ArrayList<>();
            gsi.at("/Projection/NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
            if (projection.equals("INCLUDE") == nonKey.isEmpty()) {
                throw DynamoException.validation("One or more parameter values were invalid: NonKeyAttributes must be given exactly when "
                        + "ProjectionType is INCLUDE");
            }
            if (table.indexes.containsKey(indexName)) {
                throw DynamoException.validation("One or more parameter values were invalid: Duplicate index name: " + indexName);
            }
            ObjectNode description = Values.NODES.objectNode().put("IndexName", indexName);
            description.set("KeySchema", gsi.get("KeySchema"));
            description.set("Projection", gsi.get("Projection"));
            table.indexes.put(indexName, new Table.Index(indexName, indexKey[0], indexKey[1], projection, nonKey, description));
        }
        used.remove(null);
        if (!used.equals(types.keySet())) {
            throw DynamoException.validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly "
                    + "match number of attributes defined in AttributeDefinitions");
        }
        return table;
    }

    private static String[] keySchema(JsonNode schema, Map<String, String> types, String what) {
        String hash = null;
        String range = null;
        for (JsonNode element : schema) {
            String attribute = element.path("AttributeName").asText();
            if (!types.containsKey(attribute)) {
                throw DynamoException.validation("One or more parameter values were invalid: Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: [" + attribute + "], AttributeDefinitions: " + types.keySet());
            }
            switch (element.path("KeyType").asText()) {
                case "HASH" -> hash = attribute;
                case "RANGE" -> range = attribute;
                default -> throw DynamoException.validation("Invalid KeyType in the key schema of " + what);
            }
        }
        if (hash == null || schema.size() > 2 || (schema.size() == 2 && range == null)) {
            throw DynamoException.validation("Invalid KeySchema of " + what + ": one HASH key and at most one RANGE key");
        }
        return new String[] {hash, range};
    }

    private ObjectNode describeTable(ObjectNode request) {
        ObjectNode out = Values.NODES.objectNode();
        out.set("Table", table(request).describe(REGION, ACCOUNT));
        return out;
    }

    private ObjectNode listTables(ObjectNode request) {
        String start = request.path("ExclusiveStartTableName").asText(null);
        int limit = request.path("Limit").asInt(100);
        ArrayNode names = Values.NODES.arrayNode();
        List<String> sorted = new ArrayList<>(tables.keySet());
        java.util.Collections.sort(sorted);
        String last = null;
        for (String name : sorted) {
            if (start != null && name.compareTo(start) <= 0) {
                continue;
            }
            if (names.size() == limit) {
                break;
            }
            names.add(name);
            last = name;
        }
        ObjectNode out = Values.NODES.objectNode();
        out.set("TableNames", names);
        if (last != null && !last.equals(sorted.get(sorted.size() - 1))) {
            out.put("LastEvaluatedTableName", last);
        }
        return out;
    }

    private ObjectNode deleteTable(ObjectNode request, List<ObjectNode> mutations) {
        Table table = table(request);
        tables.remove(table.name);
        mutations.add(Values.NODES.objectNode().put("op", "deleteTable").put("table", table.name));
        ObjectNode out = Values.NODES.objectNode();
        ObjectNode description = table.describe(REGION, ACCOUNT);
        description.put("TableStatus", "DELETING");
        out.set("TableDescription", description);
        return out;
    }

    /**
     * UpdateTable's global secondary index updates, as a CloudFormation update of the table makes them:
     * one Create (its key attributes in AttributeDefinitions) or Delete per call. A new index is filled
     * from the items already there before the call answers (DynamoDB backfills it while the index is
     * CREATING; here it is ACTIVE at once).
     */
    private ObjectNode updateTable(ObjectNode request, List<ObjectNode> mutations) {
        Table table = table(request);
        JsonNode updates = request.path("GlobalSecondaryIndexUpdates");
        if (!updates.isArray() || updates.size() != 1) {
            throw DynamoException.validation(updates.isArray() && updates.size() > 1
                    ? "One or more parameter values were invalid: Only 1 online index can be created or deleted simultaneously per table"
                    : "The devstack's UpdateTable takes GlobalSecondaryIndexUpdates with one Create or Delete");
        }
        ObjectNode changed = table.createRequest.deepCopy();
        ArrayNode indexes = changed.has("GlobalSecondaryIndexes") ? (ArrayNode) changed.get("GlobalSecondaryIndexes") : changed.putArray("GlobalSecondaryIndexes");
        JsonNode update = updates.get(0);
        if (update.has("Create")) {
            String name = update.at("/Create/IndexName").asText();
            if (table.indexes.containsKey(name)) {
                throw DynamoException.validation("One or more parameter values were invalid: Attempting to create an index which already exists");
            }
            ObjectNode created = indexes.addObject().put("IndexName", name);
            created.set("KeySchema", update.at("/Create/KeySchema"));
            created.set("Projection", update.at("/Create/Projection"));
            // Definitions of the new keys join the table's; the others must not change.
            ArrayNode definitions = (ArrayNode) changed.withArray("AttributeDefinitions");
            for (JsonNode definition : request.path("AttributeDefinitions")) {
                String attribute = definition.path("AttributeName").asText();
                String known = table.attributeTypes.get(attribute);
                if (known == null) {
                    definitions.add(definition);
                } else if (!known.equals(definition.path("AttributeType").asText())) {
                    throw DynamoException.validation("Cannot change the type of the key attribute " + attribute);
                }
            }
        } else if (update.has("Delete")) {
            String name = update.at("/Delete/IndexName").asText();
            if (!table.indexes.containsKey(name)) {
                throw new DynamoException("ResourceNotFoundException", "Requested resource not found: Index: " + name + " not found");
            }
            for (java.util.Iterator<JsonNode> it = indexes.elements(); it.hasNext(); ) {
                if (it.next().path("IndexName").asText().equals(name)) {
                    it.remove();
                }
            }
            // Definitions only that index used go with it.
            Set<String> keys = new HashSet<>();
            changed.path("KeySchema").forEach(k -> keys.add(k.path("AttributeName").asText()));
            indexes.forEach(i -> i.path("KeySchema").forEach(k -> keys.add(k.path("AttributeName").asText())));
            ((ArrayNode) changed.withArray("AttributeDefinitions")).removeIf(d -> !keys.contains(d.path("AttributeName").asText()));
        } else {
            throw DynamoException.validation("The devstack's UpdateTable takes GlobalSecondaryIndexUpdates with one Create or Delete");
        }
        if (indexes.isEmpty()) {
            changed.remove("GlobalSecondaryIndexes");
        }
        Table rebuilt = rebuild(table, changed);
        ObjectNode mutation = Values.NODES.objectNode().put("op", "updateTable").put("table", table.name);
        mutation.set("request", changed);
        mutations.add(mutation);
        return answerDescribing(rebuilt);
    }

    /** The table as {@code createRequest} declares it, holding (and indexing) every item of {@code table}. */
    private Table rebuild(Table table, ObjectNode createRequest) {
        Table rebuilt = buildTable(createRequest, table.createdAt);
        rebuilt.ttlAttribute = table.ttlAttribute;
        for (java.util.Iterator<ObjectNode> it = table.all(null); it.hasNext(); ) {
            rebuilt.put(it.next());
        }
        tables.put(table.name, rebuilt);
        return rebuilt;
    }

    private ObjectNode updateTimeToLive(ObjectNode request, List<ObjectNode> mutations) {
        Table table = table(request);
        JsonNode spec = request.path("TimeToLiveSpecification");
        boolean enabled = spec.path("Enabled").asBoolean(false);
        String attribute = spec.path("AttributeName").asText("");
        if (attribute.isEmpty()) {
            throw DynamoException.validation("TimeToLiveSpecification needs an AttributeName");
        }
        if (enabled && table.ttlAttribute != null) {
            throw DynamoException.validation("TimeToLive is already enabled");
        }
        if (!enabled && table.ttlAttribute == null) {
            throw DynamoException.validation("TimeToLive is already disabled");
        }
        table.ttlAttribute = enabled ? attribute : null;
        ObjectNode mutation = Values.NODES.objectNode().put("op", "ttl").put("table", table.name);
        mutation.put("attribute", table.ttlAttribute);
        mutations.add(mutation);
        ObjectNode out = Values.NODES.objectNode();
        out.set("TimeToLiveSpecification", spec);
        return out;
    }

    private ObjectNode describeTimeToLive(ObjectNode request) {
        Table table = table(request);
        ObjectNode out = Values.NODES.objectNode();
        ObjectNode description = out.putObject("TimeToLiveDescription");
        description.put("TimeToLiveStatus", table.ttlAttribute == null ? "DISABLED" : "ENABLED");
        if (table.ttlAttribute != null) {
            description.put("AttributeName", table.ttlAttribute);
        }
        return out;
    }

    /** Removes the items whose TTL attribute is a time in the past (DynamoDB does it within days; here at each sweep). */
    public synchronized int expire() {
        long now = clock.instant().getEpochSecond();
        List<ObjectNode> mutations = new ArrayList<>();
        int removed = 0;
        for (Table table : tables.values()) {
            if (table.ttlAttribute == null) {
                continue;
            }
            List<ObjectNode> expired = new ArrayList<>();
            for (Iterator<ObjectNode> it = table.all(null); it.hasNext(); ) {
                ObjectNode item = it.next();
                JsonNode ttl = item.get(table.ttlAttribute);
                if (ttl != null && ttl.has("N")) {
                    long at;
                    try {
                        at = Values.number(ttl.get("N").asText()).longValue();
                    } catch (DynamoException e) {
                        continue;
                    }
                    // Like DynamoDB: values more than five years in the past are not taken for expiry times.
                    if (at <= now && at > now - 5L * 365 * 86400) {
                        expired.add(table.keyOf(item, false));
                    }
                }
            }
            for (ObjectNode key : expired) {
                table.delete(key);
                mutations.add(deleteMutation(table, key));
                removed++;
            }
        }
        if (!mutations.isEmpty()) {
            journal.append(mutations);
        }
        return removed;
    }

    // ------------------------------------------------------------------ single items

    private ObjectNode getItem(ObjectNode request) {
        Table table = table(request);
        ObjectNode key = table.keyOf(validateItem(request.path("Key")), true);
        Context context = new Context(request.get("ExpressionAttributeNames"), null);
        List<Path> projection = projection(request, context);
        context.checkAllUsed();
        ObjectNode item = table.get(key);
        ObjectNode out = Values.NODES.objectNode();
        if (item != null) {
            out.set("Item", projection == null ? item.deepCopy() : Expressions.project(item, projection));
        }
        return out;
    }

    private ObjectNode putItem(ObjectNode request, List<ObjectNode> mutations) {
        Table table = table(request);
        ObjectNode item = validateItem(request.path("Item"));
        ObjectNode key = table.keyOf(item, false);
        normaliseKey(item, key);
        checkSize(item);
        return replace(table, key, item, request, mutations);
    }

    /** PutItem and DeleteItem ({@code item} null): the condition on the current item, the write, ALL_OLD when asked. */
    private ObjectNode replace(Table table, ObjectNode key, ObjectNode item, ObjectNode request, List<ObjectNode> mutations) {
        String returnValues = returnValues(request, Set.of("NONE", "ALL_OLD"));
        Context context = new Context(request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues"));
        Condition condition = condition(request, context);
        context.checkAllUsed();
        ObjectNode old = table.get(key);
        check(condition, old, request);
        if (item != null) {
            table.put(item);
            mutations.add(putMutation(table, item));
        } else if (old != null) {
            table.delete(key);
            mutations.add(deleteMutation(table, key));
        }
        ObjectNode out = Values.NODES.objectNode();
        if (returnValues.equals("ALL_OLD") && old != null) {
            out.set("Attributes", old.deepCopy());
        }
        return out;
    }

    private ObjectNode deleteItem(ObjectNode request, List<ObjectNode> mutations) {
        Table table = table(request);
        ObjectNode key = table.keyOf(validateItem(request.path("Key")), true);
        return replace(table, key, null, request, mutations);
    }

    private ObjectNode updateItem(ObjectNode request, List<ObjectNode> mutations) {
        Table table = table(request);
        ObjectNode key = table.keyOf(validateItem(request.path("Key")), true);
        String returnValues = returnValues(request, Set.of("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"));
        if (request.has("AttributeUpdates") || request.has("Expected")) {
            throw DynamoException.validation("The devstack supports expressions only (UpdateExpression, ConditionExpression), not the "
                    + "legacy AttributeUpdates and Expected parameters");
        }
        Context context = new Context(request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues"));
        Expressions.Update update = request.hasNonNull("UpdateExpression") ? Expressions.update(request.get("UpdateExpression").asText(), context)
                : null;
        Condition condition = condition(request, context);
        context.checkAllUsed();
        if (update != null) {
            for (Path path : update.paths()) {
                if (path.top().equals(table.hash) || path.top().equals(table.range)) {
                    throw DynamoException.validation("One or more parameter values were invalid: Cannot update attribute " + path.top()
                            + ". This attribute is part of the key");
                }
            }
        }
        ObjectNode old = table.get(key);
        check(condition, old, request);
        ObjectNode before = old == null ? key.deepCopy() : old;
        ObjectNode after = before.deepCopy();
        if (update != null) {
            update.apply(before, after);
        }
        checkSize(after);
        table.put(after);
        mutations.add(putMutation(table, after));
        ObjectNode out = Values.NODES.objectNode();
        ObjectNode attributes = switch (returnValues) {
            case "ALL_OLD" -> old == null ? null : old.deepCopy();
            case "ALL_NEW" -> after.deepCopy();
            case "UPDATED_OLD" -> old == null || update == null ? null : Expressions.project(old, update.paths());
            case "UPDATED_NEW" -> update == null ? null : Expressions.project(after, update.paths());
            default -> null;
        };
        if (attributes != null && !attributes.isEmpty()) {
            out.set("Attributes", attributes);
        }
        return out;
    }

    // ------------------------------------------------------------------ reads of many items

    private ObjectNode query(ObjectNode request) {
        Table table = table(request);
        Table.Index index = index(table, request);
        if (index != null && request.path("ConsistentRead").asBoolean(false)) {
            throw DynamoException.validation("Consistent reads are not supported on global secondary indexes");
        }
        if (request.has("KeyConditions") || request.has("QueryFilter")) {
            throw DynamoException.validation("The devstack supports expressions only (KeyConditionExpression, FilterExpression)");
        }
        if (!request.hasNonNull("KeyConditionExpression")) {
            throw DynamoException.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        }
        Context context = new Context(request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues"));
        String hash = index == null ? table.hash : index.hash;
        String range = index == null ? table.range : index.range;
        Expressions.KeyCondition key = Expressions.keyCondition(request.get("KeyConditionExpression").asText(), context, hash, range);
        if (!Values.type(key.hashValue()).equals(table.attributeTypes.get(hash))) {
            throw DynamoException.validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
        }
        Condition filter = request.hasNonNull("FilterExpression")
                ? Expressions.condition(request.get("FilterExpression").asText(), "FilterExpression", context) : null;
        List<Path> projection = projection(request, context);
        context.checkAllUsed();
        boolean forward = request.path("ScanIndexForward").asBoolean(true);
        List<ObjectNode> candidates = new ArrayList<>();
        for (ObjectNode item : table.partition(index, key.hashValue(), forward)) {
            if (key.range() == null || key.range().test(item)) {
                candidates.add(item);
            }
        }
        return page(table, index, request, candidates.iterator(), filter, projection, forward);
    }

    private ObjectNode scan(ObjectNode request) {
        Table table = table(request);
        Table.Index index = index(table, request);
        if (request.has("ScanFilter")) {
            throw DynamoException.validation("The devstack supports expressions only (FilterExpression)");
        }
        Context context = new Context(request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues"));
        Condition filter = request.hasNonNull("FilterExpression")
                ? Expressions.condition(request.get("FilterExpression").asText(), "FilterExpression", context) : null;
        List<Path> projection = projection(request, context);
        context.checkAllUsed();
        int total = request.path("TotalSegments").asInt(1);
        int segment = request.path("Segment").asInt(0);
        if (request.has("TotalSegments") != request.has("Segment")) {
            throw DynamoException.validation("The TotalSegments parameter is required but was not present in the request when Segment "
                    + "parameter is present");
        }
        if (total < 1 || total > 1000000 || segment < 0 || segment >= total) {
            throw DynamoException.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                    + segment + " is not less than TotalSegments: " + total);
        }
        List<ObjectNode> candidates = new ArrayList<>();
        String partitionKey = index == null ? table.hash : index.hash;
        for (Iterator<ObjectNode> it = table.all(index); it.hasNext(); ) {
            ObjectNode item = it.next();
            if (total == 1 || Math.floorMod(new Table.Key(item.get(partitionKey)).hashCode(), total) == segment) {
                candidates.add(item);
            }
        }
        return page(table, index, request, candidates.iterator(), filter, projection, true);
    }

    /** Limit counts items read (before the filter), as does the 1 MB page; COUNT answers counts only. */
    private ObjectNode page(Table table, Table.Index index, ObjectNode request, Iterator<ObjectNode> candidates, Condition filter,
                            List<Path> projection, boolean forward) {
        int limit = request.has("Limit") ? request.get("Limit").asInt() : Integer.MAX_VALUE;
        if (request.has("Limit") && limit < 1) {
            throw DynamoException.validation("1 validation error detected: Value '" + request.get("Limit") + "' at 'limit' failed to "
                    + "satisfy constraint: Member must have value greater than or equal to 1");
        }
        String select = request.path("Select").asText(projection == null ? "ALL_ATTRIBUTES" : "SPECIFIC_ATTRIBUTES");
        if (!Set.of("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT").contains(select)) {
            throw DynamoException.validation("Unknown Select: " + select);
        }
        if (select.equals("SPECIFIC_ATTRIBUTES") && projection == null) {
            throw DynamoException.validation("Select SPECIFIC_ATTRIBUTES needs a ProjectionExpression");
        }
        if (!select.equals("SPECIFIC_ATTRIBUTES") && projection != null && request.has("Select")) {
            throw DynamoException.validation("Cannot specify the ProjectionExpression when choosing to get " + select);
        }
        JsonNode start = request.get("ExclusiveStartKey");
        ArrayNode items = Values.NODES.arrayNode();
        int scanned = 0;
        int count = 0;
        long bytes = 0;
        ObjectNode last = null;
        boolean more = false;
        while (candidates.hasNext()) {
            ObjectNode item = candidates.next();
            if (start != null && !table.after(index, item, (ObjectNode) start, forward)) {
                continue;
            }
            if (scanned == limit || bytes >= PAGE_BYTES) {
                more = true;
                break;
            }
            scanned++;
            bytes += Values.itemSize(item);
            last = item;
            if (filter == null || filter.test(item)) {
                count++;
                if (!select.equals("COUNT")) {
                    items.add(projection == null ? item.deepCopy() : Expressions.project(item, projection));
                }
            }
        }
        ObjectNode out = Values.NODES.objectNode();
        if (!select.equals("COUNT")) {
            out.set("Items", items);
        }
        out.put("Count", count);
        out.put("ScannedCount", scanned);
        if (more && last != null) {
            out.set("LastEvaluatedKey", table.lastKey(index, last));
        } else if (!more && scanned == limit && last != null && candidates.hasNext()) {
            out.set("LastEvaluatedKey", table.lastKey(index, last));
        }
        return out;
    }

    private ObjectNode batchGetItem(ObjectNode request) {
        JsonNode requestItems = request.path("RequestItems");
        int keys = 0;
        ObjectNode responses = Values.NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = requestItems.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Table table = table(entry.getKey());
            JsonNode spec = entry.getValue();
            Context context = new Context(spec.get("ExpressionAttributeNames"), null);
            List<Path> projection = spec.hasNonNull("ProjectionExpression") ? Expressions.projection(spec.get("ProjectionExpression").asText(),
                    context) : null;
            context.checkAllUsed();
            ArrayNode found = responses.putArray(table.name);
            Set<String> seen = new HashSet<>();
            for (JsonNode rawKey : spec.path("Keys")) {
                keys++;
                ObjectNode key = table.keyOf(validateItem(rawKey), true);
                if (!seen.add(key.toString())) {
                    throw DynamoException.validation("Provided list of item keys contains duplicates");
                }
                ObjectNode item = table.get(key);
                if (item != null) {
                    found.add(projection == null ? item.deepCopy() : Expressions.project(item, projection));
                }
            }
        }
        if (keys == 0 || keys > 100) {
            throw DynamoException.validation("Too many items requested for the BatchGetItem call (1 to 100 keys)");
        }
        ObjectNode out = Values.NODES.objectNode();
        out.set("Responses", responses);
        out.putObject("UnprocessedKeys");
        return out;
    }

    private ObjectNode batchWriteItem(ObjectNode request, List<ObjectNode> mutations) {
        List<Object[]> writes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = request.path("RequestItems").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Table table = table(entry.getKey());
            for (JsonNode write : entry.getValue()) {
                ObjectNode item;
                boolean put = write.has("PutRequest");
                if (put) {
                    item = validateItem(write.at("/PutRequest/Item"));
                    normaliseKey(item, table.keyOf(item, false));
                    checkSize(item);
                } else if (write.has("DeleteRequest")) {
                    item = table.keyOf(validateItem(write.at("/DeleteRequest/Key")), true);
                } else {
                    throw DynamoException.validation("A write request needs a PutRequest or a DeleteRequest");
                }
                if (!seen.add(table.name + "|" + table.keyOf(item, false))) {
                    throw DynamoException.validation("Provided list of item keys contains duplicates");
                }
                writes.add(new Object[] {table, put, item});
            }
        }
        if (writes.isEmpty() || writes.size() > 25) {
            throw DynamoException.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value "
                    + "must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
        }
        for (Object[] write : writes) {
            Table table = (Table) write[0];
            ObjectNode item = (ObjectNode) write[2];
            if ((Boolean) write[1]) {
                table.put(item);
                mutations.add(putMutation(table, item));
            } else if (table.delete(item) != null) {
                mutations.add(deleteMutation(table, item));
            }
        }
        ObjectNode out = Values.NODES.objectNode();
        out.putObject("UnprocessedItems");
        return out;
    }

    // ------------------------------------------------------------------ transactions

    private ObjectNode transactGetItems(ObjectNode request) {
        JsonNode items = request.path("TransactItems");
        if (items.isEmpty() || items.size() > 100) {
            throw DynamoException.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must "
                    + "have length less than or equal to 100");
        }
        ArrayNode responses = Values.NODES.arrayNode();
        Set<String> seen = new HashSet<>();
        for (JsonNode element : items) {
            JsonNode get = element.path("Get");
            Table table = table(get.path("TableName").asText(null));
            ObjectNode key = table.keyOf(validateItem(get.path("Key")), true);
            if (!seen.add(table.name + "|" + key)) {
                throw DynamoException.validation("Transaction request cannot include multiple operations on one item");
            }
            Context context = new Context(get.get("ExpressionAttributeNames"), null);
            List<Path> projection = get.hasNonNull("ProjectionExpression") ? Expressions.projection(get.get("ProjectionExpression").asText(),
                    context) : null;
            context.checkAllUsed();
            ObjectNode item = table.get(key);
            ObjectNode response = responses.addObject();
            if (item != null) {
                response.set("Item", projection == null ? item.deepCopy() : Expressions.project(item, projection));
            }
        }
        ObjectNode out = Values.NODES.objectNode();
        out.set("Responses", responses);
        return out;
    }

    /** A write of a transaction, checked before anything is applied. */
    private record Planned(Table table, ObjectNode key, Condition condition, String kind, ObjectNode newItem, Expressions.Update update,
                           boolean returnOld) {
    }

    /** Partition keys whose next transactions answer TransactionConflict, and how many (a fault the tests inject). */
    private final Map<String, Integer> conflictsToAnswer = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The next {@code count} TransactWriteItems touching an item of partition {@code pk} are cancelled
     * with reason TransactionConflict at that item, as DynamoDB answers when another transaction holds
     * it at that moment; nothing is written.
     */
    public void conflictNextTransactions(String pk, int count) {
        conflictsToAnswer.put(pk, count);
    }

    /** Conflicts injected and not answered yet, for partition {@code pk}. */
    public int conflictsLeft(String pk) {
        return conflictsToAnswer.getOrDefault(pk, 0);
    }

    private void maybeConflict(JsonNode items) {
        if (conflictsToAnswer.isEmpty()) {
            return;
        }
        ArrayNode reasons = Values.NODES.arrayNode();
        boolean conflict = false;
        for (JsonNode item : items) {
            JsonNode action = item.elements().hasNext() ? item.elements().next() : Values.NODES.objectNode();
            JsonNode key = action.has("Key") ? action.get("Key") : action.path("Item");
            String pk = key.path("PK").path("S").asText("");
            Integer left = conflictsToAnswer.get(pk);
            if (!conflict && left != null && left > 0) {
                conflict = true;
                conflictsToAnswer.put(pk, left - 1);
                reasons.addObject().put("Code", "TransactionConflict").put("Message", "Transaction is ongoing for the item");
            } else {
                reasons.addObject().put("Code", "None");
            }
        }
        if (conflict) {
            ObjectNode extra = Values.NODES.objectNode();
            extra.set("CancellationReasons", reasons);
            throw new DynamoException("TransactionCanceledException", 400,
                    "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]", extra);
        }
    }

    private ObjectNode transactWriteItems(ObjectNode request, List<ObjectNode> mutations) {
        JsonNode items = request.path("TransactItems");
        maybeConflict(items);
        if (items.isEmpty() || items.size() > 100) {
            throw DynamoException.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must "
                    + "have length less than or equal to 100");
        }
        String token = request.path("ClientRequestToken").asText(null);
        long now = clock.millis();
        transactionTokens.values().removeIf(t -> (Long) t[2] < now);
        if (token != null && transactionTokens.containsKey(token)) {
            Object[] earlier = transactionTokens.get(token);
            if (!earlier[0].equals(request)) {
                throw new DynamoException("IdempotentParameterMismatchException", "The request uses the same client token as a previous, "
                        + "but non-identical request.");
            }
            return ((ObjectNode) earlier[1]).deepCopy();
        }
        List<Planned> plan = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode element : items) {
            String kind = element.fieldNames().hasNext() ? element.fieldNames().next() : "";
            if (element.size() != 1 || !Set.of("Put", "Update", "Delete", "ConditionCheck").contains(kind)) {
                throw DynamoException.validation("TransactItems can only contain one of Check, Put, Update or Delete");
            }
            JsonNode action = element.get(kind);
            Table table = table(action.path("TableName").asText(null));
            Context context = new Context(action.get("ExpressionAttributeNames"), action.get("ExpressionAttributeValues"));
            ObjectNode key;
            ObjectNode newItem = null;
            Expressions.Update update = null;
            if (kind.equals("Put")) {
                newItem = validateItem(action.path("Item"));
                key = table.keyOf(newItem, false);
                normaliseKey(newItem, key);
                checkSize(newItem);
            } else {
                key = table.keyOf(validateItem(action.path("Key")), true);
            }
            if (kind.equals("Update")) {
                if (!action.hasNonNull("UpdateExpression")) {
                    throw DynamoException.validation("An Update in TransactItems needs an UpdateExpression");
                }
                update = Expressions.update(action.get("UpdateExpression").asText(), context);
                for (Path path : update.paths()) {
                    if (path.top().equals(table.hash) || path.top().equals(table.range)) {
                        throw DynamoException.validation("One or more parameter values were invalid: Cannot update attribute " + path.top()
                                + ". This attribute is part of the key");
                    }
                }
            }
            if (kind.equals("ConditionCheck") && !action.hasNonNull("ConditionExpression")) {
                throw DynamoException.validation("A ConditionCheck needs a ConditionExpression");
            }
            Condition condition = condition((ObjectNode) action, context);
            context.checkAllUsed();
            if (!seen.add(table.name + "|" + key)) {
                throw DynamoException.validation("Transaction request cannot include multiple operations on one item");
            }
            String onFailure = action.path("ReturnValuesOnConditionCheckFailure").asText("NONE");
            plan.add(new Planned(table, key, condition, kind, newItem, update, onFailure.equals("ALL_OLD")));
        }
        // All conditions first, against the items as they are: all or nothing.
        ArrayNode reasons = Values.NODES.arrayNode();
        boolean cancelled = false;
        Map<Planned, ObjectNode> results = new java.util.IdentityHashMap<>();
        for (Planned p : plan) {
            ObjectNode current = p.table().get(p.key());
            ObjectNode reason = reasons.addObject();
            if (p.condition() != null && !p.condition().test(current == null ? Values.NODES.objectNode() : current)) {
                cancelled = true;
                reason.put("Code", "ConditionalCheckFailed");
                reason.put("Message", "The conditional request failed");
                if (p.returnOld() && current != null) {
                    reason.set("Item", current.deepCopy());
                }
                continue;
            }
            reason.put("Code", "None");
            if (p.kind().equals("Update")) {
                ObjectNode before = current == null ? p.key().deepCopy() : current;
                ObjectNode after = before.deepCopy();
                try {
                    p.update().apply(before, after);
                    checkSize(after);
                } catch (DynamoException e) {
                    cancelled = true;
                    reason.put("Code", "ValidationError");
                    reason.put("Message", e.getMessage());
                    continue;
                }
                results.put(p, after);
            }
        }
        if (cancelled) {
            StringBuilder codes = new StringBuilder();
            for (JsonNode reason : reasons) {
                codes.append(codes.length() == 0 ? "" : ", ").append(reason.get("Code").asText());
            }
            ObjectNode extra = Values.NODES.objectNode();
            extra.set("CancellationReasons", reasons);
            throw new DynamoException("TransactionCanceledException", 400,
                    "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]", extra);
        }
        for (Planned p : plan) {
            switch (p.kind()) {
                case "Put" -> {
                    p.table().put(p.newItem());
                    mutations.add(putMutation(p.table(), p.newItem()));
                }
                case "Update" -> {
                    p.table().put(results.get(p));
                    mutations.add(putMutation(p.table(), results.get(p)));
                }
                case "Delete" -> {
                    if (p.table().delete(p.key()) != null) {
                        mutations.add(deleteMutation(p.table(), p.key()));
                    }
                }
                default -> {
                    // A ConditionCheck writes nothing.
                }
            }
        }
        ObjectNode out = Values.NODES.objectNode();
        if (token != null) {
            transactionTokens.put(token, new Object[] {request.deepCopy(), out.deepCopy(), now + 10 * 60 * 1000L});
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static String tableName(JsonNode request) {
        String name = request.path("TableName").asText(null);
        if (name == null || name.length() < 3 || name.length() > 255 || !name.matches("[a-zA-Z0-9_.-]+")) {
            throw DynamoException.validation("1 validation error detected: Value '" + name + "' at 'tableName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ (3 to 255 characters)");
        }
        return name;
    }

    private Table table(JsonNode request) {
        return table(tableName(request));
    }

    private Table table(String name) {
        Table table = name == null ? null : tables.get(name);
        if (table == null) {
            throw DynamoException.notFound("Requested resource not found: Table: " + name + " not found");
        }
        return table;
    }

    private static Table.Index index(Table table, JsonNode request) {
        String name = request.path("IndexName").asText(null);
        if (name == null) {
            return null;
        }
        Table.Index index = table.indexes.get(name);
        if (index == null) {
            throw DynamoException.validation("The table does not have the specified index: " + name);
        }
        return index;
    }

    private static ObjectNode validateItem(JsonNode raw) {
        if (raw == null || !raw.isObject() || raw.isEmpty()) {
            throw DynamoException.validation("One or more parameter values were invalid: the item or key is missing or empty");
        }
        ObjectNode item = Values.NODES.objectNode();
        raw.fields().forEachRemaining(e -> {
            if (e.getKey().isEmpty()) {
                throw DynamoException.validation("One or more parameter values were invalid: An AttributeValue may not contain an empty name");
            }
            item.set(e.getKey(), Values.validate(e.getValue()));
        });
        return item;
    }

    private static void normaliseKey(ObjectNode item, ObjectNode key) {
        key.fields().forEachRemaining(e -> item.set(e.getKey(), e.getValue()));
    }

    private static void checkSize(ObjectNode item) {
        if (Values.itemSize(item) > MAX_ITEM_BYTES) {
            throw DynamoException.validation("Item size has exceeded the maximum allowed size");
        }
    }

    private static String returnValues(JsonNode request, Set<String> allowed) {
        String value = request.path("ReturnValues").asText("NONE");
        if (!allowed.contains(value)) {
            throw DynamoException.validation("Return values set to invalid value: " + value);
        }
        return value;
    }

    private static Condition condition(ObjectNode request, Context context) {
        if (request.has("Expected")) {
            throw DynamoException.validation("The devstack supports ConditionExpression only, not the legacy Expected parameter");
        }
        return request.hasNonNull("ConditionExpression")
                ? Expressions.condition(request.get("ConditionExpression").asText(), "ConditionExpression", context) : null;
    }

    private static List<Path> projection(JsonNode request, Context context) {
        if (request.has("AttributesToGet")) {
            throw DynamoException.validation("The devstack supports ProjectionExpression only, not the legacy AttributesToGet parameter");
        }
        return request.hasNonNull("ProjectionExpression") ? Expressions.projection(request.get("ProjectionExpression").asText(), context) : null;
    }

    /** A failed condition: ConditionalCheckFailedException, with the item when ReturnValuesOnConditionCheckFailure is ALL_OLD. */
    private static void check(Condition condition, ObjectNode current, JsonNode request) {
        if (condition == null || condition.test(current == null ? Values.NODES.objectNode() : current)) {
            return;
        }
        ObjectNode extra = null;
        if ("ALL_OLD".equals(request.path("ReturnValuesOnConditionCheckFailure").asText("NONE")) && current != null) {
            extra = Values.NODES.objectNode();
            extra.set("Item", current.deepCopy());
        }
        throw new DynamoException("ConditionalCheckFailedException", 400, "The conditional request failed", extra);
    }

    // ------------------------------------------------------------------ durability

    private static ObjectNode putMutation(Table table, ObjectNode item) {
        ObjectNode m = Values.NODES.objectNode().put("op", "put").put("table", table.name);
        m.set("item", item);
        return m;
    }

    private static ObjectNode deleteMutation(Table table, ObjectNode key) {
        ObjectNode m = Values.NODES.objectNode().put("op", "delete").put("table", table.name);
        m.set("key", key);
        return m;
    }

    private void applyMutation(JsonNode m) {
        switch (m.path("op").asText()) {
            case "createTable" -> {
                Table table = buildTable((ObjectNode) m.get("request"), m.path("at").asText(String.valueOf(clock.millis() / 1000.0)));
                tables.put(table.name, table);
            }
            case "deleteTable" -> tables.remove(m.path("table").asText());
            case "updateTable" -> rebuild(tables.get(m.path("table").asText()), (ObjectNode) m.get("request"));
            case "ttl" -> tables.get(m.path("table").asText()).ttlAttribute = m.hasNonNull("attribute") ? m.get("attribute").asText() : null;
            case "put" -> tables.get(m.path("table").asText()).put((ObjectNode) m.get("item"));
            case "delete" -> tables.get(m.path("table").asText()).delete((ObjectNode) m.get("key"));
            default -> throw new IllegalStateException("Unknown journal entry " + m);
        }
    }

    /** Everything as mutations that rebuild it: the journal's compacted form. */
    private List<ObjectNode> snapshot() {
        List<ObjectNode> out = new ArrayList<>();
        for (Table table : tables.values()) {
            ObjectNode create = Values.NODES.objectNode().put("op", "createTable").put("at", table.createdAt);
            create.set("request", table.createRequest);
            out.add(create);
            if (table.ttlAttribute != null) {
                out.add(Values.NODES.objectNode().put("op", "ttl").put("table", table.name).put("attribute", table.ttlAttribute));
            }
            for (Iterator<ObjectNode> it = table.all(null); it.hasNext(); ) {
                out.add(putMutation(table, it.next()));
            }
        }
        return out;
    }
}
