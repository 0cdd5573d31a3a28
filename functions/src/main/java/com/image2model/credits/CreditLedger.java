package com.image2model.credits;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A company's credits, kept like a bank account with pending transfers. Every movement is one
 * DynamoDB transaction that (1) moves the balance item from version n to n+1, under the condition
 * that it is still at n (and that the money is there, or the hold still open), and (2) writes the
 * immutable ledger entry n+1 with the balance after it. A hold is an item of its own, keyed by its
 * id: reserving twice, or capturing a hold already ended, changes nothing. Grants, adjustments and
 * refunds are made once per idempotency key.
 *
 * <p>Invariant, at every moment: available + held = granted + purchased + adjusted - refunded - captured.
 */
public final class CreditLedger {

    public enum EntryType {
        GRANT, PURCHASE, RESERVE, CAPTURE, RELEASE, ADJUST, REFUND, EXPIRE
    }

    public enum HoldStatus {
        OPEN, CAPTURED, RELEASED, EXPIRED
    }

    public record Balance(long available, long held, long granted, long purchased, long adjusted, long refunded,
                          long captured, long version) {
        static final Balance EMPTY = new Balance(0, 0, 0, 0, 0, 0, 0, 0);
    }

    public record Hold(String holdId, long amount, HoldStatus status, long expiresAt, String reason, String actor) {
    }

    public record Entry(long sequence, EntryType type, long amount, String reference, String actor, String at,
                        long balanceAfter) {
        /** The entry as the API and the exports show it. */
        public Map<String, Object> view() {
            Map<String, Object> entry = new java.util.LinkedHashMap<>();
            entry.put("sequence", sequence);
            entry.put("type", type.name());
            entry.put("amount", amount);
            entry.put("reference", reference);
            entry.put("actor", actor);
            entry.put("at", at);
            entry.put("balanceAfter", balanceAfter);
            return entry;
        }
    }

    /** The company cannot pay: what it needs and what it has. */
    public static final class InsufficientCredits extends RuntimeException {
        private final long needed;
        private final long available;

        InsufficientCredits(long needed, long available) {
            super("This needs " + needed + " credits and " + available + " are available.");
            this.needed = needed;
            this.available = available;
        }

        public long needed() {
            return needed;
        }

        public long available() {
            return available;
        }
    }

    /** A hold that already ended another way (captured after release, or the reverse). */
    public static final class HoldEnded extends RuntimeException {
        HoldEnded(String holdId, HoldStatus status) {
            super("Hold " + holdId + " is already " + status.name().toLowerCase());
        }
    }

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

    /** One hold to open with {@link #reserveAll}. */
    public record HoldRequest(String holdId, long amount) {
    }

    /** Told of every movement of a company's available credits, after it is committed. */
    @FunctionalInterface
    public interface BalanceListener {
        void moved(String companyId, long availableBefore, long availableAfter);
    }

    /** Sparse index partitions of open holds, so the sweeper's query is spread out. */
    static final int DUE_SHARDS = 4;
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

    /** A listener's failure must not undo or hide a committed movement. */
    private void tell(String companyId, long before, long after) {
        if (before == after) {
            return;
        }
        try {
            listener.moved(companyId, before, after);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(CreditLedger.class).warn("Balance listener failed for company {}", companyId, e);
        }
    }

    // ------------------------------------------------------------------ reads

    public Balance balance(String companyId) {
        Map<String, AttributeValue> item = get("C#" + companyId, "BALANCE");
        if (item == null) {
            return Balance.EMPTY;
        }
        return new Balance(n(item, "available"), n(item, "held"), n(item, "granted"), n(item, "purchased"), n(item, "adjusted"),
                n(item, "refunded"), n(item, "captured"), n(item, "version"));
    }

    public Optional<Hold> hold(String companyId, String holdId) {
        Map<String, AttributeValue> item = get("C#" + companyId, "HOLD#" + holdId);
        return item == null ? Optional.empty() : Optional.of(toHold(item));
    }

