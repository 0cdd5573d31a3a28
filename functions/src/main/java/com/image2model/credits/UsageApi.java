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

/** The usage routes: GET /usage (per day, member or project) and GET /usage/report.csv (admins). */
public final class UsageApi {

    /** The names of a company's projects, by id (the credits count by id; people read names). */
    @FunctionalInterface
    public interface ProjectNames {
        Map<String, String> of(String companyId);
    }

    private final CreditLedger ledger;
    private final CompanyFacts companies;
    private final ProjectNames projects;
    private final Clock clock;

    public UsageApi(CreditLedger ledger, CompanyFacts companies, ProjectNames projects, Clock clock) {
        this.ledger = ledger;
        this.companies = companies;
        this.projects = projects;
        this.clock = clock;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /usage", (caller, event) -> ApiResponses.json(200, usage(caller, ApiRequests.query(event))));
        routes.put("GET /usage/report.csv", (caller, event) -> report(caller, ApiRequests.query(event)));
        return routes;
    }

    /**
     * The company admin's "download report": images and credits per day and member, as CSV; with
     * {@code groupBy=project}, per day and project (the project's name and id, for the client's invoice).
     */
    private APIGatewayV2HTTPResponse report(TenantContext caller, Map<String, String> query) {
        caller.requireAdmin();
        UsagePeriod period = UsagePeriod.of(query, clock);
        String groupBy = query.getOrDefault("groupBy", "user");
        if (!groupBy.equals("user") && !groupBy.equals("project")) {
            throw ApiException.badRequest("invalid_group_by", "The report's groupBy is user or project.");
        }
        boolean byProject = groupBy.equals("project");
        Map<String, String> names = byProject ? projects.of(caller.companyId()) : companies.memberEmails(caller.companyId());
        List<List<Object>> rows = new ArrayList<>();
        for (CreditLedger.Usage row : ledger.usage(caller.companyId(), period.from().toString(), period.to().toString(),
                byProject ? CreditLedger.UsageGroup.PROJECT : CreditLedger.UsageGroup.MEMBER)) {
            String name = names.getOrDefault(row.member(), row.member());
            rows.add(byProject ? List.of(row.day(), name, row.member(), row.images(), row.credits())
                    : List.of(row.day(), name, row.images(), row.credits()));
        }
        return Csv.download("usage-" + (byProject ? "by-project-" : "") + period.from() + "-to-" + period.to() + ".csv",
                Csv.table(byProject ? List.of("day", "project", "project_id", "images", "credits") : List.of("day", "member", "images", "credits"),
                        rows));
    }

    private Map<String, Object> usage(TenantContext caller, Map<String, String> query) {
        UsagePeriod period = UsagePeriod.of(query, clock);
        String groupBy = query.getOrDefault("groupBy", "day");
        CreditLedger.UsageGroup group = switch (groupBy) {
            case "day" -> CreditLedger.UsageGroup.DAY;
            case "user" -> CreditLedger.UsageGroup.MEMBER;
            case "project" -> CreditLedger.UsageGroup.PROJECT;
            default -> throw ApiException.badRequest("invalid_group_by", "groupBy is day, user or project.");
        };
        Map<String, long[]> groups = new LinkedHashMap<>();
        for (CreditLedger.Usage row : ledger.usage(caller.companyId(), period.from().toString(), period.to().toString(), group)) {
            long[] totals = groups.computeIfAbsent(group == CreditLedger.UsageGroup.DAY ? row.day() : row.member(), k -> new long[2]);
            totals[0] += row.images();
            totals[1] += row.credits();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", period.from().toString());
        out.put("to", period.to().toString());
        out.put("groupBy", groupBy);
        Map<String, String> names = group == CreditLedger.UsageGroup.PROJECT ? projects.of(caller.companyId()) : Map.of();
        out.put("rows", groups.entrySet().stream().map(e -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(groupBy, e.getKey());
            if (group == CreditLedger.UsageGroup.PROJECT) {
                row.put("name", names.getOrDefault(e.getKey(), e.getKey()));
            }
            row.put("images", e.getValue()[0]);
            row.put("credits", e.getValue()[1]);
            return row;
        }).toList());
        return out;
    }
}
