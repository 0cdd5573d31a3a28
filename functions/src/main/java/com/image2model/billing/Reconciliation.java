package com.image2model.billing;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A month's reconciliation, as a rule: what Stripe says was paid (completed pack sessions, paid
 * invoices) against what we recorded granting for it, every difference listed, and whether the
 * two agree within 1%. Plain Java: {@link Billing} fetches both sides.
 */
public final class Reconciliation {

    /** One object Stripe says was paid: {@code SESSION#id} or {@code INVOICE#id}, its amount and the company it names. */
    public record Paid(String object, long cents, String company) {
    }

    /** What we recorded for one object (see {@link BillingStore.MonthRecord}). */
    public record Granted(String object, String company, long listCents, long paidCents) {
    }

    private Reconciliation() {
    }

    public static Map<String, Object> report(YearMonth month, List<Paid> stripe, List<Granted> ours) {
        Map<String, Paid> paidByObject = new LinkedHashMap<>();
        stripe.forEach(p -> paidByObject.put(p.object(), p));
        Map<String, Granted> grantedByObject = new LinkedHashMap<>();
        ours.forEach(g -> grantedByObject.put(g.object(), g));

        List<Map<String, Object>> differences = new ArrayList<>();
        long stripeTotal = 0;
        long ledgerTotal = 0;
        for (Paid paid : paidByObject.values()) {
            stripeTotal += paid.cents();
            Granted granted = grantedByObject.get(paid.object());
            if (granted == null) {
                differences.add(difference(paid.object(), paid.company(), "paid in Stripe, nothing granted", paid.cents(), 0));
                continue;
            }
            ledgerTotal += granted.listCents();
            if (granted.listCents() != paid.cents()) {
                differences.add(difference(paid.object(), granted.company(), "paid amount differs from the catalog value of what was granted",
                        paid.cents(), granted.listCents()));
            }
        }
        for (Granted granted : grantedByObject.values()) {
            if (paidFor(granted.object()) && !paidByObject.containsKey(granted.object())) {
                ledgerTotal += granted.listCents();
                differences.add(difference(granted.object(), granted.company(), "granted, but not paid in Stripe this month", 0,
                        granted.listCents()));
            }
        }
        long refunds = grantedByObject.values().stream().filter(g -> g.object().startsWith("REFUND#") || g.object().startsWith("DISPUTE#"))
                .mapToLong(Granted::paidCents).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("month", month.toString());
        out.put("stripePaidCents", stripeTotal);
        out.put("ledgerValueCents", ledgerTotal);
        out.put("refundedCents", -refunds);
        out.put("differenceCents", stripeTotal - ledgerTotal);
        out.put("differencePercent", stripeTotal == 0 ? 0.0 : Math.round(10000.0 * Math.abs(stripeTotal - ledgerTotal) / stripeTotal) / 100.0);
        out.put("withinTarget", withinTarget(stripeTotal, ledgerTotal));
        out.put("differences", differences);
        return out;
    }

    /** Within 1% of what Stripe was paid (a month with nothing paid always is). */
    public static boolean withinTarget(long stripeCents, long ledgerCents) {
        return stripeCents == 0 || Math.abs(stripeCents - ledgerCents) * 100 < stripeCents;
    }

    private static boolean paidFor(String object) {
        return object.startsWith("SESSION#") || object.startsWith("INVOICE#");
    }

    private static Map<String, Object> difference(String what, String company, String problem, long stripeCents, long ledgerCents) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stripeObject", what.substring(what.indexOf('#') + 1));
        out.put("kind", what.substring(0, what.indexOf('#')).toLowerCase(Locale.ROOT));
        out.put("company", company);
        out.put("problem", problem);
        out.put("stripeCents", stripeCents);
        out.put("ledgerCents", ledgerCents);
        return out;
    }
}
