package com.image2model.credits;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.image2model.credits.Credits.Balance;
import com.image2model.credits.Credits.Entry;
import com.image2model.credits.Credits.EntryType;
import com.image2model.credits.Credits.Hold;
import com.image2model.credits.Credits.HoldEnded;
import com.image2model.credits.Credits.HoldRequest;
import com.image2model.credits.Credits.HoldStatus;
import com.image2model.credits.Credits.InsufficientCredits;

/**
 * The rules of credits, as a bank's: given a company's balance (and the hold concerned) each
 * operation decides a {@link Movement} (the entries it writes, the balance after, the hold opened or
 * ended, whether work was spent) or refuses it. Nothing is stored here: {@link CreditLedger} turns a
 * movement into one conditional DynamoDB transaction, an in-memory store (the tests) into a map.
 *
 * <ul>
 *   <li>a grant, purchase or reservation needs a positive amount; an adjustment may be negative but
 *       never takes available below zero; a refund may (new work is then refused);
 *   <li>a reservation needs the credits available, all holds or none;
 *   <li>a hold ends once: capturing it again (or releasing it again) changes nothing, ending it
 *       another way is refused ({@link HoldEnded});
 *   <li>amounts that would overflow a long are refused, not wrapped.
 * </ul>
 */
public final class Ledger {

    /**
     * What one operation does. {@code entries} are numbered from the balance's version on, so the
     * balance after has the version of the last entry; {@code opened} are new holds, {@code ended}
     * the hold in its new state; {@code spent} says the work was captured (usage counts it).
     */
    public record Movement(Balance before, Balance after, List<Entry> entries, List<Hold> opened, Hold ended) {
        public boolean spent() {
            return ended != null && ended.status() == HoldStatus.CAPTURED;
        }

        /** How many versions the balance moves (one per entry). */
        public int steps() {
            return entries.size();
        }
    }

    private Ledger() {
    }

    /** A grant, purchase, adjustment or refund of {@code amount} (a refund's amount is how much goes back). */
    public static Movement credit(Balance before, EntryType type, long amount, String reference, String actor, String at) {
        long delta;
        switch (type) {
            case GRANT, PURCHASE -> {
                positive(type, amount);
                delta = amount;
            }
            case ADJUST -> {
                if (amount == 0 || amount == Long.MIN_VALUE) {
                    throw new IllegalArgumentException("An adjustment needs a non-zero amount, got " + amount);
                }
                delta = amount;
            }
            case REFUND -> {
                if (amount == 0 || amount == Long.MIN_VALUE) {
                    throw new IllegalArgumentException("A refund needs a non-zero amount, got " + amount);
                }
                delta = -Math.abs(amount);
            }
            default -> throw new IllegalArgumentException(type + " is not a credit movement");
        }
        long available = plus(before.available(), delta);
        if (type == EntryType.ADJUST && delta < 0 && available < 0) {
            throw new InsufficientCredits(-delta, before.available());
        }
        Balance after = new Balance(available, before.held(),
                type == EntryType.GRANT ? plus(before.granted(), delta) : before.granted(),
                type == EntryType.PURCHASE ? plus(before.purchased(), delta) : before.purchased(),
                type == EntryType.ADJUST ? plus(before.adjusted(), delta) : before.adjusted(),
                type == EntryType.REFUND ? plus(before.refunded(), -delta) : before.refunded(),
                before.captured(), before.version() + 1);
        Entry entry = new Entry(after.version(), type, Math.abs(delta), reference, actor, at, available);
        return new Movement(before, after, List.of(entry), List.of(), null);
    }

    /** Opens the holds, all of them or (for want of credits) none; an entry per hold. */
    public static Movement reserve(Balance before, List<HoldRequest> requests, long expiresAt, String actor, String at) {
        return reserve(before, requests, expiresAt, actor, null, at);
    }

