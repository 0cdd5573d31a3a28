package com.image2model.admin;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.company.Member;
import com.image2model.company.UserDirectory;
import com.image2model.credits.CreditLedger;
import com.image2model.jobs.JobStore;
import com.image2model.platform.ApiException;
import com.image2model.tenancy.Operators;

/**
 * What operators do to an account, each action checked, carried out and written to the audit log
 * once with the state before and after it.
 */
public final class Operations {

    /** Who is acting: the operator's user id and email, from their verified token. */

    static final long MOST_ADJUSTMENT = 10_000_000;

    private final CompanyStore companies;
    private final AdminStore store;
    private final CreditLedger ledger;
    private final JobStore jobs;
    private final UserDirectory users;
    private final AuditLog audit;
    private final Clock clock;

    public Operations(CompanyStore companies, AdminStore store, CreditLedger ledger, JobStore jobs, UserDirectory users, AuditLog audit,
                      Clock clock) {
        this.companies = companies;
        this.store = store;
        this.ledger = ledger;
        this.jobs = jobs;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** A reason an operator gives: 3 to 500 characters once trimmed. */
    static String reason(String text, boolean required) {
        if (text == null || text.isBlank()) {
            if (required) {
                throw ApiException.badRequest("invalid_reason", "reason is required: say why, in 3 to 500 characters.");
            }
            return null;
        }
        String trimmed = text.trim();
        if (trimmed.length() < 3 || trimmed.length() > 500) {
            throw ApiException.badRequest("invalid_reason", "reason must be 3 to 500 characters, was " + trimmed.length() + ".");
        }
        return trimmed;
    }

    private Company company(String companyId) {
        return companies.company(companyId).orElseThrow(() -> ApiException.notFound("Company"));
    }

    public AdminStore.Page companies(String query, String cursor) {
        try {
            return store.companies(query, cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
        }
    }

    /** One company as operators see it: itself, its members, its balance, its last ledger entries and jobs, its usage. */
    public Map<String, Object> company(String companyId, java.util.function.Function<String, Map<String, Object>> billing) {
        Company company = company(companyId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", company.id());
        out.put("name", company.name());
        out.put("domain", company.domain());
        out.put("createdAt", company.createdAt());
        out.put("suspended", companies.suspension(companyId).orElse(null));
        out.put("billing", billing.apply(companyId));
        out.put("members", companies.memberRecords(companyId).stream().map(r -> {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("id", r.member().id());
            member.put("email", r.member().email());
            member.put("role", r.member().role().wire());
            member.put("active", r.member().active());
            member.put("disabled", r.blocked());
            member.put("joinedAt", r.member().joinedAt());
            member.put("lastSignInAt", r.lastSignInAt());
            return member;
        }).toList());
        CreditLedger.Balance balance = ledger.balance(companyId);
        out.put("balance", Map.of("available", balance.available(), "held", balance.held(), "granted", balance.granted(),
                "purchased", balance.purchased(), "adjusted", balance.adjusted(), "refunded", balance.refunded(), "captured", balance.captured()));
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        out.put("usageByDay", ledger.usage(companyId, today.minusDays(29).toString(), today.toString(), false).stream()
                .map(u -> Map.of("day", u.day(), "images", u.images(), "credits", u.credits())).toList());
        out.put("ledger", ledger.entries(companyId, null, 20).stream().map(CreditLedger.Entry::view).toList());
        out.put("jobs", jobs.jobs(companyId, null, 10).jobs().stream().map(j -> {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("jobId", j.jobId());
            job.put("name", j.name());
            job.put("quality", j.quality());
            job.put("state", j.state());
            job.put("files", j.files());
            job.put("cost", j.cost());
            job.put("createdAt", j.createdAt());
            return job;
        }).toList());
        return out;
    }

    /** Adds or takes credits (an ADJUST entry with the operator and reason); never takes {@code available} below zero. */
    public Map<String, Object> adjust(Operators.Operator operator, String companyId, long amount, String reasonText, String idempotencyKey) {
        String reason = reason(reasonText, true);
        if (amount == 0) {
            throw ApiException.badRequest("invalid_amount", "amount must not be 0.");
        }
        company(companyId);
        CreditLedger.Balance balance = ledger.balance(companyId);
        long before = balance.available();
        CreditLedger.Entry entry;
        try {
            entry = ledger.adjust(companyId, amount, reason, operator.userId(), "ADMIN#" + idempotencyKey);
        } catch (CreditLedger.InsufficientCredits e) {
            throw new ApiException(409, "would_go_negative", "The company has " + e.available() + " credits available: at most "
                    + e.available() + " can be taken.");
        }
        // A retried request answers the entry it made the first time: that action is audited already.
        boolean replayed = entry.sequence() <= balance.version();
        if (!replayed) {
            audit.record(operator.userId(), operator.email(), amount > 0 ? "credits.grant" : "credits.take", companyId, null,
                    "available=" + (entry.balanceAfter() - amount), "available=" + entry.balanceAfter(), reason);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entry", entry.view());
        out.put("available", entry.balanceAfter());
        return out;
    }

    public Map<String, Object> suspend(Operators.Operator operator, String companyId, String reasonText) {
        String reason = reason(reasonText, true);
        company(companyId);
        Optional<String> before = companies.suspend(companyId, reason, operator.userId(), clock.instant().toString());
        audit.record(operator.userId(), operator.email(), "company.suspend", companyId, null,
                before.map(r -> "suspended: " + r).orElse("active"), "suspended: " + reason, reason);
        return Map.of("companyId", companyId, "suspended", true);
    }

    public Map<String, Object> unsuspend(Operators.Operator operator, String companyId, String reasonText) {
        String reason = reason(reasonText, false);
        company(companyId);
        Optional<String> before = companies.suspension(companyId);
        if (!companies.unsuspend(companyId)) {
            throw ApiException.conflict("not_suspended", "This company is not suspended.");
        }
        audit.record(operator.userId(), operator.email(), "company.unsuspend", companyId, null,
                before.map(r -> "suspended: " + r).orElse("suspended"), "active", reason);
        return Map.of("companyId", companyId, "suspended", false);
    }

    /** Disables (or enables again) one person: Cognito refuses their sign-in, their tokens are revoked, the API refuses them at once. */
    public Map<String, Object> disableUser(Operators.Operator operator, String userId, boolean disable, String reasonText) {
        String reason = reason(reasonText, disable);
        String companyId = store.companyOf(userId).orElseThrow(() -> ApiException.notFound("User"));
        Member member = companies.member(companyId, userId).orElseThrow(() -> ApiException.notFound("User"));
        boolean wasBlocked = store.block(companyId, userId, disable);
        if (disable) {
            users.disable(userId);
            users.signOutEverywhere(userId);
        } else {
            users.enable(userId);
        }
        audit.record(operator.userId(), operator.email(), disable ? "user.disable" : "user.enable", companyId, member.id(),
                wasBlocked ? "disabled" : "enabled", disable ? "disabled" : "enabled", reason);
        return Map.of("userId", userId, "companyId", companyId, "disabled", disable);
    }

    /** The company's name, if it still exists. */
    public java.util.Optional<String> companyName(String companyId) {
        return companies.company(companyId).map(com.image2model.company.Company::name);
    }

    public AuditLog.Page audit(String cursor) {
        return audit.page(cursor);
    }
}
