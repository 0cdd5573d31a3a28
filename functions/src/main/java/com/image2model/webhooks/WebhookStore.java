package com.image2model.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static com.image2model.platform.DynamoItems.key;
import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * Endpoints and deliveries in their company's partition: {@code WEBHOOK#<endpoint>}, {@code
 * WHDLV#<endpoint>#<delivery>} (delivery ids sort by time) and {@code WHEVT#<endpoint>#<event>},
 * the marker that makes one event one delivery per endpoint. Deliveries and markers expire after
 * {@link #KEPT}.
 */
public final class WebhookStore {

    static final String ENDPOINT = "WEBHOOK#";
    static final String DELIVERY = "WHDLV#";
    static final String MARKER = "WHEVT#";
    public static final Duration KEPT = Duration.ofDays(30);
    /** Endpoints a company may have. */
    public static final int MAX_ENDPOINTS = 10;
    public static final String ID_PATTERN = "[0-9a-f]{32}";
    public static final String DELIVERY_ID_PATTERN = "[0-9]{13}[0-9a-f]{8}";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public WebhookStore(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ endpoints

    public List<WebhookEndpoint> endpoints(String companyId) {
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND begins_with(SK, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":p", s(ENDPOINT))))
                .items().forEach(item -> endpoints.add(toEndpoint(item)));
        endpoints.sort(Comparator.comparing(WebhookEndpoint::createdAt));
        return endpoints;
    }

    public Optional<WebhookEndpoint> endpoint(String companyId, String endpointId) {
        if (endpointId == null || !endpointId.matches(ID_PATTERN)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(TableKeys.company(companyId), ENDPOINT + endpointId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toEndpoint(item));
    }

    /** Saves a new endpoint; false when the company has {@link #MAX_ENDPOINTS} already. */
    public boolean create(WebhookEndpoint endpoint) {
        if (endpoints(endpoint.companyId()).size() >= MAX_ENDPOINTS) {
            return false;
        }
        db.putItem(p -> p.tableName(table).item(toItem(endpoint)).conditionExpression("attribute_not_exists(PK)"));
        return true;
    }

    /** Replaces an endpoint that still exists (false: it was deleted meanwhile). */
    public boolean replace(WebhookEndpoint endpoint) {
        try {
            db.putItem(p -> p.tableName(table).item(toItem(endpoint)).conditionExpression("attribute_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    public void delete(String companyId, String endpointId) {
        db.deleteItem(d -> d.tableName(table).key(key(TableKeys.company(companyId), ENDPOINT + endpointId)));
    }

    /** Notes that the endpoint failed (its first failure since it last answered well is kept); answers since when. */
    public Instant failing(WebhookEndpoint endpoint, Instant now) {
        Map<String, AttributeValue> after = db.updateItem(u -> u.tableName(table)
                .key(key(TableKeys.company(endpoint.companyId()), ENDPOINT + endpoint.endpointId()))
                .updateExpression("SET failingSince = if_not_exists(failingSince, :now)").conditionExpression("attribute_exists(PK)")
                .expressionAttributeValues(Map.of(":now", s(now.toString())))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes();
        return Instant.parse(str(after, "failingSince"));
    }

    /** The endpoint answered well: it is not failing any more. */
    public void healthy(WebhookEndpoint endpoint) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(endpoint.companyId()), ENDPOINT + endpoint.endpointId()))
                    .updateExpression("REMOVE failingSince").conditionExpression("attribute_exists(failingSince)"));
        } catch (ConditionalCheckFailedException notFailing) {
            // Nothing to clear.
        }
    }

    /** Turns a failing endpoint off; true only for the call that did (so its admins are told once). */
    public boolean disable(WebhookEndpoint endpoint, String reason) {
        try {
            db.updateItem(u -> u.tableName(table).key(key(TableKeys.company(endpoint.companyId()), ENDPOINT + endpoint.endpointId()))
                    .updateExpression("SET enabled = :off, disabledReason = :why").conditionExpression("enabled = :on")
                    .expressionAttributeValues(Map.of(":off", AttributeValue.fromBool(false), ":on", AttributeValue.fromBool(true),
                            ":why", s(reason))));
            return true;
        } catch (ConditionalCheckFailedException already) {
            return false;
        }
    }

    // ------------------------------------------------------------------ deliveries

    /** The delivery a new event makes for an endpoint, or the one an earlier telling of the same event made. */
    public record Made(WebhookDelivery delivery, boolean fresh) {
    }

    public Made newDelivery(WebhookEndpoint endpoint, WebhookEvents.Event event, String dataJson) {
        Instant now = clock.instant();
        String deliveryId = String.format("%013d", now.toEpochMilli()) + java.util.HexFormat.of().formatHex(randomBytes(4));
        String pk = TableKeys.company(endpoint.companyId());
        long ttl = now.plus(KEPT).getEpochSecond();
        Map<String, AttributeValue> marker = new HashMap<>(key(pk, MARKER + endpoint.endpointId() + "#" + event.id()));
        marker.put("deliveryId", s(deliveryId));
        marker.put("ttl", n(ttl));
        WebhookDelivery delivery = new WebhookDelivery(endpoint.companyId(), endpoint.endpointId(), deliveryId, event.id(), event.type(),
                Instant.parse(event.created()), dataJson, WebhookDelivery.State.PENDING, 0, now, null, List.of());
        Map<String, AttributeValue> item = toItem(delivery);
        item.put("ttl", n(ttl));
        try {
            db.transactWriteItems(t -> t.transactItems(
                    w -> w.put(p -> p.tableName(table).item(marker).conditionExpression("attribute_not_exists(PK)")),
                    w -> w.put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)"))));
            return new Made(delivery, true);
        } catch (TransactionCanceledException told) {
            Map<String, AttributeValue> existing = db.getItem(g -> g.tableName(table).consistentRead(true).key(key(pk,
                    MARKER + endpoint.endpointId() + "#" + event.id()))).item();
            if (existing == null || existing.isEmpty()) {
                throw told;
            }
            return delivery(endpoint.companyId(), endpoint.endpointId(), str(existing, "deliveryId"))
                    .map(d -> new Made(d, false)).orElseThrow(() -> told);
        }
    }

    public Optional<WebhookDelivery> delivery(String companyId, String endpointId, String deliveryId) {
        if (endpointId == null || deliveryId == null || !endpointId.matches(ID_PATTERN) || !deliveryId.matches(DELIVERY_ID_PATTERN)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(TableKeys.company(companyId), DELIVERY + endpointId + "#" + deliveryId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toDelivery(companyId, item));
    }

    /** A page of an endpoint's deliveries, newest first; {@code after}: the last delivery id of the previous page. */
    public record Page(List<WebhookDelivery> deliveries, String next) {
    }

    public Page deliveries(String companyId, String endpointId, String after, int limit) {
        String pk = TableKeys.company(companyId);
        Map<String, AttributeValue> start = after == null ? null : key(pk, DELIVERY + endpointId + "#" + after);
        QueryResponse page = db.query(q -> q.tableName(table).keyConditionExpression("PK = :pk AND begins_with(SK, :p)")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":p", s(DELIVERY + endpointId + "#")))
                .scanIndexForward(false).limit(limit).exclusiveStartKey(start));
        List<WebhookDelivery> deliveries = page.items().stream().map(item -> toDelivery(companyId, item)).toList();
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() && deliveries.size() == limit
                ? deliveries.get(deliveries.size() - 1).deliveryId() : null;
        return new Page(deliveries, next);
    }

    /**
     * Takes the delivery for one attempt: only while nobody else has it (its attempt count is the
     * one read, and it is waiting, or its sender's lease ran out). False: another sender has it.
     */
    public boolean claim(WebhookDelivery delivery, Instant now, Duration lease) {
        try {
            db.updateItem(u -> u.tableName(table).key(deliveryKey(delivery))
                    .updateExpression("SET #state = :sending, attempts = :next, leaseUntil = :lease")
                    .conditionExpression("attempts = :seen AND (#state IN (:pending, :retrying) OR (#state = :sending AND leaseUntil < :now))")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":sending", s("SENDING"), ":next", n(delivery.attempts() + 1L),
                            ":lease", s(now.plus(lease).toString()), ":seen", n(delivery.attempts()), ":pending", s("PENDING"),
                            ":retrying", s("RETRYING"), ":now", s(now.toString()))));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    /** The claimed attempt's end: its line in the log, and the delivery's new state (and next attempt). */
    public void attempted(WebhookDelivery claimed, Map<String, Object> line, WebhookDelivery.State state, Instant nextAttemptAt) {
        List<Map<String, Object>> log = new ArrayList<>(claimed.log());
        log.add(line);
        while (log.size() > WebhookDelivery.LOG_SIZE) {
            log.remove(0);
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":state", s(state.name()), ":log", s(JSON.writeValueAsString(log)),
                ":n", n(claimed.attempts() + 1L)));
        String set = "SET #state = :state, #log = :log REMOVE leaseUntil";
        if (nextAttemptAt != null) {
            values.put(":next", s(nextAttemptAt.toString()));
            set = "SET #state = :state, #log = :log, nextAttemptAt = :next REMOVE leaseUntil";
        }
        String update = set;
        db.updateItem(u -> u.tableName(table).key(deliveryKey(claimed)).updateExpression(update).conditionExpression("attempts = :n")
                .expressionAttributeNames(Map.of("#state", "state", "#log", "log")).expressionAttributeValues(values));
    }

    /** Ends a delivery without an attempt (its endpoint was deleted or turned off). */
    public void skipped(WebhookDelivery delivery, String why) {
        List<Map<String, Object>> log = new ArrayList<>(delivery.log());
        log.add(Map.of("at", clock.instant().toString(), "status", 0, "millis", 0, "response", why));
        db.updateItem(u -> u.tableName(table).key(deliveryKey(delivery)).updateExpression("SET #state = :skipped, #log = :log")
                .conditionExpression("#state IN (:pending, :retrying)").expressionAttributeNames(Map.of("#state", "state", "#log", "log"))
                .expressionAttributeValues(Map.of(":skipped", s("SKIPPED"), ":log", s(JSON.writeValueAsString(log)), ":pending", s("PENDING"),
                        ":retrying", s("RETRYING"))));
    }

    /** Sends an ended delivery again (an admin's "redeliver"): waiting once more, its log kept. False: it is not ended. */
    public boolean reopen(WebhookDelivery delivery) {
        try {
            db.updateItem(u -> u.tableName(table).key(deliveryKey(delivery)).updateExpression("SET #state = :pending, nextAttemptAt = :now")
                    .conditionExpression("#state IN (:delivered, :failed, :skipped)").expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":pending", s("PENDING"), ":now", s(clock.instant().toString()), ":delivered",
                            s("DELIVERED"), ":failed", s("FAILED"), ":skipped", s("SKIPPED"))));
            return true;
        } catch (ConditionalCheckFailedException notEnded) {
            return false;
        }
    }

    // ------------------------------------------------------------------ items

    private Map<String, AttributeValue> deliveryKey(WebhookDelivery d) {
        return key(TableKeys.company(d.companyId()), DELIVERY + d.endpointId() + "#" + d.deliveryId());
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static Map<String, AttributeValue> toItem(WebhookEndpoint e) {
        Map<String, AttributeValue> item = new HashMap<>(key(TableKeys.company(e.companyId()), ENDPOINT + e.endpointId()));
        item.put("companyId", s(e.companyId()));
        item.put("endpointId", s(e.endpointId()));
        item.put("url", s(e.url()));
        if (e.description() != null) {
            item.put("description", s(e.description()));
        }
        item.put("events", AttributeValue.fromSs(List.copyOf(e.events())));
        item.put("enabled", AttributeValue.fromBool(e.enabled()));
        item.put("secret", s(e.secret()));
        if (e.previousSecret() != null) {
            item.put("previousSecret", s(e.previousSecret()));
            item.put("previousSecretUntil", s(e.previousSecretUntil().toString()));
        }
        item.put("createdAt", s(e.createdAt().toString()));
        item.put("createdBy", s(e.createdBy()));
        if (e.failingSince() != null) {
            item.put("failingSince", s(e.failingSince().toString()));
        }
        if (e.disabledReason() != null) {
            item.put("disabledReason", s(e.disabledReason()));
        }
        return item;
    }

    private static WebhookEndpoint toEndpoint(Map<String, AttributeValue> item) {
        return new WebhookEndpoint(str(item, "companyId"), str(item, "endpointId"), str(item, "url"), str(item, "description"),
                new LinkedHashSet<>(WebhookEvents.SUBSCRIBABLE.stream().filter(item.get("events").ss()::contains).toList()),
                Boolean.TRUE.equals(item.get("enabled").bool()), str(item, "secret"), str(item, "previousSecret"),
                instant(item, "previousSecretUntil"), instant(item, "createdAt"), str(item, "createdBy"), instant(item, "failingSince"),
                str(item, "disabledReason"));
    }

    private static Map<String, AttributeValue> toItem(WebhookDelivery d) {
        Map<String, AttributeValue> item = new HashMap<>(key(TableKeys.company(d.companyId()), DELIVERY + d.endpointId() + "#" + d.deliveryId()));
        item.put("endpointId", s(d.endpointId()));
        item.put("deliveryId", s(d.deliveryId()));
        item.put("eventId", s(d.eventId()));
        item.put("type", s(d.type()));
        item.put("created", s(d.created().toString()));
        item.put("data", s(d.dataJson()));
        item.put("state", s(d.state().name()));
        item.put("attempts", n(d.attempts()));
        item.put("nextAttemptAt", s(d.nextAttemptAt().toString()));
        item.put("log", s(JSON.writeValueAsString(d.log())));
        return item;
    }

    private static WebhookDelivery toDelivery(String companyId, Map<String, AttributeValue> item) {
        List<Map<String, Object>> log = JSON.readValue(str(item, "log"), new TypeReference<List<Map<String, Object>>>() { });
        return new WebhookDelivery(companyId, str(item, "endpointId"), str(item, "deliveryId"), str(item, "eventId"), str(item, "type"),
                instant(item, "created"), str(item, "data"), WebhookDelivery.State.valueOf(str(item, "state")), (int) num(item, "attempts"),
                instant(item, "nextAttemptAt"), instant(item, "leaseUntil"), log);
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = str(item, name);
        return value == null ? null : Instant.parse(value);
    }
}