    /** As above, the holds drawing on {@code project}'s budget too (null: none). */
    public static Movement reserve(Balance before, List<HoldRequest> requests, long expiresAt, String actor, String project, String at) {
        long total = total(requests);
        if (before.available() < total) {
            throw new InsufficientCredits(total, before.available());
        }
        List<Entry> entries = new ArrayList<>();
        List<Hold> opened = new ArrayList<>();
        long available = before.available();
        long sequence = before.version();
        for (HoldRequest request : requests) {
            available -= request.amount();
            entries.add(new Entry(++sequence, EntryType.RESERVE, request.amount(), request.holdId(), actor, at, available));
            opened.add(new Hold(request.holdId(), request.amount(), HoldStatus.OPEN, expiresAt, null, actor, project));
        }
        Balance after = new Balance(available, plus(before.held(), total), before.granted(), before.purchased(), before.adjusted(),
                before.refunded(), before.captured(), sequence);
        return new Movement(before, after, entries, opened, null);
    }

    /** What holds cost together; each needs a positive amount, and their sum must not overflow. */
    public static long total(List<HoldRequest> requests) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("A reservation needs at least one hold");
        }
        long total = 0;
        for (HoldRequest request : requests) {
            positive(EntryType.RESERVE, request.amount());
            total = plus(total, request.amount());
        }
        return total;
    }

    /**
     * Ends an open hold as {@code target} (CAPTURED, RELEASED or EXPIRED). Empty when it already has
     * that state (a repeat changes nothing); {@link HoldEnded} when it ended another way.
     */
    public static Optional<Movement> end(Balance before, Hold hold, HoldStatus target, String reason, String at) {
        if (target == HoldStatus.OPEN) {
            throw new IllegalArgumentException("A hold cannot end as OPEN");
        }
        if (hold.status() == target) {
            return Optional.empty();
        }
        if (hold.status() != HoldStatus.OPEN) {
            throw new HoldEnded(hold.holdId(), hold.status());
        }
        if (before.held() < hold.amount()) {
            throw new IllegalStateException("Hold " + hold.holdId() + " of " + hold.amount() + " exceeds the " + before.held() + " held");
        }
        boolean spent = target == HoldStatus.CAPTURED;
        long available = spent ? before.available() : plus(before.available(), hold.amount());
        Balance after = new Balance(available, before.held() - hold.amount(), before.granted(), before.purchased(), before.adjusted(),
                before.refunded(), spent ? plus(before.captured(), hold.amount()) : before.captured(), before.version() + 1);
        EntryType type = switch (target) {
            case CAPTURED -> EntryType.CAPTURE;
            case RELEASED -> EntryType.RELEASE;
            default -> EntryType.EXPIRE;
        };
        Entry entry = new Entry(after.version(), type, hold.amount(), hold.holdId(), "system", at, available);
        Hold ended = new Hold(hold.holdId(), hold.amount(), target, hold.expiresAt(), reason, hold.actor(), hold.project());
        return Optional.of(new Movement(before, after, List.of(entry), List.of(), ended));
    }

    /** A worker still busy keeps its hold open longer; an ended hold cannot be extended. */
    public static Hold extend(Hold hold, long expiresAt) {
        if (hold.status() != HoldStatus.OPEN) {
            throw new HoldEnded(hold.holdId(), hold.status());
        }
        return new Hold(hold.holdId(), hold.amount(), HoldStatus.OPEN, expiresAt, hold.reason(), hold.actor(), hold.project());
    }

    /** Whether the sweeper may expire the hold at {@code now} (epoch seconds): open, and its time has passed. */
    public static boolean due(Hold hold, long now) {
        return hold.status() == HoldStatus.OPEN && hold.expiresAt() <= now;
    }

    private static void positive(EntryType type, long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException(type + " needs a positive amount, got " + amount);
        }
    }

    private static long plus(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("The amount is too large: the balance would overflow");
        }
    }
}
