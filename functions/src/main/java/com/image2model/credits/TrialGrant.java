package com.image2model.credits;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The credits a new company starts with: its balance item and the GRANT ledger entry that proves
 * it, both written in the transaction that creates the company, so they exist exactly once.
 */
public final class TrialGrant {

    private TrialGrant() {
    }

    public static TransactWriteItem balance(String table, String companyId, long credits) {
        return TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(
                        "PK", s("C#" + companyId),
                        "SK", s("BALANCE"),
                        "available", n(credits),
                        "held", n(0),
                        "granted", n(credits)))
                .conditionExpression("attribute_not_exists(PK)")).build();
    }

    public static TransactWriteItem ledgerEntry(String table, String companyId, long credits, Instant at) {
        String entryId = UUID.randomUUID().toString();
        return TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of(
                        "PK", s("C#" + companyId),
                        "SK", s("LEDGER#" + at + "#" + entryId),
                        "type", s("GRANT"),
                        "amount", n(credits),
                        "reference", s("trial"),
                        "actor", s("system"),
                        "balanceAfter", n(credits),
                        "at", s(at.toString())))
                .conditionExpression("attribute_not_exists(PK)")).build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
