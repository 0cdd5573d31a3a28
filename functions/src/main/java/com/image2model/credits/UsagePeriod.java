package com.image2model.credits;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

import com.image2model.platform.ApiException;

/** The days of a usage query, {@code from} and {@code to} inclusive: by default the last 30, at most a year and a day. */
record UsagePeriod(LocalDate from, LocalDate to) {

    static final int MAX_USAGE_DAYS = 366;

    static UsagePeriod of(Map<String, String> query, Clock clock) {
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
        return new UsagePeriod(from, to);
    }
}
