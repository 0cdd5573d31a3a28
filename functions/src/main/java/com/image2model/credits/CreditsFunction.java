package com.image2model.credits;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.company.Company;
import com.image2model.company.CompanyStore;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.TenantContext;

import tools.jackson.databind.JsonNode;

/** The credits API: GET /credits, GET /credits/ledger, POST /credits/estimate, GET /usage. */
public final class CreditsFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final int MAX_FILES = 100;
    static final int LEDGER_PAGE = 50;
    static final int MAX_USAGE_DAYS = 366;

    private final CreditLedger ledger;
    private final FairUse fairUse;
    private final CompanyStore companies;
    private final Catalog catalog;
    private final long lowBalanceThreshold;
    private final Clock clock;

    private final com.image2model.tenancy.Callers callers;
    private final com.image2model.limits.PersonalLimits personal;

    public CreditsFunction(com.image2model.tenancy.Callers callers, CreditLedger ledger, FairUse fairUse, CompanyStore companies, Catalog catalog, long lowBalanceThreshold, com.image2model.limits.PersonalLimits personal,
                           Clock clock) {
        this.callers = callers;
        this.ledger = ledger;
        this.fairUse = fairUse;
        this.companies = companies;
        this.catalog = catalog;
        this.lowBalanceThreshold = lowBalanceThreshold;
        this.clock = clock;
        this.personal = personal;
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            TenantContext caller = callers.verify(event);
            Map<String, String> query = ApiRequests.query(event);
            return switch (String.valueOf(event.getRouteKey())) {
                case "GET /credits" -> ApiResponses.json(200, credits(caller));
                case "GET /credits/ledger" -> ApiResponses.json(200, ledgerPage(caller, query.get("cursor")));
                case "POST /credits/estimate" -> ApiResponses.json(200, estimate(caller, ApiRequests.jsonBody(event)));
                case "GET /usage" -> ApiResponses.json(200, usage(caller, query));
                case "GET /usage/report.csv" -> report(caller, query);
                default -> throw ApiException.notFound("Route " + event.getRouteKey());
            };
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    private Map<String, Object> credits(TenantContext caller) {
        CreditLedger.Balance balance = ledger.balance(caller.companyId());
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        long usedThisMonth = ledger.usage(caller.companyId(), today.withDayOfMonth(1).toString(), today.toString(), false)
                .stream().mapToLong(CreditLedger.Usage::credits).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("available", balance.available());
        out.put("held", balance.held());
        String plan = companies.company(caller.companyId()).map(Company::plan).orElse(null);
        out.put("plan", plan);
        if (Catalog.UNLIMITED_PLAN.equals(plan)) {
            FairUse.Standing standing = fairUse.standing(caller.companyId());
            Map<String, Object> fair = new LinkedHashMap<>();
            fair.put("month", standing.month());
            fair.put("images", standing.used());
            fair.put("cap", standing.cap());
            fair.put("warning", standing.warning());
            fair.put("reached", standing.reached());
            out.put("fairUse", fair);
        }
        out.put("usedThisMonth", usedThisMonth);
        out.put("lowBalance", balance.available() < lowBalanceThreshold);
        out.put("lowBalanceThreshold", lowBalanceThreshold);
        // The caller's own limits (this request already counted).
        out.put("limits", personal.view(caller.companyId(), caller.userId()));
        return out;
    }

    private Map<String, Object> ledgerPage(TenantContext caller, String cursor) {
        Long before = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
            }
        }
        List<CreditLedger.Entry> entries = ledger.entries(caller.companyId(), before, LEDGER_PAGE);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", entries.stream().map(CreditLedger.Entry::view).toList());
        CreditLedger.Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        out.put("nextCursor", last == null || last.sequence() <= 1 || entries.size() < LEDGER_PAGE ? null : String.valueOf(last.sequence()));
        return out;
    }

    private Map<String, Object> estimate(TenantContext caller, JsonNode body) {
        String quality = ApiRequests.optionalText(body, "quality", "quality");
        OptionalLong perImage = catalog.costPerImage(quality);
        if (perImage.isEmpty()) {
            throw ApiException.badRequest("invalid_quality", "quality must be one of " + catalog.costs().keySet() + ".");
        }
        long files = ApiRequests.wholeNumber(body.get("files"), "files", "files", 1, MAX_FILES);
        long cost = Math.multiplyExact(perImage.getAsLong(), files);
        long available = ledger.balance(caller.companyId()).available();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cost", cost);
        out.put("perImage", perImage.getAsLong());
        out.put("available", available);
        out.put("fits", available >= cost);
        return out;
    }

    /** The days {@code from} and {@code to} of a usage query (default: the last 30 days), checked. */
    private LocalDate[] period(Map<String, String> query) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from;
        LocalDate to;
        try {
            to = query.containsKey("to") ? LocalDate.parse(query.get("to")) : today;
            from = query.containsKey("from") ? LocalDate.parse(query.get("from")) : to.minusDays(29);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_date", "from and to are days like 2026-11-21.");
        }
        if (from.isAfter(to) || from.plusDays(MAX_USAGE_DAYS).isBefore(to)) {
            throw ApiException.badRequest("invalid_range", "from must be on or before to, and at most " + MAX_USAGE_DAYS + " days before it.");
        }
        return new LocalDate[] {from, to};
    }

    /** The company admin's "download report": images and credits per day and member, as CSV. */
    private APIGatewayV2HTTPResponse report(TenantContext caller, Map<String, String> query) {
        caller.requireAdmin();
        LocalDate[] period = period(query);
        Map<String, String> emails = new java.util.HashMap<>();
        companies.members(caller.companyId()).forEach(m -> emails.put(m.id(), m.email()));
        List<List<Object>> rows = new java.util.ArrayList<>();
        for (CreditLedger.Usage row : ledger.usage(caller.companyId(), period[0].toString(), period[1].toString(), true)) {
            rows.add(List.of(row.day(), emails.getOrDefault(row.member(), row.member()), row.images(), row.credits()));
        }
        return com.image2model.platform.Csv.download("usage-" + period[0] + "-to-" + period[1] + ".csv",
                com.image2model.platform.Csv.table(List.of("day", "member", "images", "credits"), rows));
    }

    private Map<String, Object> usage(TenantContext caller, Map<String, String> query) {
        LocalDate[] period = period(query);
        LocalDate from = period[0];
        LocalDate to = period[1];
        String groupBy = query.getOrDefault("groupBy", "day");
        if (!groupBy.equals("day") && !groupBy.equals("user")) {
            throw ApiException.badRequest("invalid_group_by", "groupBy is day or user.");
        }
        List<CreditLedger.Usage> rows = ledger.usage(caller.companyId(), from.toString(), to.toString(), groupBy.equals("user"));
        Map<String, long[]> groups = new LinkedHashMap<>();
        for (CreditLedger.Usage row : rows) {
            long[] totals = groups.computeIfAbsent(groupBy.equals("user") ? row.member() : row.day(), k -> new long[2]);
            totals[0] += row.images();
            totals[1] += row.credits();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("groupBy", groupBy);
        out.put("rows", groups.entrySet().stream().map(e -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(groupBy, e.getKey());
            row.put("images", e.getValue()[0]);
            row.put("credits", e.getValue()[1]);
            return row;
        }).toList());
        return out;
    }

}
