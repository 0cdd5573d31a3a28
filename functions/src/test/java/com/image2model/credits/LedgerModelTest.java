package com.image2model.credits;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.image2model.credits.Credits.Entry;
import com.image2model.credits.Credits.EntryType;
import com.image2model.credits.Credits.Hold;
import com.image2model.credits.Credits.HoldEnded;
import com.image2model.credits.Credits.HoldRequest;
import com.image2model.credits.Credits.HoldStatus;
import com.image2model.credits.Credits.InsufficientCredits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The devstack's LedgerModelTest, on the pure rules: random reservations, captures, releases,
 * expiries, extensions, grants, purchases, adjustments and refunds, each repeated at random, and
 * a plain model of what the balance must be. After every step: the invariant, the model, and a
 * ledger whose entries replay to the balance. (The devstack run of the same idea proves the
 * DynamoDB conditions; this one proves the rules, in milliseconds.)
 */
class LedgerModelTest {

    private static final int STEPS = 5_000;

    @Test
    void thousandsOfRandomStepsKeepTheInvariantAndTheModel() {
        for (long seed = 1; seed <= 4; seed++) {
            run(seed);
        }
    }

    @Test
    void aSeedFromTheClockToo() {
        run(System.nanoTime());
    }

    private static void run(long seed) {
        Random random = new Random(seed);
        InMemoryLedger ledger = new InMemoryLedger();
        long modelAvailable = 0;
        long modelHeld = 0;
        long now = 1_000;
        List<String> holdIds = new ArrayList<>();
        ledger.credit(EntryType.GRANT, 500, "trial");
        modelAvailable += 500;
        for (int step = 0; step < STEPS; step++) {
            String context = "seed " + seed + " step " + step;
            int kind = random.nextInt(100);
            try {
                if (kind < 30) {
                    int count = 1 + random.nextInt(4);
                    List<HoldRequest> requests = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        // Now and then an id reserved before: a retried request, which holds nothing more for it.
                        String id = random.nextInt(5) == 0 && !holdIds.isEmpty() ? holdIds.get(random.nextInt(holdIds.size())) : "h" + step + "-" + i;
                        requests.add(new HoldRequest(id, 1 + random.nextInt(40)));
                    }
                    List<HoldRequest> fresh = requests.stream().filter(r -> !ledger.holds.containsKey(r.holdId())).toList();
                    long total = fresh.stream().mapToLong(HoldRequest::amount).sum();
                    long before = modelAvailable;
                    try {
                        ledger.reserve(requests, now + 1 + random.nextInt(50));
                        modelAvailable -= total;
                        modelHeld += total;
                        fresh.forEach(r -> holdIds.add(r.holdId()));
                    } catch (InsufficientCredits e) {
                        assertThat(total).as(context).isGreaterThan(before);
                        assertThat(e.available()).as(context).isEqualTo(before);
                    }
                } else if (kind < 50 && !holdIds.isEmpty()) {
                    String id = holdIds.get(random.nextInt(holdIds.size()));
                    Hold before = ledger.holds.get(id);
                    HoldStatus target = new HoldStatus[] {HoldStatus.CAPTURED, HoldStatus.RELEASED, HoldStatus.EXPIRED}[random.nextInt(3)];
                    try {
                        Hold after = ledger.end(id, target);
                        assertThat(after.status()).as(context).isEqualTo(target);
                        if (before.status() == HoldStatus.OPEN) {
                            modelHeld -= before.amount();
                            if (target != HoldStatus.CAPTURED) {
                                modelAvailable += before.amount();
                            }
                        } else {
                            assertThat(before.status()).as(context + ": a repeat").isEqualTo(target);
                        }
                    } catch (HoldEnded e) {
                        assertThat(before.status()).as(context).isNotIn(HoldStatus.OPEN, target);
                    }
                } else if (kind < 58 && !holdIds.isEmpty()) {
                    String id = holdIds.get(random.nextInt(holdIds.size()));
                    try {
                        ledger.extend(id, now + 100);
                        assertThat(ledger.holds.get(id).status()).isEqualTo(HoldStatus.OPEN);
                    } catch (HoldEnded e) {
                        assertThat(ledger.holds.get(id).status()).as(context).isNotEqualTo(HoldStatus.OPEN);
                    }
                } else if (kind < 65) {
                    now += random.nextInt(30);
                    long at = now;
                    long dueAmount = ledger.holds.values().stream().filter(h -> Ledger.due(h, at)).mapToLong(Hold::amount).sum();
                    ledger.sweep(now);
                    modelHeld -= dueAmount;
                    modelAvailable += dueAmount;
                } else if (kind < 75) {
                    long amount = 1 + random.nextInt(200);
                    String key = "pay" + random.nextInt(step + 1);
                    boolean repeat = ledger.entries.stream().anyMatch(e -> e.type() == EntryType.PURCHASE && key.equals(e.reference()));
                    Entry entry = ledger.credit(EntryType.PURCHASE, amount, key);
                    if (!repeat) {
                        modelAvailable += amount;
                    } else {
                        assertThat(entry.reference()).as(context).isEqualTo(key);
                    }
                } else if (kind < 88) {
                    long amount = random.nextInt(120) - 80;
                    if (amount == 0) {
                        continue;
                    }
                    String key = "adj" + step;
                    try {
                        ledger.credit(EntryType.ADJUST, amount, key);
                        modelAvailable += amount;
                    } catch (InsufficientCredits e) {
                        assertThat(modelAvailable + amount).as(context).isNegative();
                    }
                } else {
                    long amount = 1 + random.nextInt(60);
                    ledger.credit(EntryType.REFUND, amount, "ref" + step);
                    modelAvailable -= amount;
                }
            } finally {
                assertThat(ledger.balance.balanced()).as(context + " invariant").isTrue();
                assertThat(ledger.balance.available()).as(context + " available").isEqualTo(modelAvailable);
                assertThat(ledger.balance.held()).as(context + " held").isEqualTo(modelHeld);
                assertThat(ledger.balance.held()).as(context + " open holds")
                        .isEqualTo(ledger.holds.values().stream().filter(h -> h.status() == HoldStatus.OPEN).mapToLong(Hold::amount).sum());
            }
        }
        replay(ledger, seed);
    }

    /** The entries, in order, numbered 1..n without gaps, replay to the balance. */
    private static void replay(InMemoryLedger ledger, long seed) {
        long available = 0;
        for (int i = 0; i < ledger.entries.size(); i++) {
            Entry entry = ledger.entries.get(i);
            assertThat(entry.sequence()).as("seed " + seed).isEqualTo(i + 1);
            available += switch (entry.type()) {
                case GRANT, PURCHASE, RELEASE, EXPIRE -> entry.amount();
                case RESERVE, REFUND -> -entry.amount();
                case CAPTURE -> 0;
                case ADJUST -> entry.balanceAfter() - (i == 0 ? 0 : ledger.entries.get(i - 1).balanceAfter());
            };
            assertThat(entry.balanceAfter()).as("seed " + seed + " entry " + entry.sequence()).isEqualTo(available);
        }
        assertThat(ledger.balance.version()).isEqualTo(ledger.entries.size());
        assertThat(ledger.balance.available()).isEqualTo(available);
    }
}
