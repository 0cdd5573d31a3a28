package com.image2model.platform;

/**
 * A rule's refusal in the words the API answers with: an HTTP status, a machine-readable code and a
 * message for people. The cores throw it (they know nothing of HTTP events); the API's routes
 * ({@code MemberRoutes}, {@code OperatorRoutes}) answer it as its JSON error.
 */
public class Refusal extends RuntimeException {

    private final int status;
    private final String code;
    private final java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();

    public Refusal(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Figures the answer carries beside its code and message, for a program to act on (what is left of a budget). */
    public java.util.Map<String, Object> details() {
        return java.util.Collections.unmodifiableMap(details);
    }

    public Refusal withDetail(String name, Object value) {
        details.put(name, value);
        return this;
    }
}
