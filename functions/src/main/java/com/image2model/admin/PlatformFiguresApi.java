package com.image2model.admin;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.platform.Csv;
import com.image2model.tenancy.OperatorRoutes;

/** The operators' routes on the platform as a whole: the month's figures (and their CSV), revenue and churn, the audit log. */
public final class PlatformFiguresApi {

    private static final Pattern AUDIT_CURSOR = Pattern.compile("\\d{13}-[0-9a-f]{8}");

    private final Figures figures;
    private final Operations operations;

    public PlatformFiguresApi(Figures figures, Operations operations) {
        this.figures = figures;
        this.operations = operations;
    }

    public Map<String, OperatorRoutes.Route> routes() {
        Map<String, OperatorRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /admin/metrics", (operator, event) -> ApiResponses.json(200,
                figures.month(AdminRequests.month(ApiRequests.query(event).get("month"), "month"))));
        routes.put("GET /admin/revenue", (operator, event) -> {
            String churnMonth = ApiRequests.query(event).get("churnMonth");
            return ApiResponses.json(200, figures.revenue(churnMonth == null
                    ? YearMonth.now(ZoneOffset.UTC).minusMonths(1) : AdminRequests.month(churnMonth, "churnMonth")));
        });
        routes.put("GET /admin/export/metrics.csv", (operator, event) -> metricsCsv(AdminRequests.month(ApiRequests.query(event).get("month"), "month")));
        routes.put("GET /admin/audit", (operator, event) -> {
            String cursor = ApiRequests.query(event).get("cursor");
            if (cursor != null && !AUDIT_CURSOR.matcher(cursor).matches()) {
                throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
            }
            AuditLog.Page page = operations.audit(cursor);
            Map<String, Object> out = new LinkedHashMap<>();
            // Each company named as operators know it (an erased company keeps its id only).
            Map<String, String> names = new java.util.HashMap<>();
            out.put("entries", page.entries().stream().map(entry -> {
                Map<String, Object> view = entry.view();
                if (entry.companyId() != null) {
                    view.put("companyName", names.computeIfAbsent(entry.companyId(),
                            id -> operations.companyName(id).orElse(null)));
                }
                return view;
            }).toList());
            out.put("nextCursor", page.nextCursor());
            return ApiResponses.json(200, out);
        });
        return routes;
    }

    private APIGatewayV2HTTPResponse metricsCsv(YearMonth month) {
        List<List<Object>> rows = new ArrayList<>();
        for (Object day : (List<?>) figures.month(month).get("daily")) {
            Map<?, ?> d = (Map<?, ?>) day;
            rows.add(List.of(d.get("day"), d.get("revenueCents"), d.get("imagesDone"), d.get("newCompanies")));
        }
        return Csv.download("metrics-" + month + ".csv", Csv.table(List.of("day", "revenueCents", "imagesDone", "newCompanies"), rows));
    }
}
