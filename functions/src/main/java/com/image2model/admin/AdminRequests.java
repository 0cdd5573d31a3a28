package com.image2model.admin;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;

import tools.jackson.databind.JsonNode;

/** The operators' request parts, checked: ids, months and bodies that may be left out. */
final class AdminRequests {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private AdminRequests() {
    }

    /** An id from the path: a 404 for anything that cannot be one. */
    static String pathId(APIGatewayV2HTTPEvent event, String name) {
        String value = event.getPathParameters() == null ? null : event.getPathParameters().get(name);
        if (value == null || value.isEmpty() || !ID.matcher(value).matches()) {
            throw ApiException.notFound(name.equals("sub") ? "User" : "Company");
        }
        return value;
    }

    /** A cursor of the query: absent, or a 400 for anything that cannot be one. */
    static String cursor(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!ID.matcher(value).matches()) {
            throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page.");
        }
        return value;
    }

    /** A month as YYYY-MM (default: this month), from 2020 to next year. */
    static YearMonth month(String value, String name) {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        if (value == null || value.isBlank()) {
            return now;
        }
        try {
            YearMonth month = YearMonth.parse(value.trim());
            if (month.getYear() < 2020 || month.isAfter(now.plusYears(1))) {
                throw new DateTimeParseException("out of range", value, 0);
            }
            return month;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + name.toLowerCase(Locale.ROOT), name + " must be a month as YYYY-MM, from 2020 on.");
        }
    }

    /** A body that may be left out: none is an empty object. */
    static JsonNode optionalBody(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody();
        return raw == null || raw.isBlank() ? ApiResponses.JSON.createObjectNode() : ApiRequests.jsonBody(event);
    }

    /** The reason an operator gives, from a body that must be there or may be left out. */
    static String reason(APIGatewayV2HTTPEvent event, boolean bodyRequired) {
        return ApiRequests.optionalText(bodyRequired ? ApiRequests.jsonBody(event) : optionalBody(event), "reason", "reason");
    }
}
