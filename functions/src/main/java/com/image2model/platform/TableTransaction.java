package com.image2model.platform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Writes of one or more capabilities that commit together or not at all (a file's end and its
 * hold's capture). Each capability adds its own part; at commit, a cancellation says whose
 * condition refused it, so the ledger retries its own conflicts and hands another part's refusal
 * back to that part's owner.
 */
public final class TableTransaction {

    /** DynamoDB's limit of actions per transaction. */
    public static final int MAX_WRITES = 100;

    private final List<TransactWriteItem> writes = new ArrayList<>();
    private final List<Integer> partStarts = new ArrayList<>(List.of(0));

    /** A transaction with nothing in it yet. */
    public static TableTransaction empty() {
        return new TableTransaction();
    }

    public TableTransaction add(TransactWriteItem write) {
        writes.add(write);
        return this;
    }

    /** Appends another capability's writes as a part of its own: refusals are told by part. */
    public TableTransaction join(TableTransaction other) {
        if (!other.writes.isEmpty()) {
            partStarts.add(writes.size());
            writes.addAll(other.writes);
        }
        return this;
    }

    public boolean isEmpty() {
        return writes.isEmpty();
    }

    public int size() {
        return writes.size();
    }

    public List<TransactWriteItem> writes() {
        return Collections.unmodifiableList(writes);
    }

    /** How a commit ended: done, refused by a part's condition, or lost to a concurrent writer (read again and retry). */
    public record Outcome(boolean committed, int refusedPart, int refusedWrite, boolean conflict) {
        static final Outcome DONE = new Outcome(true, -1, -1, false);
    }

    /**
     * Commits. A condition failure names the part ({@code 0} is the first one, the one this
     * transaction was started with) and its write's index within the part; a transaction conflict is
     * reported as such. Any other cancellation is thrown.
     */
    public Outcome commit(DynamoDbClient db) {
        try {
            db.transactWriteItems(t -> t.transactItems(writes));
            return Outcome.DONE;
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.cancellationReasons();
            // A joined part's refusal is reported before the first part's: the first part is the one that
            // retries its own conditions, the joined one's refusal is final.
            for (int i = reasons.size() - 1; i >= 0; i--) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    int part = partOf(i);
                    return new Outcome(false, part, i - partStarts.get(part), false);
                }
            }
            if (reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()))) {
                return new Outcome(false, -1, -1, true);
            }
            throw cancelled;
        }
    }

    /**
     * Commits, trying again after a short jittered pause (5 ms to 20 ms doubled each time) while the
     * only trouble is a conflict with another transaction on the same items, up to {@code attempts}
     * times. The conditions are evaluated afresh each time, so a retry never applies a write twice.
     * Answers the last outcome: a conflict still when every attempt met one.
     */
    public Outcome commitRetryingConflicts(DynamoDbClient db, int attempts) {
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = commit(db);
            if (!outcome.conflict() || attempt >= attempts) {
                return outcome;
            }
            try {
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L << attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
        }
    }

    private int partOf(int index) {
        int part = 0;
        for (int p = 0; p < partStarts.size(); p++) {
            if (partStarts.get(p) <= index) {
                part = p;
            }
        }
        return part;
    }
}
