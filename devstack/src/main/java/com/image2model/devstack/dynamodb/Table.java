package com.image2model.devstack.dynamodb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One table: its key schema, its items ordered by partition key and then sort key, and its global
 * secondary indexes, kept up to date on every write (sparse: an item without an index's key
 * attributes is not in that index).
 */
final class Table {

    /** A key attribute's value, ordered as DynamoDB orders sort keys (strings and binaries by bytes, numbers by value). */
    static class Key implements Comparable<Key> {
        final JsonNode value;

        Key(JsonNode value) {
            this.value = value;
        }

        @Override
        public int compareTo(Key other) {
            return Values.compare(value, other.value);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && compareTo(k) == 0;
        }

        @Override
        public int hashCode() {
            return Values.type(value).equals("N") ? Values.format(Values.number(value.get("N").asText())).hashCode() : value.hashCode();
        }
    }

    /** An index's position of an item: its index sort key, then the table's key (unique). */
    record Position(Key range, Key tableHash, Key tableRange) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            int c = compareNullable(range, o.range);
            if (c == 0) {
                c = tableHash.compareTo(o.tableHash);
            }
            return c == 0 ? compareNullable(tableRange, o.tableRange) : c;
        }

        private static int compareNullable(Key a, Key b) {
            if (a == null || b == null) {
                return a == null ? (b == null ? 0 : -1) : 1;
            }
            return a.compareTo(b);
        }
    }

    static final class Index {
        final String name;
        final String hash;
        final String range;
        final String projection;
        final List<String> nonKey;
        final ObjectNode description;
        final TreeMap<Key, TreeMap<Position, ObjectNode>> entries = new TreeMap<>();

        Index(String name, String hash, String range, String projection, List<String> nonKey, ObjectNode description) {
            this.name = name;
            this.hash = hash;
            this.range = range;
            this.projection = projection;
            this.nonKey = nonKey;
            this.description = description;
        }
    }

    final String name;
    final String hash;
    final String range;
    final Map<String, String> attributeTypes;
    final ObjectNode createRequest;
    final String createdAt;
    final Map<String, Index> indexes = new LinkedHashMap<>();
    final TreeMap<Key, TreeMap<Key, ObjectNode>> items = new TreeMap<>();
    String ttlAttribute;
    long itemCount;

    Table(String name, String hash, String range, Map<String, String> attributeTypes, ObjectNode createRequest, String createdAt) {
        this.name = name;
        this.hash = hash;
        this.range = range;
        this.attributeTypes = attributeTypes;
        this.createRequest = createRequest;
        this.createdAt = createdAt;
    }

    /** The item's key attributes as a key object (validated: present, of the declared type, not empty). */
    ObjectNode keyOf(ObjectNode item, boolean exact) {
        ObjectNode key = Values.NODES.objectNode();
        for (String attribute : range == null ? List.of(hash) : List.of(hash, range)) {
            JsonNode value = item.get(attribute);
            if (value == null) {
                throw DynamoException.validation("One or more parameter values were invalid: Missing the key " + attribute + " in the item");
            }
            String type = Values.type(value);
            if (!type.equals(attributeTypes.get(attribute))) {
                throw DynamoException.validation("One or more parameter values were invalid: Type mismatch for key " + attribute
                        + " expected: " + attributeTypes.get(attribute) + " actual: " + type);
            }
            if ((type.equals("S") && value.get("S").asText().isEmpty()) || (type.equals("B") && Values.bytes(value).length == 0)) {
                throw DynamoException.validation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                        + "cannot contain an empty " + (type.equals("S") ? "string" : "binary") + " value. Key: " + attribute);
            }
            long bytes = type.equals("S") ? value.get("S").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    : type.equals("B") ? Values.bytes(value).length : 0;
            if (attribute.equals(hash) && bytes > 2048) {
                throw DynamoException.validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
                        + "limit of 2048 bytes");
            }
            if (!attribute.equals(hash) && bytes > 1024) {
                throw DynamoException.validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
                        + "the size limit of 1024 bytes");
            }
            key.set(attribute, type.equals("N") ? Values.number(Values.number(value.get("N").asText())) : value);
        }
        if (exact && item.size() != key.size()) {
            throw DynamoException.validation("The provided key element does not match the schema");
        }
        return key;
    }

    ObjectNode get(ObjectNode key) {
        TreeMap<Key, ObjectNode> partition = items.get(new Key(key.get(hash)));
        if (partition == null) {
            return null;
        }
        return partition.get(range == null ? NO_RANGE : new Key(key.get(range)));
    }

    private static final Key NO_RANGE = new Key(Values.string("")) {
        @Override
        public int compareTo(Key other) {
            return 0;
        }
    };

    /** Stores the item (replacing one with its key); answers the old item or null. */
    ObjectNode put(ObjectNode item) {
        Key h = new Key(item.get(hash));
        Key r = range == null ? NO_RANGE : new Key(item.get(range));
        ObjectNode old = items.computeIfAbsent(h, k -> new TreeMap<>()).put(r, item);
        if (old == null) {
            itemCount++;
        } else {
            unindex(old);
        }
        index(item);
        return old;
    }

    ObjectNode delete(ObjectNode key) {
        Key h = new Key(key.get(hash));
        TreeMap<Key, ObjectNode> partition = items.get(h);
        if (partition == null) {
            return null;
        }
        ObjectNode old = partition.remove(range == null ? NO_RANGE : new Key(key.get(range)));
        if (partition.isEmpty()) {
            items.remove(h);
        }
        if (old != null) {
            itemCount--;
            unindex(old);
        }
        return old;
    }

    private Position position(Index index, ObjectNode item) {
        return new Position(index.range == null ? null : new Key(item.get(index.range)), new Key(item.get(hash)),
                range == null ? null : new Key(item.get(range)));
    }

    private boolean inIndex(Index index, ObjectNode item) {
        return item.has(index.hash) && Values.type(item.get(index.hash)).equals(attributeTypes.get(index.hash))
                && (index.range == null || (item.has(index.range) && Values.type(item.get(index.range)).equals(attributeTypes.get(index.range))));
    }

    private void index(ObjectNode item) {
        for (Index index : indexes.values()) {
            if (inIndex(index, item)) {
                index.entries.computeIfAbsent(new Key(item.get(index.hash)), k -> new TreeMap<>()).put(position(index, item), project(index, item));
            }
        }
    }

    private void unindex(ObjectNode item) {
        for (Index index : indexes.values()) {
            if (inIndex(index, item)) {
                Key h = new Key(item.get(index.hash));
                TreeMap<Position, ObjectNode> entries = index.entries.get(h);
                if (entries != null) {
                    entries.remove(position(index, item));
                    if (entries.isEmpty()) {
                        index.entries.remove(h);
                    }
                }
            }
        }
    }

    /** What an index holds of an item: ALL, KEYS_ONLY (table and index keys) or INCLUDE (those and the named attributes). */
    ObjectNode project(Index index, ObjectNode item) {
        if (index.projection.equals("ALL")) {
            return item;
        }
        ObjectNode out = Values.NODES.objectNode();
        List<String> keep = new ArrayList<>(List.of(hash, index.hash));
        if (range != null) {
            keep.add(range);
        }
        if (index.range != null) {
            keep.add(index.range);
        }
        if (index.projection.equals("INCLUDE")) {
            keep.addAll(index.nonKey);
        }
        for (String attribute : keep) {
            if (item.has(attribute)) {
                out.set(attribute, item.get(attribute));
            }
        }
        return out;
    }

    /** The items of one partition of the table (index null) or of an index, in sort order. */
    Collection<ObjectNode> partition(Index index, JsonNode hashValue, boolean forward) {
        Key h = new Key(hashValue);
        if (index == null) {
            TreeMap<Key, ObjectNode> partition = items.get(h);
            return partition == null ? List.of() : (forward ? partition.values() : partition.descendingMap().values());
        }
        TreeMap<Position, ObjectNode> entries = index.entries.get(h);
        return entries == null ? List.of() : (forward ? entries.values() : entries.descendingMap().values());
    }

    /** Every item of the table or the index, in key order. */
    Iterator<ObjectNode> all(Index index) {
        List<ObjectNode> out = new ArrayList<>();
        if (index == null) {
            items.values().forEach(p -> out.addAll(p.values()));
        } else {
            index.entries.values().forEach(p -> out.addAll(p.values()));
        }
        return out.iterator();
    }

    /** The key an item's position is given by in LastEvaluatedKey: the table's key, and the index's key on an index. */
    ObjectNode lastKey(Index index, ObjectNode item) {
        ObjectNode key = Values.NODES.objectNode();
        key.set(hash, item.get(hash));
        if (range != null) {
            key.set(range, item.get(range));
        }
        if (index != null) {
            key.set(index.hash, item.get(index.hash));
            if (index.range != null) {
                key.set(index.range, item.get(index.range));
            }
        }
        return key;
    }

    /** Whether {@code item} lies strictly after {@code start} (an ExclusiveStartKey) in this order. */
    boolean after(Index index, ObjectNode item, ObjectNode start, boolean forward) {
        int c;
        if (index == null) {
            c = new Key(item.get(hash)).compareTo(new Key(start.get(hash)));
            if (c == 0 && range != null) {
                c = new Key(item.get(range)).compareTo(new Key(start.get(range)));
            }
        } else {
            c = new Key(item.get(index.hash)).compareTo(new Key(start.get(index.hash)));
            if (c == 0) {
                c = position(index, item).compareTo(position(index, start));
            }
        }
        return forward ? c > 0 : c < 0;
    }

    /** DescribeTable's TableDescription. */
    ObjectNode describe(String region, String account) {
        ObjectNode d = Values.NODES.objectNode();
        d.put("TableName", name);
        d.put("TableStatus", "ACTIVE");
        d.put("TableArn", "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name);
        d.put("TableId", java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
        d.set("KeySchema", createRequest.get("KeySchema"));
        d.set("AttributeDefinitions", createRequest.get("AttributeDefinitions"));
        d.put("CreationDateTime", Double.parseDouble(createdAt));
        d.put("ItemCount", itemCount);
        d.put("TableSizeBytes", 0);
        ObjectNode billing = d.putObject("BillingModeSummary");
        billing.put("BillingMode", createRequest.path("BillingMode").asText("PROVISIONED"));
        ObjectNode throughput = d.putObject("ProvisionedThroughput");
        throughput.put("ReadCapacityUnits", createRequest.at("/ProvisionedThroughput/ReadCapacityUnits").asLong(0));
        throughput.put("WriteCapacityUnits", createRequest.at("/ProvisionedThroughput/WriteCapacityUnits").asLong(0));
        throughput.put("NumberOfDecreasesToday", 0);
        if (!indexes.isEmpty()) {
            ArrayNode gsis = d.putArray("GlobalSecondaryIndexes");
            for (Index index : indexes.values()) {
                ObjectNode g = index.description.deepCopy();
                g.put("IndexStatus", "ACTIVE");
                g.put("IndexArn", d.get("TableArn").asText() + "/index/" + index.name);
                g.put("ItemCount", index.entries.values().stream().mapToLong(NavigableMap::size).sum());
                g.put("IndexSizeBytes", 0);
                gsis.add(g);
            }
        }
        return d;
    }
}
