package com.image2model.devstack.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.image2model.credits.CreditLedger;
import com.image2model.devstack.TestStack;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/**
 * Numbers that overflow, against the real engine: DynamoDB's numbers have 38 digits, Java's longs
 * 19, so a movement past Long.MAX_VALUE used to be written (the engine added it exactly) and then
 * the balance could no longer be read. Now the ledger's rules refuse it and nothing is written.
 */
class LedgerOverflowTest {

    static {
        TestStack.get();
    }

    private final CreditLedger ledger = new CreditLedger(AwsClients.dynamoDb(), TestStack.setting(Settings.TABLE_NAME), Clock.systemUTC());
    private final String company = "overflow-" + UUID.randomUUID();

    @Test
    void aPurchasePastTheLargestBalanceIsRefusedAndTheBalanceStaysReadable() {
        ledger.grant(company, Long.MAX_VALUE - 10, "grant", "grant");

        assertThatThrownBy(() -> ledger.purchase(company, 20, "cs_overflow", "cs_overflow")).isInstanceOf(IllegalArgumentException.class);

        assertThat(ledger.balance(company).available()).isEqualTo(Long.MAX_VALUE - 10);
        assertThat(ledger.entries(company, null, 10)).hasSize(1);
        LedgerInvariant.check(ledger, company).assertHolds();
    }

    @Test
    void holdsWhoseSumOverflowsAreRefusedWhole() {
        ledger.grant(company, 100, "grant", "grant");
        List<CreditLedger.HoldRequest> holds = List.of(new CreditLedger.HoldRequest("JOB#j1#f1", Long.MAX_VALUE),
                new CreditLedger.HoldRequest("JOB#j1#f2", 2));

        assertThatThrownBy(() -> ledger.reserveAll(company, holds, Instant.now().plusSeconds(60), "u1")).isInstanceOf(RuntimeException.class);

        assertThat(ledger.balance(company).available()).isEqualTo(100);
        assertThat(ledger.holds(company)).isEmpty();
    }
}
