package com.image2model.fal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import com.image2model.platform.InvocationDeadline;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FAL's queue API: submit with a webhook, then follow the URLs the submission answered (status,
 * result, cancel). 429 and 5xx are retried here with exponential backoff and full jitter, a few
 * times, never long: beyond that the caller's own retry (SQS, the webhook's redelivery) takes over.
 *
 * <p>Every attempt and every wait also fits in what is left of the invocation
 * ({@link InvocationDeadline}), keeping {@link #RESERVE_MILLIS} to record the outcome: a worker's
 * batch against a FAL that answers slowly ends before Lambda's timeout, and what it could not
 * submit is left to SQS instead of being cut off mid-write.
 */
public final class FalClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Kept free at the end of an invocation for what follows a FAL call (the table writes, the answer). */
    public static final long RESERVE_MILLIS = 3_000;
    /** No attempt is started with less time than this. */
    static final long MIN_ATTEMPT_MILLIS = 1_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

    public record Submission(String requestId, String statusUrl, String responseUrl, String cancelUrl) {
    }

    public enum State {
        IN_QUEUE, IN_PROGRESS, COMPLETED
    }

    /** The model's output, or why there is none (FAL has no FAILED state: the result fetch tells). */
    public record Result(JsonNode output, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** FAL refused or failed; {@code retryable} for 429, 5xx and network trouble. */
    public static final class FalException extends RuntimeException {
        private final int status;
        private final boolean retryable;

        public FalException(int status, boolean retryable, String message) {
            super(message);
            this.status = status;
            this.retryable = retryable;
        }

        public int status() {
            return status;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final HttpClient http;
    private final String queueUrl;
    /** FAL's API key, read when a call needs it (it may not be set yet after a first deploy). */
    private final java.util.function.Supplier<String> key;
    private final int attempts;
    private final long baseBackoffMillis;

    public FalClient(HttpClient http, String queueUrl, java.util.function.Supplier<String> key, int attempts, long baseBackoffMillis) {
        this.http = http;
        this.queueUrl = queueUrl.endsWith("/") ? queueUrl.substring(0, queueUrl.length() - 1) : queueUrl;
        this.key = key;
        this.attempts = Math.max(1, attempts);
        this.baseBackoffMillis = baseBackoffMillis;
    }

    public static HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** POST {queue}/{app}?fal_webhook=...: the model input as JSON; answers the request's URLs. */
    public Submission submit(String app, JsonNode input, String webhookUrl) {
        URI uri = URI.create(queueUrl + "/" + app + "?fal_webhook=" + URLEncoder.encode(webhookUrl, StandardCharsets.UTF_8));
        HttpResponse<String> response = send(() -> authorized(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(input))).build());
        if (response.statusCode() / 100 != 2) {
            throw refused("submit", response);
        }
        JsonNode body = JSON.readTree(response.body());
        String requestId = body.path("request_id").asString(null);
        if (requestId == null) {
            throw new FalException(response.statusCode(), true, "FAL's submit answer had no request_id");
        }
        return new Submission(requestId, body.path("status_url").asString(null), body.path("response_url").asString(null),
                body.path("cancel_url").asString(null));
    }

    /** The request's state: 202 while queued or running, 200 once completed. */
    public State status(String statusUrl) {
        HttpResponse<String> response = send(() -> authorized(URI.create(statusUrl)).GET().build());
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw refused("status", response);
        }
        String status = JSON.readTree(response.body()).path("status").asString("");
        return switch (status) {
            case "COMPLETED" -> State.COMPLETED;
            case "IN_PROGRESS" -> State.IN_PROGRESS;
            default -> State.IN_QUEUE;
        };
    }

    /** The output of a completed request; a 422 is the input's fault and comes back as an error, not an exception. */
    public Result result(String responseUrl) {
        HttpResponse<String> response = send(() -> authorized(URI.create(responseUrl)).GET().build());
        if (response.statusCode() == 200) {
            return new Result(JSON.readTree(response.body()), null);
        }
        if (response.statusCode() == 422) {
            return new Result(null, errorText(response.body()));
        }
        throw refused("result", response);
    }

    /**
     * Asks FAL to drop a queued or running request; answers whether FAL took the cancellation (2xx).
     * False when it will not (400 {@code ALREADY_COMPLETED}: its result exists or is being made).
     */
    public boolean cancel(String cancelUrl) {
        HttpResponse<String> response = send(() -> authorized(URI.create(cancelUrl)).PUT(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() / 100 == 2) {
            return true;
        }
        if (response.statusCode() == 400) {
            return false;
        }
        throw refused("cancel", response);
    }

    /** Downloads a result file, refusing one larger than {@code maxBytes}. */
    public byte[] download(String url, long maxBytes) {
        for (int attempt = 1; ; attempt++) {
            Duration timeout = attemptTimeout(DOWNLOAD_TIMEOUT, "download the model");
            try {
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    if (response.statusCode() != 200) {
                        boolean retryable = response.statusCode() == 429 || response.statusCode() >= 500;
                        if (retryable && attempt < attempts && backOff(attempt, null)) {
                            continue;
                        }
                        throw new FalException(response.statusCode(), retryable, "Downloading the model answered " + response.statusCode());
                    }
                    long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
                    if (declared > maxBytes) {
                        throw new FalException(413, false, "The model is " + declared + " bytes, over the " + maxBytes + "-byte limit");
                    }
                    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                    if (bytes.length > maxBytes) {
                        throw new FalException(413, false, "The model is over the " + maxBytes + "-byte limit");
                    }
                    return bytes;
                }
            } catch (IOException e) {
                if (attempt >= attempts || !backOff(attempt, null)) {
                    throw new FalException(0, true, "Downloading the model failed: " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FalException(0, true, "Interrupted");
            }
        }
    }

    private HttpRequest.Builder authorized(URI uri) {
        String value;
        try {
            value = key.get();
        } catch (com.image2model.platform.Secrets.Unusable e) {
            // Like FAL not answering: the work waits for the key (retried), and is released if it never comes.
            throw new FalException(0, true, "FAL cannot be called: " + e.getMessage());
        }
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Authorization", "Key " + value)
                .header("Accept", "application/json");
    }

    private HttpResponse<String> send(java.util.function.Supplier<HttpRequest> request) {
        for (int attempt = 1; ; attempt++) {
            Duration timeout = attemptTimeout(REQUEST_TIMEOUT, "call FAL");
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(request.get(), (name, value) -> true).timeout(timeout).build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if ((status == 429 || status >= 500) && attempt < attempts
                        && backOff(attempt, response.headers().firstValue("retry-after").orElse(null))) {
                    continue;
                }
                return response;
            } catch (IOException e) {
                if (attempt >= attempts || !backOff(attempt, null)) {
                    throw new FalException(0, true, "FAL could not be reached: " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FalException(0, true, "Interrupted");
            }
        }
    }

    /** The timeout of the next attempt: {@code most}, or less to end before the invocation's reserve; none when too little is left. */
    private static Duration attemptTimeout(Duration most, String what) {
        long left = InvocationDeadline.remainingMillis() - RESERVE_MILLIS;
        if (left < MIN_ATTEMPT_MILLIS) {
            throw new FalException(0, true, "No time left in this invocation to " + what + "; it is retried later");
        }
        return left >= most.toMillis() ? most : Duration.ofMillis(left);
    }

    /** Waits before the next attempt; answers false (without waiting) when the wait and an attempt no longer fit in the invocation. */
    private boolean backOff(int attempt, String retryAfter) {
        long cap = baseBackoffMillis << Math.min(attempt - 1, 6);
        long wait = ThreadLocalRandom.current().nextLong(cap + 1);
        if (retryAfter != null) {
            try {
                // Honour Retry-After, but a worker never sleeps long: SQS retries later instead.
                wait = Math.max(wait, Math.min(Long.parseLong(retryAfter.trim()) * 1000, 4 * baseBackoffMillis << 3));
            } catch (NumberFormatException ignored) {
                // An HTTP date: the jittered wait stands.
            }
        }
        if (wait + MIN_ATTEMPT_MILLIS > InvocationDeadline.remainingMillis() - RESERVE_MILLIS) {
            return false;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FalException(0, true, "Interrupted");
        }
        return true;
    }

    private static FalException refused(String what, HttpResponse<String> response) {
        int status = response.statusCode();
        boolean retryable = status == 429 || status >= 500;
        return new FalException(status, retryable, "FAL " + what + " answered " + status + ": " + errorText(response.body()));
    }

    /** FAL's error bodies: {"detail": "text"} or {"detail": [{"msg": ..., "loc": [...]}, ...]}. */
    public static String errorText(String body) {
        try {
            String text = detailText(JSON.readTree(body).path("detail"));
            if (text != null) {
                return text;
            }
        } catch (RuntimeException ignored) {
            // Not JSON: the body itself, shortened.
        }
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) : body;
    }

    /** The words of a FAL {@code detail}: its text, or its items' messages joined; null when there are none. */
    public static String detailText(JsonNode detail) {
        if (detail.isString()) {
            return detail.asString();
        }
        if (detail.isArray() && !detail.isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode item : detail) {
                if (!text.isEmpty()) {
                    text.append("; ");
                }
                text.append(item.path("msg").asString(item.toString()));
            }
            return text.toString();
        }
        return null;
    }
}
