package com.image2model.credits;

import java.time.Instant;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The credits a new company starts with: its first balance (version 1) and ledger entry 1, a GRANT,
 * in the shapes {@link CreditLedger} keeps, written in the transaction that creates the company so
 * that they exist exactly once.
 */
public final class TrialGrant {

    private TrialGrant() {
    }

    public static TransactWriteItem balance(String table, String companyId, long credits) {
        return TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(
                        "PK", s("C#" + companyId), "SK", s("BALANCE"),
                        "available", n(credits), "held", n(0), "granted", n(credits), "purchased", n(0),
                        "adjusted", n(0), "refunded", n(0), "captured", n(0), "version", n(1)))
                .conditionExpression("attribute_not_exists(PK)")).build();
    }

    public static TransactWriteItem ledgerEntry(String table, String companyId, long credits, Instant at) {
        return TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(
                        "PK", s("C#" + companyId), "SK", s("LEDGER#" + CreditLedger.sequenceKey(1)),
                        "sequence", n(1), "type", s(CreditLedger.EntryType.GRANT.name()), "amount", n(credits),
                        "reference", s("trial"), "actor", s("system"), "balanceAfter", n(credits), "at", s(at.toString())))
                .conditionExpression("attribute_not_exists(PK)")).build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