    /** All of a company's holds (tests and reconciliation; a company has at most a few thousand). */
    public List<Hold> holds(String companyId) {
        List<Hold> holds = new ArrayList<>();
        forEachItem(companyId, "HOLD#", true, item -> holds.add(toHold(item)));
        return holds;
    }

    /** Ledger entries, newest first, a page at a time; {@code before} is the sequence to continue below. */
    public List<Entry> entries(String companyId, Long before, int limit) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s("C#" + companyId), ":low", s("LEDGER#")));
        String condition = "PK = :pk AND SK BETWEEN :low AND :high";
        values.put(":high", s(before == null ? "LEDGER#~" : "LEDGER#" + sequenceKey(before - 1)));
        List<Entry> entries = new ArrayList<>();
        QueryResponse page = db.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression(condition)
                .expressionAttributeValues(values).scanIndexForward(false).limit(limit));
        page.items().forEach(item -> entries.add(toEntry(item)));
        return entries;
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
        long credits = catalog.includedCredits(planId, seats);
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

    /** Money given back: the balance may go below zero (new work is then refused). */
    public Entry refund(String companyId, long amount, String reference, String idempotencyKey) {
        return credit(companyId, EntryType.REFUND, -Math.abs(amount), reference, "stripe", idempotencyKey);
    }

    private Entry credit(String companyId, EntryType type, long amount, String reference, String actor, String key) {
        if (type != EntryType.ADJUST && type != EntryType.REFUND && amount <= 0) {
            throw new IllegalArgumentException(type + " needs a positive amount, got " + amount);
        }
        String marker = "IDEMP#" + type + "#" + key;
        for (int attempt = 0; ; attempt++) {
            Map<String, AttributeValue> done = get("C#" + companyId, marker);
            if (done != null) {
                return entryAt(companyId, n(done, "sequence"));
            }
            Balance before = balance(companyId);
            long after = before.available() + amount;
            if (type == EntryType.ADJUST && amount < 0 && after < 0) {
                throw new InsufficientCredits(-amount, before.available());
            }
            String counter = switch (type) {
                case GRANT -> "granted";
                case PURCHASE -> "purchased";
                case ADJUST -> "adjusted";
                default -> "refunded";
            };
            long counterDelta = type == EntryType.REFUND ? -amount : amount;
            Entry entry = new Entry(before.version() + 1, type, Math.abs(amount), reference, actor, now(), after);
            List<TransactWriteItem> items = List.of(
                    balanceUpdate(companyId, before, "available = available + :amount, " + counter + " = " + counter + " + :counter",
                            Map.of(":amount", n(amount), ":counter", n(counterDelta)), null),
                    put(entryItem(companyId, entry)),
                    put(Map.of("PK", s("C#" + companyId), "SK", s(marker), "sequence", n(entry.sequence()))));
            if (commit(items, attempt)) {
                tell(companyId, before.available(), after);
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
        if (amount <= 0) {
            throw new IllegalArgumentException("A hold needs a positive amount, got " + amount);
        }
        for (int attempt = 0; ; attempt++) {
            Optional<Hold> existing = hold(companyId, holdId);
            if (existing.isPresent()) {
                return existing.get();
            }
            Balance before = balance(companyId);
            if (before.available() < amount) {
                throw new InsufficientCredits(amount, before.available());
            }
            Hold hold = new Hold(holdId, amount, HoldStatus.OPEN, expiresAt.getEpochSecond(), null, actor);
            Entry entry = new Entry(before.version() + 1, EntryType.RESERVE, amount, holdId, actor, now(), before.available() - amount);
            Map<String, AttributeValue> holdItem = new HashMap<>(Map.of(
                    "PK", s("C#" + companyId), "SK", s("HOLD#" + holdId), "holdId", s(holdId), "amount", n(amount),
                    "status", s(HoldStatus.OPEN.name()), "expiresAt", n(hold.expiresAt()), "createdAt", s(now()),
                    "DuePK", s(dueShard(companyId)), "DueAt", n(hold.expiresAt()), "companyId", s(companyId)));
            holdItem.put("actor", s(actor));
            List<TransactWriteItem> items = List.of(
                    balanceUpdate(companyId, before, "available = available - :amount, held = held + :amount",
                            Map.of(":amount", n(amount)), "available >= :amount"),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(holdItem)
                            .conditionExpression("attribute_not_exists(PK)")).build(),
                    put(entryItem(companyId, entry)));
            if (commit(items, attempt)) {
                tell(companyId, before.available(), before.available() - amount);
                return hold;
            }
        }
    }

    /** Holds per transaction in reserveAll: with the balance and one entry each, under DynamoDB's 100 actions. */
    static final int HOLDS_PER_TRANSACTION = 49;

    /**
     * Opens many holds at once (a job's files): all of them, or, when the company cannot pay for
     * all, none (InsufficientCredits). Holds already open under the same ids are kept, not doubled.
     * Up to 49 holds commit in one transaction; should a later group fail for want of credits
     * (another job took them meanwhile), the earlier groups are released again.
     */
    public List<Hold> reserveAll(String companyId, List<HoldRequest> requests, Instant expiresAt, String actor) {
        long total = requests.stream().mapToLong(HoldRequest::amount).sum();
        if (requests.stream().anyMatch(r -> r.amount() <= 0)) {
            throw new IllegalArgumentException("Every hold needs a positive amount");
        }
        Balance now = balance(companyId);
        // A retry of a request already reserved must not be refused for the credits it holds itself.
        if (now.available() < total && hold(companyId, requests.get(0).holdId()).isEmpty()) {
            throw new InsufficientCredits(total, now.available());
        }
        List<Hold> opened = new ArrayList<>();
        try {
            for (int from = 0; from < requests.size(); from += HOLDS_PER_TRANSACTION) {
                opened.addAll(reserveGroup(companyId, requests.subList(from, Math.min(requests.size(), from + HOLDS_PER_TRANSACTION)),
                        expiresAt, actor));
            }
        } catch (InsufficientCredits e) {
            for (Hold hold : opened) {
                release(companyId, hold.holdId(), "not enough credits for the whole request");
            }
            throw new InsufficientCredits(total, balance(companyId).available());
        }
        return opened;
    }

    private List<Hold> reserveGroup(String companyId, List<HoldRequest> group, Instant expiresAt, String actor) {
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
            long amount = missing.stream().mapToLong(HoldRequest::amount).sum();
            Balance before = balance(companyId);
            if (before.available() < amount) {
                throw new InsufficientCredits(amount, before.available());
            }
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(balanceUpdate(companyId, before, missing.size(), "available = available - :amount, held = held + :amount",
                    Map.of(":amount", n(amount)), "available >= :amount"));
            long available = before.available();
            long sequence = before.version();
            List<Hold> created = new ArrayList<>();
            for (HoldRequest request : missing) {
                Hold hold = new Hold(request.holdId(), request.amount(), HoldStatus.OPEN, expiresAt.getEpochSecond(), null, actor);
                Map<String, AttributeValue> holdItem = new HashMap<>(Map.of(
                        "PK", s("C#" + companyId), "SK", s("HOLD#" + request.holdId()), "holdId", s(request.holdId()),
                        "amount", n(request.amount()), "status", s(HoldStatus.OPEN.name()), "expiresAt", n(hold.expiresAt()),
                        "createdAt", s(now()), "DuePK", s(dueShard(companyId)), "DueAt", n(hold.expiresAt()), "companyId", s(companyId)));
                holdItem.put("actor", s(actor));
                items.add(put(holdItem));
                available -= request.amount();
                items.add(put(entryItem(companyId, new Entry(++sequence, EntryType.RESERVE, request.amount(), request.holdId(),
                        actor, now(), available))));
                created.add(hold);
            }
            if (commit(items, attempt)) {
                tell(companyId, before.available(), available);
                holds.addAll(created);
                return holds;
            }
        }
    }

    /** The work is done: the held credits are spent. Repeating it is a no-op; after a release it is refused. */
    public Hold capture(String companyId, String holdId) {
        return end(companyId, holdId, HoldStatus.CAPTURED, EntryType.CAPTURE, null, List.of());
    }

    /**
     * Captures, and in the same transaction writes {@code alongside} (the work's own state change):
     * both happen or neither. An alongside write whose condition fails throws {@link AlongsideRefused}
     * and the hold stays as it was.
     */
    public Hold capture(String companyId, String holdId, List<TransactWriteItem> alongside) {
        return end(companyId, holdId, HoldStatus.CAPTURED, EntryType.CAPTURE, null, alongside);
    }

    /** Releases with the reason, and writes {@code alongside} in the same transaction (see capture). */
    public Hold release(String companyId, String holdId, String reason, List<TransactWriteItem> alongside) {
        return end(companyId, holdId, HoldStatus.RELEASED, EntryType.RELEASE, reason, alongside);
    }

    /** Expires, and writes {@code alongside} in the same transaction (see capture). */
    public Hold expire(String companyId, String holdId, List<TransactWriteItem> alongside) {
        return end(companyId, holdId, HoldStatus.EXPIRED, EntryType.EXPIRE, "expired", alongside);
    }

    /** The work failed or was cancelled: the held credits are available again, with the reason. */
    public Hold release(String companyId, String holdId, String reason) {
        return end(companyId, holdId, HoldStatus.RELEASED, EntryType.RELEASE, reason, List.of());
    }

    /** The hold's time ran out (the sweeper). */
    public Hold expire(String companyId, String holdId) {
        return end(companyId, holdId, HoldStatus.EXPIRED, EntryType.EXPIRE, "expired", List.of());
    }

    /** A worker still busy with the work keeps its hold open longer. */
    public Hold extend(String companyId, String holdId, Instant expiresAt) {
        Hold hold = hold(companyId, holdId).orElseThrow(() -> new IllegalArgumentException("No hold " + holdId));
        if (hold.status() != HoldStatus.OPEN) {
            throw new HoldEnded(holdId, hold.status());
        }
        long at = expiresAt.getEpochSecond();
        try {
            db.updateItem(u -> u.tableName(table).key(key("C#" + companyId, "HOLD#" + holdId))
                    .updateExpression("SET expiresAt = :at, DueAt = :at").conditionExpression("#status = :open")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":at", n(at), ":open", s(HoldStatus.OPEN.name()))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            throw new HoldEnded(holdId, hold(companyId, holdId).orElseThrow().status());
        }
        return new Hold(holdId, hold.amount(), HoldStatus.OPEN, at, null, hold.actor());
    }

    private Hold end(String companyId, String holdId, HoldStatus target, EntryType type, String reason,
                     List<TransactWriteItem> alongside) {
        for (int attempt = 0; ; attempt++) {
            Hold hold = hold(companyId, holdId).orElseThrow(() -> new IllegalArgumentException("No hold " + holdId));
            if (hold.status() == target) {
                return hold;
            }
            if (hold.status() != HoldStatus.OPEN) {
                throw new HoldEnded(holdId, hold.status());
            }
            Balance before = balance(companyId);
            boolean spent = target == HoldStatus.CAPTURED;
            long after = spent ? before.available() : before.available() + hold.amount();
            Entry entry = new Entry(before.version() + 1, type, hold.amount(), holdId, "system", now(), after);
            Map<String, AttributeValue> holdValues = new HashMap<>(Map.of(":open", s(HoldStatus.OPEN.name()),
                    ":status", s(target.name()), ":ended", s(now())));
            String holdUpdate = "SET #status = :status, endedAt = :ended REMOVE DuePK, DueAt";
            if (reason != null) {
                holdUpdate = "SET #status = :status, endedAt = :ended, reason = :reason REMOVE DuePK, DueAt";
                holdValues.put(":reason", s(reason));
            }
            String finalHoldUpdate = holdUpdate;
            List<TransactWriteItem> items = new ArrayList<>(List.of(
                    balanceUpdate(companyId, before, spent
                                    ? "held = held - :amount, captured = captured + :amount"
                                    : "held = held - :amount, available = available + :amount",
                            Map.of(":amount", n(hold.amount())), null),
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key("C#" + companyId, "HOLD#" + holdId))
                            .updateExpression(finalHoldUpdate).conditionExpression("#status = :open")
                            .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(holdValues)).build(),
                    put(entryItem(companyId, entry))));
            if (spent) {
                // Usage counts captured work only, per day and per member, in the same transaction.
                String day = entry.at().substring(0, 10);
                items.add(usage(companyId, "USAGE#D#" + day, hold.amount()));
                items.add(usage(companyId, "USAGE#D#" + day + "#U#" + hold.actor(), hold.amount()));
            }
            int ownItems = items.size();
            items.addAll(alongside);
            if (commit(items, attempt, ownItems)) {
                tell(companyId, before.available(), after);
                return new Hold(holdId, hold.amount(), target, hold.expiresAt(), reason, hold.actor());
            }
        }
    }

    /** Holds whose time has passed, across every company (the sparse Due index: open holds only). */
    public List<Map.Entry<String, String>> dueHolds(Instant now, int limit) {
        List<Map.Entry<String, String>> due = new ArrayList<>();
        for (int shard = 0; shard < DUE_SHARDS && due.size() < limit; shard++) {
            String partition = "HOLD#" + shard;
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
        for (Map.Entry<String, String> hold : dueHolds(now, limit)) {
            try {
                Hold current = hold(hold.getKey(), hold.getValue()).orElse(null);
                // The index lags the table: only a hold that is open and past its time (maybe extended meanwhile).
                if (current != null && current.status() == HoldStatus.OPEN && current.expiresAt() <= now.getEpochSecond()) {
                    expire(hold.getKey(), hold.getValue());
                    expired++;
                }
            } catch (HoldEnded endedMeanwhile) {
                // Captured or released between the query and now: nothing to expire.
            }
        }
        return expired;
    }

    // ------------------------------------------------------------------ transactions

    /**
     * Commits, or answers false when another movement got there first (the caller reads again and
     * retries). Throws what the cancellation means for the caller.
     */
    private boolean commit(List<TransactWriteItem> items, int attempt) {
        return commit(items, attempt, items.size());
    }

    /** As above; a failed condition on an item from {@code alongsideFrom} on is the caller's, not a conflict. */
    private boolean commit(List<TransactWriteItem> items, int attempt, int alongsideFrom) {
        try {
            db.transactWriteItems(t -> t.transactItems(items));
            return true;
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.cancellationReasons();
            for (int i = alongsideFrom; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    throw new AlongsideRefused(i - alongsideFrom);
                }
            }
            boolean conflict = reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code())
                    || "TransactionConflict".equals(r.code()));
            if (!conflict || attempt >= MAX_ATTEMPTS) {
                throw cancelled;
            }
            backOff(attempt);
            return false;
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

    private TransactWriteItem balanceUpdate(String companyId, Balance before, String set, Map<String, AttributeValue> values,
                                            String extraCondition) {
        return balanceUpdate(companyId, before, 1, set, values, extraCondition);
    }

    /** The balance item's update, moving its version by {@code steps} (one per ledger entry written with it). */
    private TransactWriteItem balanceUpdate(String companyId, Balance before, int steps, String set, Map<String, AttributeValue> values,
                                            String extraCondition) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":next", n(before.version() + steps));
        // A counter a company has never moved is absent from its item: it counts as zero.
        set = set.replaceAll("(\\w+) = \\1 ([+-]) ", "$1 = if_not_exists($1, :zero) $2 ");
        all.put(":zero", n(0));
        String condition;
        if (before.version() == 0) {
            condition = "attribute_not_exists(version)";
        } else {
            condition = "version = :version";
            all.put(":version", n(before.version()));
        }
        if (extraCondition != null) {
            condition += " AND " + extraCondition;
        }
        String expression = "SET " + set + ", version = :next";
        String finalCondition = condition;
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key("C#" + companyId, "BALANCE"))
                .updateExpression(expression).conditionExpression(finalCondition).expressionAttributeValues(all)).build();
    }

    private TransactWriteItem usage(String companyId, String sk, long credits) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key("C#" + companyId, sk))
                .updateExpression("ADD images :one, credits :credits")
                .expressionAttributeValues(Map.of(":one", n(1), ":credits", n(credits)))).build();
    }

    /** Images and credits captured per day (and per member, with {@code byMember}) between two days, inclusive. */
    public List<Usage> usage(String companyId, String fromDay, String toDay, boolean byMember) {
        List<Usage> rows = new ArrayList<>();
        Map<String, AttributeValue> values = Map.of(":pk", s("C#" + companyId), ":from", s("USAGE#D#" + fromDay),
                ":to", s("USAGE#D#" + toDay + "#~"));
        db.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to").expressionAttributeValues(values))
                .items().forEach(item -> {
                    String[] parts = item.get("SK").s().split("#");
                    boolean member = parts.length == 5;
                    if (member == byMember) {
                        rows.add(new Usage(parts[2], member ? parts[4] : null, n(item, "images"), n(item, "credits")));
                    }
                });
        return rows;
    }

    public record Usage(String day, String member, long images, long credits) {
    }

    private Map<String, AttributeValue> entryItem(String companyId, Entry entry) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "PK", s("C#" + companyId), "SK", s("LEDGER#" + sequenceKey(entry.sequence())),
                "sequence", n(entry.sequence()), "type", s(entry.type().name()), "amount", n(entry.amount()),
                "actor", s(entry.actor()), "at", s(entry.at()), "balanceAfter", n(entry.balanceAfter())));
        if (entry.reference() != null) {
            item.put("reference", s(entry.reference()));
        }
        return item;
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)")).build();
    }

    private Entry entryAt(String companyId, long sequence) {
        Map<String, AttributeValue> item = get("C#" + companyId, "LEDGER#" + sequenceKey(sequence));
        return toEntry(item);
    }

    private void forEachItem(String companyId, String prefix, boolean consistent, java.util.function.Consumer<Map<String, AttributeValue>> action) {
        db.queryPaginator(q -> q.tableName(table).consistentRead(consistent)
                        .keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s("C#" + companyId), ":prefix", s(prefix))))
                .items().forEach(action);
    }

    private static Entry toEntry(Map<String, AttributeValue> item) {
        return new Entry(n(item, "sequence"), EntryType.valueOf(item.get("type").s()), n(item, "amount"),
                item.containsKey("reference") ? item.get("reference").s() : null, item.get("actor").s(), item.get("at").s(),
                n(item, "balanceAfter"));
    }

    private static Hold toHold(Map<String, AttributeValue> item) {
        return new Hold(item.get("holdId").s(), n(item, "amount"), HoldStatus.valueOf(item.get("status").s()), n(item, "expiresAt"),
                item.containsKey("reason") ? item.get("reason").s() : null,
                item.containsKey("actor") ? item.get("actor").s() : "system");
    }

    static String dueShard(String companyId) {
        return "HOLD#" + Math.floorMod(companyId.hashCode(), DUE_SHARDS);
    }

    static String sequenceKey(long sequence) {
        return String.format("%012d", sequence);
    }

    private String now() {
        return clock.instant().toString();
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("PK", s(pk), "SK", s(sk));
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
