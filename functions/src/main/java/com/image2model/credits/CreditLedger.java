package com.image2model.credits;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.LoggerFactory;

import com.image2model.platform.TableKeys;
import com.image2model.platform.TableTransaction;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;

/**
 * A company's credits in the table. The rules are {@link Ledger}'s; this adapter reads the balance
 * and the hold, asks the rules for the movement, and writes it as one DynamoDB transaction that
 * (1) moves the balance item from version n to n+k under the condition that it is still at n and
 * (2) writes the k immutable ledger entries (and the holds opened or ended, and the usage of
 * captured work). A concurrent movement makes the condition fail: it reads again and retries. A
 * hold is an item of its own, keyed by its id: reserving twice changes nothing. Grants,
 * adjustments and refunds are made once per idempotency key.
 *
 * <p>It implements {@link Credits} for the types' names only: its callers write
 * {@code CreditLedger.Balance}, {@code CreditLedger.Hold}..., the core's own types.
 */
public final class CreditLedger implements Credits {

    /** A write made alongside a movement was refused by its own condition: nothing was written. */
    public static final class AlongsideRefused extends RuntimeException {
        private final int index;

        AlongsideRefused(int index) {
            super("The write made alongside the credit movement (number " + index + ") was refused by its condition");
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** Told of every movement of a company's available credits, after it is committed. */
    @FunctionalInterface
    public interface BalanceListener {
        void moved(String companyId, long availableBefore, long availableAfter);
    }

    /** Holds per transaction in reserveAll: with the balance and one entry each, under DynamoDB's 100 actions. */
    static final int HOLDS_PER_TRANSACTION = (TableTransaction.MAX_WRITES - 2) / 2;
    private static final int MAX_ATTEMPTS = 200;

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;
    private final BalanceListener listener;

    public CreditLedger(DynamoDbClient db, String table, Clock clock) {
        this(db, table, clock, (company, before, after) -> { });
    }

    public CreditLedger(DynamoDbClient db, String table, Clock clock, BalanceListener listener) {
        this.db = db;
        this.table = table;
        this.clock = clock;
        this.listener = listener;
    }

    // ------------------------------------------------------------------ reads

    public Balance balance(String companyId) {
        return CreditItems.toBalance(get(companyId, CreditItems.BALANCE));
    }

    public Optional<Hold> hold(String companyId, String holdId) {
        return Optional.ofNullable(get(companyId, CreditItems.holdKey(holdId))).map(CreditItems::toHold);
    }

    /** All of a company's holds (tests and reconciliation; a company has at most a few thousand). */
    public List<Hold> holds(String companyId) {
        List<Hold> holds = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":prefix", s(CreditItems.HOLD))))
                .items().forEach(item -> holds.add(CreditItems.toHold(item)));
        return holds;
    }

    /** Ledger entries, newest first, a page at a time; {@code before} is the sequence to continue below. */
    public List<Entry> entries(String companyId, Long before, int limit) {
        Map<String, AttributeValue> values = Map.of(":pk", s(TableKeys.company(companyId)), ":low", s(CreditItems.LEDGER),
                ":high", s(before == null ? CreditItems.LEDGER + "~" : CreditItems.entryKey(before - 1)));
        return db.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND SK BETWEEN :low AND :high")
                        .expressionAttributeValues(values).scanIndexForward(false).limit(limit))
                .items().stream().map(CreditItems::toEntry).toList();
    }

    /** Images and credits captured per day (and per member, with {@code byMember}) between two days, inclusive. */
    public List<Usage> usage(String companyId, String fromDay, String toDay, boolean byMember) {
        return usage(companyId, fromDay, toDay, byMember ? UsageGroup.MEMBER : UsageGroup.DAY);
    }

    /** Images and credits captured per day, and per member or project when {@code group} says so ({@link Usage#member} is then that). */
    public List<Usage> usage(String companyId, String fromDay, String toDay, UsageGroup group) {
        List<Usage> rows = new ArrayList<>();
        Map<String, AttributeValue> values = Map.of(":pk", s(TableKeys.company(companyId)), ":from", s(CreditItems.usageDay(fromDay)),
                ":to", s(CreditItems.usageDay(toDay) + "#~"));
        db.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to").expressionAttributeValues(values))
                .items().forEach(item -> {
                    String[] parts = item.get("SK").s().split("#");
                    UsageGroup rowGroup = parts.length == 3 ? UsageGroup.DAY : "P".equals(parts[3]) ? UsageGroup.PROJECT : UsageGroup.MEMBER;
                    if (rowGroup == group) {
                        rows.add(new Usage(parts[2], group == UsageGroup.DAY ? null : parts[4], num(item, "images"), num(item, "credits")));
                    }
                });
        return rows;
    }

    // ------------------------------------------------------------------ movements

    public Entry grant(String companyId, long amount, String reason, String idempotencyKey) {
        return credit(companyId, EntryType.GRANT, amount, reason, "system", idempotencyKey);
    }

    /**
     * A seat plan's included credits for one billing period, once per period: the key is the
     * period's own id (an invoice), so a repeated or late event grants nothing more.
     */
    public Entry grantPlanCredits(String companyId, Catalog catalog, String planId, int seats, String periodKey) {
        return grantPlanCredits(companyId, planId, seats, catalog.includedCredits(planId, seats), periodKey);
    }

    /** {@code credits} of a plan paid by one invoice (a proration's share), once per invoice. */
    public Entry grantPlanCredits(String companyId, String planId, int seats, long credits, String periodKey) {
        if (credits <= 0) {
            throw new IllegalArgumentException(planId + " includes no credits");
        }
        return credit(companyId, EntryType.GRANT, credits, planId + " x" + seats + " " + periodKey, "billing", "plan#" + periodKey);
    }

    public Entry purchase(String companyId, long amount, String reference, String idempotencyKey) {
        return credit(companyId, EntryType.PURCHASE, amount, reference, "stripe", idempotencyKey);
    }

    /** An operator's correction, up or down; down never below zero available. */
    public Entry adjust(String companyId, long amount, String reason, String operator, String idempotencyKey) {
        return credit(companyId, EntryType.ADJUST, amount, reason, operator, idempotencyKey);
    }

    /**
     * Money given back: the balance may go below zero (new work is then refused). The
     * {@code alongside} writes (the payment's refunded total) commit with it or not at all; their
     * refusal throws {@link AlongsideRefused}.
     */
    public Entry refund(String companyId, long amount, String reference, String idempotencyKey, TableTransaction alongside) {
        return credit(companyId, EntryType.REFUND, amount, reference, "stripe", idempotencyKey, alongside);
    }

    private Entry credit(String companyId, EntryType type, long amount, String reference, String actor, String key) {
        return credit(companyId, type, amount, reference, actor, key, TableTransaction.empty());
    }

    private Entry credit(String companyId, EntryType type, long amount, String reference, String actor, String key,
                         TableTransaction alongside) {
        String marker = CreditItems.idempotencyKey(type, key);
        for (int attempt = 0; ; attempt++) {
            Map<String, AttributeValue> done = get(companyId, marker);
            if (done != null) {
                return CreditItems.toEntry(get(companyId, CreditItems.entryKey(num(done, "sequence"))));
            }
            Ledger.Movement movement = Ledger.credit(balance(companyId), type, amount, reference, actor, now());
            Entry entry = movement.entries().get(0);
            TableTransaction writes = movementWrites(companyId, movement)
                    .add(put(Map.of("PK", s(TableKeys.company(companyId)), "SK", s(marker), "sequence", n(entry.sequence()))))
                    .join(alongside);
            if (committed(companyId, movement, writes, attempt)) {
                return entry;
            }
        }
    }

    /** Holds the credits of one piece of work until it is captured or released, or until {@code expiresAt}. */
    public Hold reserve(String companyId, String holdId, long amount, Instant expiresAt) {
        return reserve(companyId, holdId, amount, expiresAt, "system");
    }

    /** As above, for work a member asked for: their usage counts it when it is captured. */
    public Hold reserve(String companyId, String holdId, long amount, Instant expiresAt, String actor) {
        return reserveGroup(companyId, List.of(new HoldRequest(holdId, amount)), expiresAt, actor, null).get(0);
    }

    /**
     * Opens many holds at once (a job's files): all of them, or, when the company cannot pay for
     * all, none (InsufficientCredits). Holds already open under the same ids are kept, not doubled.
     * Up to 49 holds commit in one transaction; should a later group fail for want of credits
     * (another job took them meanwhile), the earlier groups are released again.
     */
    public List<Hold> reserveAll(String companyId, List<HoldRequest> requests, Instant expiresAt, String actor) {
        return reserveAll(companyId, requests, expiresAt, actor, null);
    }

    /**
     * As above, the holds also drawing on a project's budget ({@code budget}, null: none) in the
     * same transactions: {@link BudgetRefused} when the budget cannot take them (or changed since it
     * was read), and then nothing is held.
     */
    public List<Hold> reserveAll(String companyId, List<HoldRequest> requests, Instant expiresAt, String actor, Budget budget) {
        long total = Ledger.total(requests);
        Balance now = balance(companyId);
        // A retry of a request already reserved must not be refused for the credits it holds itself.
        if (now.available() < total && hold(companyId, requests.get(0).holdId()).isEmpty()) {
            throw new InsufficientCredits(total, now.available());
        }
        List<Hold> opened = new ArrayList<>();
        try {
            for (int from = 0; from < requests.size(); from += HOLDS_PER_TRANSACTION) {
                opened.addAll(reserveGroup(companyId, requests.subList(from, Math.min(requests.size(), from + HOLDS_PER_TRANSACTION)),
                        expiresAt, actor, budget));
            }
        } catch (InsufficientCredits | BudgetRefused refused) {
            boolean overBudget = refused instanceof BudgetRefused;
            for (Hold hold : opened) {
                release(companyId, hold.holdId(), overBudget ? "over the project's budget" : "not enough credits for the whole request");
            }
            throw overBudget ? refused : new InsufficientCredits(total, balance(companyId).available());
        }
        return opened;
    }

    private List<Hold> reserveGroup(String companyId, List<HoldRequest> group, Instant expiresAt, String actor, Budget budget) {
        for (int attempt = 0; ; attempt++) {
            List<Hold> holds = new ArrayList<>();
            List<HoldRequest> missing = new ArrayList<>();
            for (HoldRequest request : group) {
                Optional<Hold> existing = hold(companyId, request.holdId());
                if (existing.isPresent()) {
                    holds.add(existing.get());
                } else {
                    missing.add(request);
                }
            }
            if (missing.isEmpty()) {
                return holds;
            }
            Ledger.Movement movement = Ledger.reserve(balance(companyId), missing, expiresAt.getEpochSecond(), actor,
                    budget == null ? null : budget.project(), now());
            TableTransaction writes = movementWrites(companyId, movement);
            if (budget != null) {
                writes.join(TableTransaction.empty().add(budgetDraw(companyId, budget, Ledger.total(missing))));
            }
            try {
                if (committed(companyId, movement, writes, attempt)) {
                    holds.addAll(movement.opened());
                    return holds;
                }
            } catch (AlongsideRefused refused) {
                throw new BudgetRefused(budget.project());
            }
        }
    }

    /** The work is done: the held credits are spent. Repeating it is a no-op; after a release it is refused. */
    public Hold capture(String companyId, String holdId) {
        return end(companyId, holdId, HoldStatus.CAPTURED, null, TableTransaction.empty());
    }

    /**
     * Captures, and in the same transaction commits {@code alongside} (the work's own state change):
     * both happen or neither. An alongside write whose condition fails throws {@link AlongsideRefused}
     * and the hold stays as it was.
     */
    public Hold capture(String companyId, String holdId, TableTransaction alongside) {
        return end(companyId, holdId, HoldStatus.CAPTURED, null, alongside);
    }

    /** Releases with the reason, and commits {@code alongside} in the same transaction (see capture). */
    public Hold release(String companyId, String holdId, String reason, TableTransaction alongside) {
        return end(companyId, holdId, HoldStatus.RELEASED, reason, alongside);
    }

    /** Expires, and commits {@code alongside} in the same transaction (see capture). */
    public Hold expire(String companyId, String holdId, TableTransaction alongside) {
        return end(companyId, holdId, HoldStatus.EXPIRED, "expired", alongside);
    }

    /** The work failed or was cancelled: the held credits are available again, with the reason. */
    public Hold release(String companyId, String holdId, String reason) {
        return end(companyId, holdId, HoldStatus.RELEASED, reason, TableTransaction.empty());
    }

    /** The hold's time ran out (the sweeper). */
    public Hold expire(String companyId, String holdId) {
        return end(companyId, holdId, HoldStatus.EXPIRED, "expired", TableTransaction.empty());
    }

    /** A worker still busy with the work keeps its hold open longer. */
    public Hold extend(String companyId, String holdId, Instant expiresAt) {
        Hold extended = Ledger.extend(existingHold(companyId, holdId), expiresAt.getEpochSecond());
        try {
            db.updateItem(u -> u.tableName(table).key(CreditItems.key(companyId, CreditItems.holdKey(holdId)))
                    .updateExpression("SET expiresAt = :at, DueAt = :at").conditionExpression("#status = :open")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":at", n(extended.expiresAt()), ":open", s(HoldStatus.OPEN.name()))));
        } catch (ConditionalCheckFailedException e) {
            throw new HoldEnded(holdId, existingHold(companyId, holdId).status());
        }
        return extended;
    }

    private Hold end(String companyId, String holdId, HoldStatus target, String reason, TableTransaction alongside) {
        for (int attempt = 0; ; attempt++) {
            Hold hold = existingHold(companyId, holdId);
            Optional<Ledger.Movement> decided = Ledger.end(balance(companyId), hold, target, reason, now());
            if (decided.isEmpty()) {
                return hold;
            }
            Ledger.Movement movement = decided.get();
            TableTransaction writes = movementWrites(companyId, movement).join(alongside);
            if (committed(companyId, movement, writes, attempt)) {
                return movement.ended();
            }
        }
    }

    /** Holds whose time has passed, across every company (the sparse Due index: open holds only). */
    public List<Map.Entry<String, String>> dueHolds(Instant now, int limit) {
        List<Map.Entry<String, String>> due = new ArrayList<>();
        for (int shard = 0; shard < CreditItems.DUE_SHARDS && due.size() < limit; shard++) {
            String partition = CreditItems.HOLD + shard;
            int remaining = limit - due.size();
            db.query(q -> q.tableName(table).indexName("Due").keyConditionExpression("DuePK = :p AND DueAt <= :now")
                            .expressionAttributeValues(Map.of(":p", s(partition), ":now", n(now.getEpochSecond()))).limit(remaining))
                    .items().forEach(item -> due.add(Map.entry(item.get("companyId").s(), item.get("holdId").s())));
        }
        return due;
    }

    /** Expires what is due; answers how many holds it ended. */
    public int sweep(Instant now, int limit) {
        int expired = 0;
        for (Map.Entry<String, String> due : dueHolds(now, limit)) {
            try {
                // The index lags the table: only a hold that is open and past its time (maybe extended meanwhile).
                if (hold(due.getKey(), due.getValue()).filter(h -> Ledger.due(h, now.getEpochSecond())).isPresent()) {
                    expire(due.getKey(), due.getValue());
                    expired++;
                }
            } catch (HoldEnded endedMeanwhile) {
                // Captured or released between the query and now: nothing to expire.
            }
        }
        return expired;
    }

    // ------------------------------------------------------------------ the movement's writes

    /** The balance moved from its version to the movement's, its entries, its holds and (for captured work) its usage. */
    private TableTransaction movementWrites(String companyId, Ledger.Movement movement) {
        TableTransaction writes = TableTransaction.empty().add(balanceUpdate(companyId, movement.before(), movement.after()));
        for (Hold hold : movement.opened()) {
            writes.add(put(CreditItems.holdItem(companyId, hold, movement.entries().get(0).at())));
        }
        for (Entry entry : movement.entries()) {
            writes.add(put(CreditItems.entryItem(companyId, entry)));
        }
        Hold ended = movement.ended();
        if (ended != null) {
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":open", s(HoldStatus.OPEN.name()),
                    ":status", s(ended.status().name()), ":ended", s(movement.entries().get(0).at())));
            String set = "SET #status = :status, endedAt = :ended";
            if (ended.reason() != null) {
                set += ", reason = :reason";
                values.put(":reason", s(ended.reason()));
            }
            String update = set + " REMOVE DuePK, DueAt";
            writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(CreditItems.key(companyId, CreditItems.holdKey(ended.holdId())))
                    .updateExpression(update).conditionExpression("#status = :open")
                    .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(values)).build());
            if (movement.spent()) {
                // Usage counts captured work only, per day, per member and per project, in the same transaction.
                String day = movement.entries().get(0).at().substring(0, 10);
                writes.add(usage(companyId, CreditItems.usageDay(day), ended.amount()));
                writes.add(usage(companyId, CreditItems.usageDayOf(day, ended.actor()), ended.amount()));
                if (ended.project() != null) {
                    writes.add(usage(companyId, CreditItems.usageDayOfProject(day, ended.project()), ended.amount()));
                }
            }
            if (ended.project() != null) {
                writes.add(budgetEnd(companyId, ended.project(), ended.amount(), movement.spent()));
            }
        }
        return writes;
    }

    /** The balance item set to the movement's counters, if it is still at the version read. */
    private TransactWriteItem balanceUpdate(String companyId, Balance before, Balance after) {
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder("SET version = :next");
        CreditItems.counters(after).forEach((name, value) -> {
            set.append(", ").append(name).append(" = :").append(name);
            values.put(":" + name, n(value));
        });
        values.put(":next", n(after.version()));
        String condition;
        if (before.version() == 0) {
            condition = "attribute_not_exists(version)";
        } else {
            condition = "version = :version";
            values.put(":version", n(before.version()));
        }
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(CreditItems.key(companyId, CreditItems.BALANCE))
                .updateExpression(set.toString()).conditionExpression(condition).expressionAttributeValues(values)).build();
    }

    /**
     * The project's {@code committed} credits (held and spent) grow by {@code amount}, if the project
     * still exists, is not archived, has the budget read and can take it.
     */
    private TransactWriteItem budgetDraw(String companyId, Budget budget, long amount) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":amount", n(amount)));
        if (budget.limit() != null) {
            values.put(":limit", n(budget.limit()));
            values.put(":room", n(budget.limit() - amount));
        }
        String check = "attribute_exists(PK) AND attribute_not_exists(archivedAt) AND " + (budget.limit() == null ? "attribute_not_exists(budget)"
                : "budget = :limit AND (attribute_not_exists(committed) OR committed <= :room)");
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(CreditItems.key(companyId, TableKeys.project(budget.project())))
                .updateExpression("ADD committed :amount").conditionExpression(check).expressionAttributeValues(values)).build();
    }

    /** A hold on the project ended: spent credits stay committed (and count as spent), released ones are the budget's again. */
    private TransactWriteItem budgetEnd(String companyId, String project, long amount, boolean spent) {
        // No condition: the hold's end must never be refused for its project (an archived project still gets its credits back).
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(CreditItems.key(companyId, TableKeys.project(project)))
                .updateExpression(spent ? "ADD spent :amount" : "ADD committed :amount")
                .expressionAttributeValues(Map.of(":amount", n(spent ? amount : -amount)))).build();
    }

    private TransactWriteItem usage(String companyId, String sk, long credits) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(CreditItems.key(companyId, sk))
                .updateExpression("ADD images :one, credits :credits")
                .expressionAttributeValues(Map.of(":one", n(1), ":credits", n(credits)))).build();
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)")).build();
    }

    /**
     * Commits; false when another movement got there first (the caller reads again and retries). A
     * refusal by the alongside part is the caller's: {@link AlongsideRefused}.
     */
    private boolean committed(String companyId, Ledger.Movement movement, TableTransaction writes, int attempt) {
        TableTransaction.Outcome outcome = writes.commit(db);
        if (outcome.committed()) {
            tell(companyId, movement.before().available(), movement.after().available());
            return true;
        }
        if (outcome.refusedPart() > 0) {
            throw new AlongsideRefused(outcome.refusedWrite());
        }
        if (attempt >= MAX_ATTEMPTS) {
            throw new IllegalStateException("The credits of " + companyId + " moved under " + MAX_ATTEMPTS + " attempts in a row");
        }
        backOff(attempt);
        return false;
    }

    /** A listener's failure must not undo or hide a committed movement. */
    private void tell(String companyId, long before, long after) {
        if (before == after) {
            return;
        }
        try {
            listener.moved(companyId, before, after);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(CreditLedger.class).warn("Balance listener failed for company {}", companyId, e);
        }
    }

    private static void backOff(int attempt) {
        long cap = Math.min(50, 2L << Math.min(attempt, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a credit movement", e);
        }
    }

    private Hold existingHold(String companyId, String holdId) {
        return hold(companyId, holdId).orElseThrow(() -> new IllegalArgumentException("No hold " + holdId));
    }

    private String now() {
        return clock.instant().toString();
    }

    private Map<String, AttributeValue> get(String companyId, String sk) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(CreditItems.key(companyId, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }
}
