package com.image2model.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.image2model.company.CompanyStore;

/** What the operators' company page shows of a company's billing. */
public final class AdminViews {

    private AdminViews() {
    }

    /** A company's billing as the operators' company page shows it (empty fields for a company that is gone). */
    public static Map<String, Object> billingOf(Optional<CompanyStore.BillingFields> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plan", fields.map(CompanyStore.BillingFields::plan).orElse(null));
        out.put("seats", fields.map(f -> (long) f.seats()).orElse(0L));
        out.put("status", fields.map(CompanyStore.BillingFields::status).orElse(null));
        out.put("pastDue", fields.map(CompanyStore.BillingFields::pastDue).orElse(false));
        out.put("hasBillingAccount", fields.map(f -> f.customerId() != null).orElse(false));
        return out;
    }
}
