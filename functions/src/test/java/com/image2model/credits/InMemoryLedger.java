package com.image2model.credits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.credits.Credits.Balance;
import com.image2model.credits.Credits.Entry;
import com.image2model.credits.Credits.EntryType;
import com.image2model.credits.Credits.Hold;
import com.image2model.credits.Credits.HoldRequest;
import com.image2model.credits.Credits.HoldStatus;

/**
 * The ledger's rules over maps: one company's balance, holds, entries and idempotency keys, kept
 * the way {@link CreditLedger} keeps them in the table (a movement applies whole, holds are made
 * once per id, credits once per key), so the rules can be exercised thousands of times a second.
 */
final class InMemoryLedger {

    Balance balance = Balance.EMPTY;
    final Map<String, Hold> holds = new LinkedHashMap<>();
    final List<Entry> entries = new ArrayList<>();
    private final Map<String, Long> done = new HashMap<>();
    private int clock;

    private String now() {
        return "2026-12-02T00:00:" + String.format("%02d", clock++ % 60) + "Z";
    }

    Entry credit(EntryType type, long amount, String key) {
        String marker = type + "#" + key;
        if (done.containsKey(marker)) {
            return entries.get((int) (done.get(marker) - 1));
        }
        Ledger.Movement movement = Ledger.credit(balance, type, amount, key, "test", now());
        apply(movement);
        done.put(marker, movement.entries().get(0).sequence());
        return movement.entries().get(0);
    }

    List<Hold> reserve(List<HoldRequest> requests, long expiresAt) {
        List<HoldRequest> missing = requests.stream().filter(r -> !holds.containsKey(r.holdId())).toList();
        if (!missing.isEmpty()) {
            apply(Ledger.reserve(balance, missing, expiresAt, "member", now()));
        }
        return requests.stream().map(r -> holds.get(r.holdId())).toList();
    }

    Hold end(String holdId, HoldStatus target) {
        Hold hold = Optional.ofNullable(holds.get(holdId)).orElseThrow(() -> new IllegalArgumentException("No hold " + holdId));
        Optional<Ledger.Movement> movement = Ledger.end(balance, hold, target, target == HoldStatus.CAPTURED ? null : "test", now());
        movement.ifPresent(this::apply);
        return holds.get(holdId);
    }

    Hold extend(String holdId, long expiresAt) {
        Hold extended = Ledger.extend(holds.get(holdId), expiresAt);
        holds.put(holdId, extended);
        return extended;
    }

    int sweep(long now) {
        int expired = 0;
        for (Hold hold : List.copyOf(holds.values())) {
            if (Ledger.due(hold, now)) {
                end(hold.holdId(), HoldStatus.EXPIRED);
                expired++;
            }
        }
        return expired;
    }

    /** What the table's transaction does: all of it, checked against the version read. */
    private void apply(Ledger.Movement movement) {
        if (movement.before().version() != balance.version()) {
            throw new IllegalStateException("The movement was decided on version " + movement.before().version());
        }
        if (movement.after().version() != balance.version() + movement.steps()) {
            throw new IllegalStateException("The version moves by one per entry");
        }
        balance = movement.after();
        entries.addAll(movement.entries());
        for (Hold hold : movement.opened()) {
            if (holds.putIfAbsent(hold.holdId(), hold) != null) {
                throw new IllegalStateException("Hold " + hold.holdId() + " opened twice");
            }
        }
        if (movement.ended() != null) {
            holds.put(movement.ended().holdId(), movement.ended());
        }
    }
}
