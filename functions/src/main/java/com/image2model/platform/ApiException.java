package com.image2model.platform;

/** A request the API refuses: an HTTP status, a machine-readable code and a message for people. */
public class ApiException extends Refusal {

    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public ApiException(int status, String code, String message) {
        super(status, code, message);
    }

    /** Headers the answer carries besides the body (Retry-After on a 429). */
    public java.util.Map<String, String> headers() {
        return java.util.Collections.unmodifiableMap(headers);
    }

    public ApiException withHeader(String name, String value) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
        return this;
    }

    @Override
    public ApiException withDetail(String name, Object value) {
        super.withDetail(name, value);
        return this;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    public static ApiException forbidden(String code, String message) {
        return new ApiException(403, code, message);
    }

    /** Also the answer for another company's ids: they must look exactly like ids that do not exist. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }
}
