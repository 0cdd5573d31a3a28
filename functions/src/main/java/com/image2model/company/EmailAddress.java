package com.image2model.company;

import java.util.Locale;
import java.util.regex.Pattern;

/** An email address as the product keys it: trimmed, lower case, with its domain. */
public record EmailAddress(String value, String domain) {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]{1,64}@[a-z0-9.-]+\\.[a-z]{2,}$");

    public static EmailAddress parse(String raw) {
        String value = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        if (value.length() > 254 || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + raw + "' is not an email address");
        }
        return new EmailAddress(value, value.substring(value.indexOf('@') + 1));
    }

    public String localPart() {
        return value.substring(0, value.indexOf('@'));
    }
}
