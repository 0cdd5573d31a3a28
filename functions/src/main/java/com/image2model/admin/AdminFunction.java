package com.image2model.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.Operators;

import tools.jackson.databind.JsonNode;

/**
 * The operator console's API, {@code /admin/...}: the company directory and one company, credit
 * adjustments, suspensions, disabling people, and the audit log. Every route refuses anyone but
 * the Cognito group {@code operators} (403 {@code operators_only}).
 */
public final class AdminFunction implements Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final java.util.regex.Pattern AUDIT_CURSOR = java.util.regex.Pattern.compile("\\d{13}-[0-9a-f]{8}");

    private final Operations operations;
    private final Figures figures;
    private final Function<String, Map<String, Object>> billing;

    /** {@code billing} answers a company's billing state (plan, seats, status) for its page. */
    public AdminFunction(Operations operations, Figures figures, Function<String, Map<String, Object>> billing) {
        this.operations = operations;
        this.figures = figures;
        this.billing = billing;
    }

    /** A month as YYYY-MM (default: this month), from 2020 to next year. */
    private static java.time.YearMonth month(String value, String name) {
        java.time.YearMonth now = java.time.YearMonth.now(java.time.ZoneOffset.UTC);
        if (value == null || value.isBlank()) {
            return now;
        }
        try {
            java.time.YearMonth month = java.time.YearMonth.parse(value.trim());
            if (month.getYear() < 2020 || month.isAfter(now.plusYears(1))) {
                throw new java.time.format.DateTimeParseException("out of range", value, 0);
            }
            return month;
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + name.toLowerCase(java.util.Locale.ROOT), name + " must be a month as YYYY-MM, from 2020 on.");
        }
    }

    @Override
    public APIGatewayV2HTTPResponse apply(APIGatewayV2HTTPEvent event) {
        try {
            Operators.require(event);
            Map<String, String> claims = event.getRequestContext().getAuthorizer().getJwt().getClaims();
            Operations.Operator operator = new Operations.Operator(claims.get("sub"), claims.getOrDefault("email", claims.getOrDefault("username", "")));
            Map<String, String> query = ApiRequests.query(event);
            Map<String, String> path = event.getPathParameters() == null ? Map.of() : event.getPathParameters();
            return switch (String.valueOf(event.getRouteKey())) {
                case "GET /admin/companies" -> {
                    AdminStore.Page page = operations.companies(query.get("query"), id(query.get("cursor"), "cursor", true));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("companies", page.companies());
                    out.put("nextCursor", page.nextCursor());
                    yield ApiResponses.json(200, out);
                }
                case "GET /admin/companies/{id}" -> ApiResponses.json(200, operations.company(id(path.get("id"), "id", false), billing));
                case "POST /admin/companies/{id}/credits" -> {
                    JsonNode body = ApiRequests.jsonBody(event);
                    long amount = ApiRequests.wholeNumber(body.get("amount"), "amount", "amount", -Operations.MOST_ADJUSTMENT, Operations.MOST_ADJUSTMENT);
                    // A retried request (same Idempotency-Key) adjusts once.
                    String key = ApiRequests.header(event.getHeaders(), "idempotency-key");
                    if (key == null || key.isBlank()) {
                        key = event.getRequestContext().getRequestId();
                    } else if (!key.matches("[A-Za-z0-9_-]{8,100}")) {
                        throw ApiException.badRequest("invalid_idempotency_key", "Idempotency-Key must be 8 to 100 letters, digits, - or _.");
                    }
                    yield ApiResponses.json(200, operations.adjust(operator, id(path.get("id"), "id", false), amount,
                            ApiRequests.optionalText(body, "reason", "reason"), key));
                }
                case "POST /admin/companies/{id}/suspend" -> ApiResponses.json(200, operations.suspend(operator, id(path.get("id"), "id", false),
                        ApiRequests.optionalText(ApiRequests.jsonBody(event), "reason", "reason")));
                case "POST /admin/companies/{id}/unsuspend" -> ApiResponses.json(200, operations.unsuspend(operator, id(path.get("id"), "id", false),
                        ApiRequests.optionalText(optionalBody(event), "reason", "reason")));
                case "POST /admin/users/{sub}/disable" -> ApiResponses.json(200, operations.disableUser(operator, id(path.get("sub"), "sub", false),
                        true, ApiRequests.optionalText(ApiRequests.jsonBody(event), "reason", "reason")));
                case "POST /admin/users/{sub}/enable" -> ApiResponses.json(200, operations.disableUser(operator, id(path.get("sub"), "sub", false),
                        false, ApiRequests.optionalText(optionalBody(event), "reason", "reason")));
                case "GET /admin/metrics" -> ApiResponses.json(200, figures.month(month(query.get("month"), "month")));
                case "GET /admin/revenue" -> ApiResponses.json(200, figures.revenue(query.get("churnMonth") == null
                        ? java.time.YearMonth.now(java.time.ZoneOffset.UTC).minusMonths(1) : month(query.get("churnMonth"), "churnMonth")));
                case "GET /admin/export/companies.csv" -> {
                    java.util.List<java.util.List<Object>> rows = new java.util.ArrayList<>();
                    String cursor = null;
                    do {
                        AdminStore.Page page = operations.companies(null, cursor);
                        page.companies().forEach(c -> rows.add(java.util.Arrays.asList(c.companyId(), c.name(), c.domain(), c.plan(), c.status(),
                                c.suspended(), c.members(), c.available(), c.held(), c.imagesThisMonth(), c.revenueToDateCents(), c.createdAt())));
                        cursor = page.nextCursor();
                    } while (cursor != null);
                    yield com.image2model.platform.Csv.download("companies.csv", com.image2model.platform.Csv.table(
                            java.util.List.of("id", "name", "domain", "plan", "status", "suspended", "members", "available", "held", "imagesThisMonth",
                                    "revenueToDateCents", "createdAt"), rows));
                }
                case "GET /admin/export/metrics.csv" -> {
                    java.time.YearMonth m = month(query.get("month"), "month");
                    Map<String, Object> figures = this.figures.month(m);
                    java.util.List<java.util.List<Object>> rows = new java.util.ArrayList<>();
                    for (Object day : (java.util.List<?>) figures.get("daily")) {
                        Map<?, ?> d = (Map<?, ?>) day;
                        rows.add(java.util.List.of(d.get("day"), d.get("revenueCents"), d.get("imagesDone"), d.get("newCompanies")));
                    }
                    yield com.image2model.platform.Csv.download("metrics-" + m + ".csv", com.image2model.platform.Csv.table(
                            java.util.List.of("day", "revenueCents", "imagesDone", "newCompanies"), rows));
                }
                case "GET /admin/audit" -> {
                    String cursor = query.get("cursor");
                    if (cursor != null && !AUDIT_CURSOR.matcher(cursor).matches()) {
                        throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
                    }
                    AuditLog.Page page = operations.audit(cursor);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("entries", page.entries().stream().map(AuditLog.Entry::view).toList());
                    out.put("nextCursor", page.nextCursor());
                    yield ApiResponses.json(200, out);
                }
                default -> throw ApiException.notFound("Route " + event.getRouteKey());
            };
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    /** An id from the path or the query: a 404 (path) or 400 (query) for anything that cannot be one. */
    private static String id(String value, String name, boolean optional) {
        if (value == null || value.isEmpty()) {
            if (optional) {
                return null;
            }
            throw ApiException.notFound("Company");
        }
        if (!ID.matcher(value).matches()) {
            if (optional) {
                throw ApiException.badRequest("invalid_" + name, name + " must be the nextCursor of a previous page.");
            }
            throw ApiException.notFound(name.equals("sub") ? "User" : "Company");
        }
        return value;
    }

    /** A body that may be left out: none is an empty object. */
    private static JsonNode optionalBody(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody();
        return raw == null || raw.isBlank() ? ApiResponses.JSON.createObjectNode() : ApiRequests.jsonBody(event);
    }

    /** The company's billing fields as its item holds them, for the company page. */
    public static Map<String, Object> billingOf(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plan", com.image2model.platform.DynamoItems.str(item, "plan"));
        out.put("seats", com.image2model.platform.DynamoItems.num(item, "seats"));
        out.put("status", com.image2model.platform.DynamoItems.str(item, "subscriptionStatus"));
        out.put("pastDue", com.image2model.platform.DynamoItems.bool(item, "pastDue"));
        out.put("hasBillingAccount", item.containsKey("stripeCustomerId"));
        return out;
    }
}
