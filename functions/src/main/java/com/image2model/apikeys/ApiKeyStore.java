package com.image2model.apikeys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.platform.ApiException;
import com.image2model.platform.TableKeys;
import com.image2model.tenancy.TenantContext;
import com.image2model.tenancy.TenantContext.Role;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * API keys in their company's partition: {@code APIKEY#<keyId>}. A revoked key's item stays (its
 * name, creator and last use answer "which key was that?" later); only its hash is ever compared.
 */
public final class ApiKeyStore {

    private static final String SK = "APIKEY#";
    /** Keys a company may hold at once (revoked and expired ones not counted). */
    public static final int MAX_KEYS = 20;

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public ApiKeyStore(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    /** The stored key, read consistently by default; empty for ids the company does not have. */
    public Optional<ApiKeyRecord> find(String companyId, String keyId, boolean consistent) {
        if (keyId == null || !keyId.matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(TableKeys.company(companyId), SK + keyId))
                .consistentRead(consistent)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRecord(item));
    }

    /** All of the company's keys, newest first (revoked ones too: the list says so). */
    public List<ApiKeyRecord> keys(String companyId) {
        List<ApiKeyRecord> keys = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND begins_with(SK, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":p", s(SK))))
                .items().forEach(item -> keys.add(toRecord(item)));
        keys.sort(Comparator.comparing(ApiKeyRecord::createdAt).reversed());
        return keys;
    }

    /** Stores a new key made by {@code creator}; 409 {@code too_many_api_keys} past {@link #MAX_KEYS} usable ones. */
    public ApiKeyRecord create(TenantContext creator, ApiKey key, String name, Role role) {
        Instant now = clock.instant();
        long usable = keys(creator.companyId()).stream().filter(k -> k.usableAt(now)).count();
        if (usable >= MAX_KEYS) {
            throw ApiException.conflict("too_many_api_keys", "A company may have " + MAX_KEYS
                    + " working API keys. Revoke one you no longer use first.");
        }
        ApiKeyRecord record = new ApiKeyRecord(creator.companyId(), key.keyId(), name, key.prefix(), key.secretHash(), role,
                creator.userId(), creator.email(), now, null, null, 0, null, null, null);
        db.putItem(p -> p.tableName(table).item(toItem(record)).conditionExpression("attribute_not_exists(PK)"));
        return record;
    }

    /**
     * A new key in place of {@code old}: same name and role, made by {@code creator}; the old one
     * works for {@code grace} more (zero: not at all), both written in one transaction, and only
     * while the old one is still usable and not rotated already.
     */
    public ApiKeyRecord rotate(TenantContext creator, ApiKeyRecord old, ApiKey key, Duration grace) {
        Instant now = clock.instant();
        Instant until = now.plus(grace);
        ApiKeyRecord fresh = new ApiKeyRecord(creator.companyId(), key.keyId(), old.name(), key.prefix(), key.secretHash(),
                old.role(), creator.userId(), creator.email(), now, null, null, 0, null, null, null);
        try {
            db.transactWriteItems(t -> t.transactItems(
                    w -> w.put(p -> p.tableName(table).item(toItem(fresh)).conditionExpression("attribute_not_exists(PK)")),
                    w -> w.update(u -> u.tableName(table).key(key(TableKeys.company(old.companyId()), SK + old.keyId()))
                            .updateExpression("SET expiresAt = :until, replacedBy = :new")
                            .conditionExpression("attribute_exists(PK) AND attribute_not_exists(revokedAt) AND attribute_not_exists(expiresAt)")
                            .expressionAttributeValues(Map.of(":until", s(until.toString()), ":new", s(fresh.keyId()))))));
        } catch (TransactionCanceledException e) {
            throw ApiException.conflict("api_key_not_active", "This key was revoked or rotated already; rotate its replacement instead.");
        }
        return fresh;
    }

    /** Revokes the key at once (a second revoke changes nothing). */
    public void revoke(String companyId, String keyId) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(companyId), SK + keyId))
                    .updateExpression("SET revokedAt = :now").conditionExpression("attribute_exists(PK) AND attribute_not_exists(revokedAt)")
                    .expressionAttributeValues(Map.of(":now", s(clock.instant().toString()))));
        } catch (ConditionalCheckFailedException alreadyRevoked) {
            // Revoking twice is revoking.
        }
    }

    /** Counts one request made with the key today and when it was last used (per UTC day). */
    public void used(String companyId, String keyId) {
        Instant now = clock.instant();
        String day = now.toString().substring(0, 10);
        var itemKey = key(TableKeys.company(companyId), SK + keyId);
        try {
            db.updateItem(u -> u.tableName(table).key(itemKey).updateExpression("SET lastUsedAt = :now ADD usesToday :one")
                    .conditionExpression("attribute_exists(PK) AND usesDay = :day")
                    .expressionAttributeValues(Map.of(":now", s(now.toString()), ":one", n(1), ":day", s(day))));
        } catch (ConditionalCheckFailedException newDay) {
            // The first request of the day starts its count (another request may have started it just now: then both count 1).
            db.updateItem(u -> u.tableName(table).key(itemKey).updateExpression("SET lastUsedAt = :now, usesDay = :day, usesToday = :one")
                    .conditionExpression("attribute_exists(PK)")
                    .expressionAttributeValues(Map.of(":now", s(now.toString()), ":one", n(1), ":day", s(day))));
        }
    }

    private static Map<String, AttributeValue> toItem(ApiKeyRecord record) {
        Map<String, AttributeValue> item = new HashMap<>(key(TableKeys.company(record.companyId()), SK + record.keyId()));
        item.put("companyId", s(record.companyId()));
        item.put("keyId", s(record.keyId()));
        item.put("name", s(record.name()));
        item.put("prefix", s(record.prefix()));
        item.put("secretHash", s(record.secretHash()));
        item.put("role", s(record.role().wire()));
        item.put("createdBy", s(record.createdBy()));
        item.put("createdByEmail", s(record.createdByEmail()));
        item.put("createdAt", s(record.createdAt().toString()));
        return item;
    }

    private static ApiKeyRecord toRecord(Map<String, AttributeValue> item) {
        return new ApiKeyRecord(str(item, "companyId"), str(item, "keyId"), str(item, "name"), str(item, "prefix"), str(item, "secretHash"),
                Role.parse(str(item, "role")), str(item, "createdBy"), str(item, "createdByEmail"), instant(item, "createdAt"),
                instant(item, "lastUsedAt"), str(item, "usesDay"), item.containsKey("usesToday") ? num(item, "usesToday") : 0,
                instant(item, "revokedAt"), instant(item, "expiresAt"), str(item, "replacedBy"));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = str(item, name);
        return value == null ? null : Instant.parse(value);
    }
}
