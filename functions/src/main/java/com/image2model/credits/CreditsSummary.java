package com.image2model.credits;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import com.image2model.limits.PersonalLimits;
import com.image2model.tenancy.TenantContext;

/** GET /credits: the balance and what is held, this month's use, the plan (and its fair use), the low-balance flag, the caller's limits. */
public final class CreditsSummary {

    private final CreditLedger ledger;
    private final FairUse fairUse;
    private final CompanyFacts companies;
    private final long lowBalanceThreshold;
    private final PersonalLimits personal;
    private final Clock clock;

    public CreditsSummary(CreditLedger ledger, FairUse fairUse, CompanyFacts companies, long lowBalanceThreshold, PersonalLimits personal,
                          Clock clock) {
        this.ledger = ledger;
        this.fairUse = fairUse;
        this.companies = companies;
        this.lowBalanceThreshold = lowBalanceThreshold;
        this.personal = personal;
        this.clock = clock;
    }

    Map<String, Object> of(TenantContext caller) {
        CreditLedger.Balance balance = ledger.balance(caller.companyId());
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        long usedThisMonth = ledger.usage(caller.companyId(), today.withDayOfMonth(1).toString(), today.toString(), false)
                .stream().mapToLong(CreditLedger.Usage::credits).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("available", balance.available());
        out.put("held", balance.held());
        String plan = companies.plan(caller.companyId()).orElse(null);
        out.put("plan", plan);
        if (Catalog.UNLIMITED_PLAN.equals(plan)) {
            out.put("fairUse", fairUse.standing(caller.companyId()).view());
        }
        out.put("usedThisMonth", usedThisMonth);
        out.put("lowBalance", LowBalanceRule.low(balance.available(), lowBalanceThreshold));
        out.put("lowBalanceThreshold", lowBalanceThreshold);
        // The caller's own limits (this request already counted).
        out.put("limits", personal.view(caller.companyId(), caller.userId()));
        return out;
    }
}
