package com.image2model.credits;

import java.time.Instant;

import com.image2model.platform.TableTransaction;

import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The credits a new company starts with: the ledger's first movement (a GRANT of the trial credits,
 * balance version 1, entry 1), decided by {@link Ledger} and laid out by {@link CreditItems} like
 * every other, written in the transaction that creates the company so that they exist exactly once.
 */
public final class TrialGrant {

    private TrialGrant() {
    }

    /** The balance and its first entry, each only if absent. */
    public static TableTransaction writes(String table, String companyId, long credits, Instant at) {
        Ledger.Movement grant = Ledger.credit(Credits.Balance.EMPTY, Credits.EntryType.GRANT, credits, "trial", "system", at.toString());
        return TableTransaction.empty()
                .add(putNew(table, CreditItems.balanceItem(companyId, grant.after())))
                .add(putNew(table, CreditItems.entryItem(companyId, grant.entries().get(0))));
    }

    private static TransactWriteItem putNew(String table, java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)")).build();
    }
}
