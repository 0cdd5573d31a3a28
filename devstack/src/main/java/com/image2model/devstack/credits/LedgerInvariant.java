package com.image2model.devstack.credits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.image2model.credits.CreditLedger;
import com.image2model.credits.Credits.EntryType;
import com.image2model.credits.Credits.HoldStatus;

/** What must hold for a company's credits at every moment, read from the table (the tests' check, and bench chaos's). */
public record LedgerInvariant(List<String> violations) {

    public void assertHolds() {
        if (!violations.isEmpty()) {
            throw new AssertionError("The ledger invariant does not hold: " + violations);
        }
    }

    /** The balance counters against each other and against the open holds (cheap: every step). */
    public static LedgerInvariant quick(CreditLedger ledger, String company) {
        List<String> violations = new ArrayList<>();
        CreditLedger.Balance b = ledger.balance(company);
        long sources = b.granted() + b.purchased() + b.adjusted() - b.refunded() - b.captured();
        if (b.available() + b.held() != sources) {
            violations.add("available " + b.available() + " + held " + b.held() + " != " + sources);
        }
        long open = ledger.holds(company).stream().filter(h -> h.status() == HoldStatus.OPEN).mapToLong(CreditLedger.Hold::amount).sum();
        if (open != b.held()) {
            violations.add("held " + b.held() + " != open holds " + open);
        }
        return new LedgerInvariant(violations);
    }

    /** Also the whole ledger: contiguous entries whose balance-after follows from each movement; holds ended at most once. */
    public static LedgerInvariant check(CreditLedger ledger, String company) {
        List<String> violations = new ArrayList<>(quick(ledger, company).violations());
        List<CreditLedger.Entry> entries = new ArrayList<>();
        Long before = null;
        while (true) {
            List<CreditLedger.Entry> page = ledger.entries(company, before, 500);
            if (page.isEmpty()) {
                break;
            }
            entries.addAll(page);
            before = page.get(page.size() - 1).sequence();
        }
        java.util.Collections.reverse(entries);
        long available = 0;
        Map<String, Integer> reserved = new HashMap<>();
        Map<String, List<EntryType>> ended = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            CreditLedger.Entry e = entries.get(i);
            if (e.sequence() != i + 1) {
                violations.add("entry " + (i + 1) + " is missing (found " + e.sequence() + ")");
            }
            long delta = e.balanceAfter() - available;
            long expected = switch (e.type()) {
                case GRANT, PURCHASE, RELEASE, EXPIRE -> e.amount();
                case RESERVE, REFUND -> -e.amount();
                case CAPTURE -> 0;
                case ADJUST -> Math.abs(delta) == e.amount() ? delta : Long.MIN_VALUE;
            };
            if (delta != expected) {
                violations.add("entry " + e.sequence() + " " + e.type() + " " + e.amount() + " moves the balance by " + delta);
            }
            available = e.balanceAfter();
            if (e.type() == EntryType.RESERVE) {
                reserved.merge(e.reference(), 1, Integer::sum);
            } else if (e.type() == EntryType.CAPTURE || e.type() == EntryType.RELEASE || e.type() == EntryType.EXPIRE) {
                ended.computeIfAbsent(e.reference(), k -> new ArrayList<>()).add(e.type());
            }
        }
        CreditLedger.Balance balance = ledger.balance(company);
        if (available != balance.available()) {
            violations.add("the ledger ends at " + available + ", the balance says " + balance.available());
        }
        if (entries.size() != balance.version()) {
            violations.add(entries.size() + " entries for balance version " + balance.version());
        }
        for (CreditLedger.Hold hold : ledger.holds(company)) {
            if (reserved.getOrDefault(hold.holdId(), 0) != 1) {
                violations.add("hold " + hold.holdId() + " reserved " + reserved.getOrDefault(hold.holdId(), 0) + " times");
            }
            List<EntryType> endings = ended.getOrDefault(hold.holdId(), List.of());
            if (endings.size() > 1) {
                violations.add("hold " + hold.holdId() + " ended " + endings.size() + " times: " + endings);
            }
            if ((hold.status() == HoldStatus.OPEN) != endings.isEmpty()) {
                violations.add("hold " + hold.holdId() + " is " + hold.status() + " with endings " + endings);
            }
        }
        return new LedgerInvariant(violations);
    }
}
