package com.image2model.jobs;

import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.s;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.jobs.Jobs.FileState;
import com.image2model.platform.TableTransaction;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * FAL's slots, shared fairly. A FAL account runs a fixed number of requests at once per app; what
 * is sent beyond that waits in FAL's queue, first come first served, so one company's 5,000-image
 * batch would make everyone else wait behind it. So a checked image waits here instead (its file
 * item carries {@code WaitPK = FALWAIT#<app>}, {@code WaitSK = <company>#<uploadedAt>#<job>#<file>},
 * in the sparse {@code Waiting} index), and is sent only with a slot: one counter item per app
 * ({@code PLATFORM#FAL} / {@code SLOTS#<app>}: {@code inFlight}, and {@code lastServed}, the company
 * served last). The next file is the oldest of the first company after the one served last (companies in
 * id order, wrapping round): round robin per company, one read. A file holds its slot
 * ({@code falSlot}) from its claim until its end, whose transaction gives the slot back.
 *
 * <p>The counter is the one item here outside a company's partition: it is the platform's, and
 * holds no company's data beyond the id of the company served last.
 */
public final class FalSlots {

    static final String INDEX = "Waiting";
    static final String SLOTS_PK = "PLATFORM#FAL";

    /** How many requests each FAL app runs at once: FAL_SLOTS, a number for every app and {@code app=N} for one. */
    public record Limits(int every, Map<String, Integer> byApp) {
        public Limits {
            if (every < 1 || byApp.values().stream().anyMatch(v -> v < 1)) {
                throw new IllegalArgumentException("A FAL app has at least one slot");
            }
            byApp = Map.copyOf(byApp);
        }

        public int of(String app) {
            return byApp.getOrDefault(app, every);
        }

        /** {@code 40} or {@code 40,fal-ai/some-app=10}; anything else is refused (fail closed at init). */
        public static Limits parse(String text) {
            Integer every = null;
            Map<String, Integer> byApp = new LinkedHashMap<>();
            for (String part : text.split(",")) {
                String item = part.trim();
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.lastIndexOf('=');
                try {
                    if (eq < 0) {
                        if (every != null) {
                            throw new IllegalArgumentException("FAL_SLOTS has two numbers for every app: '" + text + "'");
                        }
                        every = Integer.parseInt(item);
                    } else {
                        byApp.put(item.substring(0, eq).trim(), Integer.parseInt(item.substring(eq + 1).trim()));
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("FAL_SLOTS is '40' or '40,<app>=10', not '" + text + "'", e);
                }
            }
            if (every == null) {
                throw new IllegalArgumentException("FAL_SLOTS needs a number for every app, as in '40': '" + text + "'");
            }
            return new Limits(every, byApp);
        }
    }

    /** A file waiting for a slot, as the index has it (eventually consistent: the claim checks the file itself). */
    public record Waiting(String app, String companyId, String jobId, String fileId, String waitSk) {
    }

    /** How a claim ended. */
    public enum Claim { CLAIMED, NO_SLOT, GONE }

    private final DynamoDbClient db;
    private final String table;
    private final Limits limits;

    public FalSlots(DynamoDbClient db, String table, Limits limits) {
        this.db = db;
        this.table = table;
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    static String waitPk(String app) {
        return "FALWAIT#" + app;
    }

    static String waitSk(String companyId, String uploadedAt, String jobId, String fileId) {
        return companyId + "#" + uploadedAt + "#" + jobId + "#" + fileId;
    }

    private Map<String, AttributeValue> slotKey(String app) {
        return Map.of("PK", s(SLOTS_PK), "SK", s("SLOTS#" + app));
    }

    /** Requests of {@code app} sent and not ended. */
    public long inFlight(String app) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(slotKey(app)).consistentRead(true)).item();
        return item == null || !item.containsKey("inFlight") ? 0 : Long.parseLong(item.get("inFlight").n());
    }

    /** The next file to send for {@code app}: the oldest of the first company after the one served last, wrapping round. */
    public Optional<Waiting> next(String app) {
        Map<String, AttributeValue> slot = db.getItem(g -> g.tableName(table).key(slotKey(app)).consistentRead(true)).item();
        String cursor = slot == null || !slot.containsKey("lastServed") ? null : slot.get("lastServed").s();
        Optional<Waiting> after = cursor == null ? Optional.empty() : first(app, cursor + "#\uffff");
        return after.isPresent() ? after : first(app, null);
    }

    /**
     * Where each of a company's waiting files of {@code app} stands in that company's own line (1:
     * next), by its WaitSK. Other companies' files are not read: the company's are a key range.
     */
    public Map<String, Integer> positions(String app, String companyId) {
        Map<String, Integer> positions = new HashMap<>();
        Map<String, AttributeValue> values = Map.of(":pk", s(waitPk(app)), ":company", s(companyId + "#"));
        db.queryPaginator(q -> q.tableName(table).indexName(INDEX).keyConditionExpression("WaitPK = :pk AND begins_with(WaitSK, :company)")
                .expressionAttributeValues(values)).items().forEach(item -> positions.put(item.get("WaitSK").s(), positions.size() + 1));
        return positions;
    }

    /** Whether any file of {@code app} waits (the sweeper asks before it wakes the worker). */
    public boolean anyWaiting(String app) {
        return first(app, null).isPresent();
    }

    private Optional<Waiting> first(String app, String after) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(waitPk(app))));
        String condition = "WaitPK = :pk";
        if (after != null) {
            values.put(":after", s(after));
            condition += " AND WaitSK > :after";
        }
        String keyCondition = condition;
        QueryResponse page = db.query(q -> q.tableName(table).indexName(INDEX).keyConditionExpression(keyCondition)
                .expressionAttributeValues(values).limit(1));
        if (page.items().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = page.items().get(0);
        String[] parts = item.get("WaitSK").s().split("#", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        return Optional.of(new Waiting(app, parts[0], parts[2], parts[3], item.get("WaitSK").s()));
    }

    /**
     * Takes a slot of {@code app} for the waiting file, in one transaction: the counter goes up only
     * below the limit, and the file leaves the queue only if it still waits there (no slot taken twice,
     * none taken for a file that ended or was sent meanwhile).
     */
    public Claim claim(Waiting waiting, Map<String, AttributeValue> fileKey) {
        TableTransaction writes = TableTransaction.empty();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(slotKey(waiting.app()))
                .updateExpression("SET inFlight = if_not_exists(inFlight, :zero) + :one, lastServed = :company")
                .conditionExpression("attribute_not_exists(inFlight) OR inFlight < :limit")
                .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":company", s(waiting.companyId()),
                        ":limit", n(limits.of(waiting.app()))))).build());
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(fileKey)
                .updateExpression("SET falSlot = :app REMOVE WaitPK, WaitSK")
                .conditionExpression("#status = :uploaded AND WaitSK = :sk AND attribute_not_exists(falSlot)")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":app", s(waiting.app()), ":uploaded", s(FileState.UPLOADED.name()),
                        ":sk", s(waiting.waitSk())))).build());
        TableTransaction.Outcome outcome = writes.commitRetryingConflicts(db, 5);
        if (outcome.committed()) {
            return Claim.CLAIMED;
        }
        // A run of conflicts: others claim at this moment, and they send the work; this caller stops.
        return outcome.conflict() || outcome.refusedWrite() == 0 ? Claim.NO_SLOT : Claim.GONE;
    }

    /** Gives a claimed file's slot back and puts it in the queue again (FAL did not take it now), if it still holds it. */
    public boolean unclaim(String app, Map<String, AttributeValue> fileKey, String waitSk) {
        TableTransaction writes = TableTransaction.empty();
        writes.add(release(app));
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(fileKey)
                .updateExpression("SET WaitPK = :pk, WaitSK = :sk REMOVE falSlot")
                .conditionExpression("#status = :uploaded AND falSlot = :app")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":pk", s(waitPk(app)), ":sk", s(waitSk), ":uploaded", s(FileState.UPLOADED.name()),
                        ":app", s(app)))).build());
        return writes.commit(db).committed();
    }

    /** The counter's part of a file's end: its slot given back (in the same transaction as the end). */
    public TransactWriteItem release(String app) {
        return release(table, app);
    }

    /** The same for whoever removes a file holding a slot ({@code falSlot}) other than by ending it: a company's erasure. */
    public static TransactWriteItem release(String table, String app) {
        return TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(Map.of("PK", s(SLOTS_PK), "SK", s("SLOTS#" + app)))
                .updateExpression("ADD inFlight :minusOne").expressionAttributeValues(Map.of(":minusOne", n(-1)))).build();
    }

    /** The apps a catalog sends to. */
    static List<String> apps(com.image2model.credits.Catalog catalog) {
        return catalog.models().apps();
    }
}
