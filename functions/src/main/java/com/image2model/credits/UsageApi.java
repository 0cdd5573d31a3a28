package com.image2model.credits;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Csv;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

/** The usage routes: GET /usage (per day or member) and GET /usage/report.csv (admins). */
public final class UsageApi {

    private final CreditLedger ledger;
    private final CompanyFacts companies;
    private final Clock clock;

    public UsageApi(CreditLedger ledger, CompanyFacts companies, Clock clock) {
        this.ledger = ledger;
        this.companies = companies;
        this.clock = clock;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /usage", (caller, event) -> ApiResponses.json(200, usage(caller, ApiRequests.query(event))));
        routes.put("GET /usage/report.csv", (caller, event) -> report(caller, ApiRequests.query(event)));
        return routes;
    }

    /** The company admin's "download report": images and credits per day and member, as CSV. */
    private APIGatewayV2HTTPResponse report(TenantContext caller, Map<String, String> query) {
        caller.requireAdmin();
        UsagePeriod period = UsagePeriod.of(query, clock);
        Map<String, String> emails = companies.memberEmails(caller.companyId());
        List<List<Object>> rows = new ArrayList<>();
        for (CreditLedger.Usage row : ledger.usage(caller.companyId(), period.from().toString(), period.to().toString(), true)) {
            rows.add(List.of(row.day(), emails.getOrDefault(row.member(), row.member()), row.images(), row.credits()));
        }
        return Csv.download("usage-" + period.from() + "-to-" + period.to() + ".csv",
                Csv.table(List.of("day", "member", "images", "credits"), rows));
    }

    private Map<String, Object> usage(TenantContext caller, Map<String, String> query) {
        UsagePeriod period = UsagePeriod.of(query, clock);
        String groupBy = query.getOrDefault("groupBy", "day");
        if (!groupBy.equals("day") && !groupBy.equals("user")) {
            throw ApiException.badRequest("invalid_group_by", "groupBy is day or user.");
        }
        Map<String, long[]> groups = new LinkedHashMap<>();
        for (CreditLedger.Usage row : ledger.usage(caller.companyId(), period.from().toString(), period.to().toString(), groupBy.equals("user"))) {
            long[] totals = groups.computeIfAbsent(groupBy.equals("user") ? row.member() : row.day(), k -> new long[2]);
            totals[0] += row.images();
            totals[1] += row.credits();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", period.from().toString());
        out.put("to", period.to().toString());
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
