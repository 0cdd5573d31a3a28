package com.image2model.credits;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The words of credits, shared by the rules ({@link Ledger}) and the table ({@link CreditLedger}):
 * a balance with its counters and version, holds, immutable entries, and the two refusals. Plain
 * Java: nothing here knows DynamoDB.
 *
 * <p>Invariant, at every moment: available + held = granted + purchased + adjusted - refunded - captured.
 */
public interface Credits {

    enum EntryType {
        GRANT, PURCHASE, RESERVE, CAPTURE, RELEASE, ADJUST, REFUND, EXPIRE
    }

    enum HoldStatus {
        OPEN, CAPTURED, RELEASED, EXPIRED
    }

    /** A company's balance item: what is available and held, the running counters, and its version (= its last entry's sequence). */
    record Balance(long available, long held, long granted, long purchased, long adjusted, long refunded,
                   long captured, long version) {
        public static final Balance EMPTY = new Balance(0, 0, 0, 0, 0, 0, 0, 0);

        /** Whether the invariant holds for this balance. */
        public boolean balanced() {
            return available + held == granted + purchased + adjusted - refunded - captured;
        }
    }

    /** A hold; {@code project} is the budget it draws on besides the balance (null: none). */
    record Hold(String holdId, long amount, HoldStatus status, long expiresAt, String reason, String actor, String project) {
        public Hold(String holdId, long amount, HoldStatus status, long expiresAt, String reason, String actor) {
            this(holdId, amount, status, expiresAt, reason, actor, null);
        }
    }

    /**
     * A project's budget that holds draw on besides the balance, as read just before: {@code limit}
     * null when the project has none. The draw is refused if the project changed since (its
     * budget moved, it was archived) or the holds would take it over its limit.
     */
    record Budget(String project, Long limit) {
    }

    /** The project's budget refused the holds (or the project changed since it was read): read it again and decide. */
    final class BudgetRefused extends RuntimeException {
        public BudgetRefused(String project) {
            super("The budget of project " + project + " refused the holds", null, false, false);
        }
    }

    record Entry(long sequence, EntryType type, long amount, String reference, String actor, String at, long balanceAfter) {
        /** The entry as the API and the exports show it. */
        public Map<String, Object> view() {
            Map<String, Object> entry = new LinkedHashMap<>();
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

    /** One hold to open with a reservation of many. */
    record HoldRequest(String holdId, long amount) {
    }

    /** Images and credits captured on one day (by one member or project, or by all when {@code member} is null). */
    record Usage(String day, String member, long images, long credits) {
    }

    /** How captured usage is counted: per day, per day and member, or per day and project. */
    enum UsageGroup {
        DAY, MEMBER, PROJECT
    }

    /** The company cannot pay: what it needs and what it has. */
    final class InsufficientCredits extends RuntimeException {
        private final long needed;
        private final long available;

        public InsufficientCredits(long needed, long available) {
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
    final class HoldEnded extends RuntimeException {
        private final HoldStatus status;

        public HoldEnded(String holdId, HoldStatus status) {
            super("Hold " + holdId + " is already " + status.name().toLowerCase(java.util.Locale.ROOT));
            this.status = status;
        }

        public HoldStatus status() {
            return status;
        }
    }
}
