package com.image2model.billing;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A month's Stripe payments against what we granted for them. */
class ReconciliationTest {

    private static final YearMonth MONTH = YearMonth.of(2026, 11);

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> differences(Map<String, Object> report) {
        return (List<Map<String, Object>>) report.get("differences");
    }

    @Test
    void aMonthWhereEverythingMatches() {
        Map<String, Object> report = Reconciliation.report(MONTH,
                List.of(new Reconciliation.Paid("SESSION#cs_1", 4_900, "c1"), new Reconciliation.Paid("INVOICE#in_1", 5_700, "c2")),
                List.of(new Reconciliation.Granted("SESSION#cs_1", "c1", 4_900, 4_900), new Reconciliation.Granted("INVOICE#in_1", "c2", 5_700, 5_700)));
        assertThat(report).containsEntry("stripePaidCents", 10_600L).containsEntry("ledgerValueCents", 10_600L)
                .containsEntry("differenceCents", 0L).containsEntry("withinTarget", true);
        assertThat(differences(report)).isEmpty();
    }

    @Test
    void paidButNotGrantedIsListed() {
        Map<String, Object> report = Reconciliation.report(MONTH, List.of(new Reconciliation.Paid("SESSION#cs_9", 4_900, "c1")), List.of());
        assertThat(differences(report)).singleElement().satisfies(d -> {
            assertThat(d).containsEntry("stripeObject", "cs_9").containsEntry("kind", "session").containsEntry("stripeCents", 4_900L);
            assertThat(d.get("problem")).asString().contains("nothing granted");
        });
        assertThat(report).containsEntry("withinTarget", false).containsEntry("differencePercent", 100.0);
    }

    @Test
    void grantedButNotPaidThisMonthIsListedAndRefundsAreShownApart() {
        Map<String, Object> report = Reconciliation.report(MONTH, List.of(),
                List.of(new Reconciliation.Granted("INVOICE#in_7", "c3", 1_900, 1_900), new Reconciliation.Granted("REFUND#ch_1#2450", "c1", 0, -2_450)));
        assertThat(differences(report)).singleElement().satisfies(d -> assertThat(d).containsEntry("kind", "invoice").containsEntry("ledgerCents", 1_900L));
        assertThat(report).containsEntry("refundedCents", 2_450L).containsEntry("ledgerValueCents", 1_900L);
    }

    @Test
    void aDifferentAmountIsListedAndTheTargetIsOnePercent() {
        Map<String, Object> report = Reconciliation.report(MONTH, List.of(new Reconciliation.Paid("INVOICE#in_1", 10_000, "c2")),
                List.of(new Reconciliation.Granted("INVOICE#in_1", "c2", 9_950, 9_950)));
        assertThat(differences(report)).singleElement().satisfies(d -> assertThat(d.get("problem")).asString().contains("differs"));
        assertThat(report).containsEntry("withinTarget", true).containsEntry("differencePercent", 0.5);
        assertThat(Reconciliation.withinTarget(10_000, 9_900)).isFalse();
        assertThat(Reconciliation.withinTarget(0, 500)).isTrue();
    }
}
