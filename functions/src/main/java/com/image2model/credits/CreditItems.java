package com.image2model.credits;

import java.util.HashMap;
import java.util.Map;

import com.image2model.credits.Credits.Balance;
import com.image2model.credits.Credits.Entry;
import com.image2model.credits.Credits.EntryType;
import com.image2model.credits.Credits.Hold;
import com.image2model.credits.Credits.HoldStatus;
import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * The credits' items in the table, built and read in this one place: under the company's
 * partition, {@code BALANCE}, {@code HOLD#<id>}, {@code LEDGER#<sequence>} (zero-padded, so
 * entries sort), {@code IDEMP#<type>#<key>} (a movement made once per key) and
 * {@code USAGE#D#<day>[#U#<member> | #P#<project>]} (captured work per day, member and project).
 */
public final class CreditItems {

    public static final String BALANCE = "BALANCE";
    public static final String HOLD = "HOLD#";
    public static final String LEDGER = "LEDGER#";
    public static final String USAGE = "USAGE#D#";
    /** Sparse index partitions of open holds, so the sweeper's query is spread out. */
    public static final int DUE_SHARDS = 4;

    private CreditItems() {
    }

    public static Map<String, AttributeValue> key(String companyId, String sk) {
        return Map.of("PK", s(TableKeys.company(companyId)), "SK", s(sk));
    }

    public static String holdKey(String holdId) {
        return HOLD + holdId;
    }

    public static String entryKey(long sequence) {
        return LEDGER + sequenceKey(sequence);
    }

    public static String sequenceKey(long sequence) {
        return String.format("%012d", sequence);
    }

    public static String idempotencyKey(EntryType type, String key) {
        return "IDEMP#" + type + "#" + key;
    }

    public static String usageDay(String day) {
        return USAGE + day;
    }

    public static String usageDayOf(String day, String member) {
        return USAGE + day + "#U#" + member;
    }

    public static String usageDayOfProject(String day, String project) {
        return USAGE + day + "#P#" + project;
    }

    public static String dueShard(String companyId) {
        return HOLD + Math.floorMod(companyId.hashCode(), DUE_SHARDS);
    }

    /** A company's first balance (the trial grant's, at version 1, or any other). */
    public static Map<String, AttributeValue> balanceItem(String companyId, Balance balance) {
        Map<String, AttributeValue> item = new HashMap<>(key(companyId, BALANCE));
        counters(balance).forEach((name, value) -> item.put(name, n(value)));
        item.put("version", n(balance.version()));
        return item;
    }

    /** The counters a balance item holds, by attribute name. */
    public static Map<String, Long> counters(Balance b) {
        return Map.of("available", b.available(), "held", b.held(), "granted", b.granted(), "purchased", b.purchased(),
                "adjusted", b.adjusted(), "refunded", b.refunded(), "captured", b.captured());
    }

    public static Balance toBalance(Map<String, AttributeValue> item) {
        if (item == null) {
            return Balance.EMPTY;
        }
        return new Balance(num(item, "available"), num(item, "held"), num(item, "granted"), num(item, "purchased"),
                num(item, "adjusted"), num(item, "refunded"), num(item, "captured"), num(item, "version"));
    }

    public static Map<String, AttributeValue> entryItem(String companyId, Entry entry) {
        Map<String, AttributeValue> item = new HashMap<>(key(companyId, entryKey(entry.sequence())));
        item.put("sequence", n(entry.sequence()));
        item.put("type", s(entry.type().name()));
        item.put("amount", n(entry.amount()));
        item.put("actor", s(entry.actor()));
        item.put("at", s(entry.at()));
        item.put("balanceAfter", n(entry.balanceAfter()));
        if (entry.reference() != null) {
            item.put("reference", s(entry.reference()));
        }
        return item;
    }

    public static Entry toEntry(Map<String, AttributeValue> item) {
        return new Entry(num(item, "sequence"), EntryType.valueOf(str(item, "type")), num(item, "amount"), str(item, "reference"),
                str(item, "actor"), str(item, "at"), num(item, "balanceAfter"));
    }

    /** An open hold, in the sparse Due index until it ends. */
    public static Map<String, AttributeValue> holdItem(String companyId, Hold hold, String createdAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(companyId, holdKey(hold.holdId())));
        item.put("holdId", s(hold.holdId()));
        item.put("amount", n(hold.amount()));
        item.put("status", s(hold.status().name()));
        item.put("expiresAt", n(hold.expiresAt()));
        item.put("createdAt", s(createdAt));
        item.put("DuePK", s(dueShard(companyId)));
        item.put("DueAt", n(hold.expiresAt()));
        item.put("companyId", s(companyId));
        item.put("actor", s(hold.actor()));
        if (hold.project() != null) {
            item.put("project", s(hold.project()));
        }
        return item;
    }

    public static Hold toHold(Map<String, AttributeValue> item) {
        String actor = str(item, "actor");
        return new Hold(str(item, "holdId"), num(item, "amount"), HoldStatus.valueOf(str(item, "status")), num(item, "expiresAt"),
                str(item, "reason"), actor == null ? "system" : actor, str(item, "project"));
    }
}
