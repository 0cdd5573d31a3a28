package com.image2model.devstack.stripe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.image2model.credits.Catalog;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Stripe API subset billing calls, for the devstack (test mode): customers, Checkout Sessions,
 * Customer Portal sessions, subscriptions, invoices, refunds, with Stripe's JSON shapes, form
 * encoding, list pagination and idempotency keys. It serves a checkout page (Pay / Decline) and a
 * portal page (seats, cancel), and sends the events Stripe would, signed like Stripe
 * ({@code Stripe-Signature: t=...,v1=HMAC-SHA256}), to the webhook URL, again until it gets a 2xx.
 * Its prices are the catalog's test-mode price ids.
 */
public final class StripeStandIn implements AutoCloseable {

    /**
     * The stand-in's keys, new for every devstack run and shaped like Stripe's (the functions refuse
     * keys that are not): there is no public devstack key that a deployed stack could be given.
     */
    public static final String SECRET_KEY = "sk_test_" + random(32);
    public static final String WEBHOOK_SECRET = "whsec_" + random(32);

    private static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
    static final String API_VERSION = "2026-05-27.dahlia";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final Clock clock;
    private final Map<String, Catalog.Item> prices = new LinkedHashMap<>();
    private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    private final Map<String, byte[]> idempotent = new ConcurrentHashMap<>();
    private final List<ObjectNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService deliveries = Executors.newScheduledThreadPool(1, com.image2model.devstack.Daemons.named("stripe-webhooks"));
    private volatile String webhookUrl;
    /** While held, events are recorded but not sent (tests deliver them in an order of their choosing). */
    private volatile boolean held;

    public StripeStandIn(int port, Catalog catalog, Clock clock) throws IOException {
        this.clock = clock;
        for (Catalog.Item item : catalog.items()) {
            prices.put(item.testPrice(), item);
        }
        this.server = HttpServer.create(new InetSocketAddress("localhost", port), 64);
        this.server.createContext("/", this::handle);
        this.server.setExecutor(Executors.newFixedThreadPool(4, com.image2model.devstack.Daemons.named("stripe-http")));
    }

    public StripeStandIn start(String webhookUrl) {
        this.webhookUrl = webhookUrl;
        server.start();
        return this;
    }

    public void webhookUrl(String url) {
        this.webhookUrl = url;
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Whether an object (a customer, a subscription...) exists, for tests: a deleted customer does not. */
    public boolean exists(String id) {
        return objects.containsKey(id);
    }

    // ------------------------------------------------------------------ for tests and the devstack

    public List<ObjectNode> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The Stripe-Signature header Stripe would send for this payload at this time. */
    public static String signature(String payload, long epochSeconds, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((epochSeconds + "." + payload).getBytes(StandardCharsets.UTF_8));
            return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delivers an event (again) now; answers the webhook's HTTP status. */
    public int deliver(ObjectNode event) throws IOException, InterruptedException {
        String payload = JSON.writeValueAsString(event);
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhookUrl)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", signature(payload, now(), WEBHOOK_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Pays a Checkout Session as the checkout page's Pay button does. */
    public synchronized void pay(String sessionId) {
        ObjectNode session = find(sessionId);
        if (!"open".equals(session.path("status").asText())) {
            throw new IllegalStateException("Session " + sessionId + " is " + session.path("status").asText());
        }
        Catalog.Item item = prices.get(session.at("/line_items/0/price").asText());
        long quantity = session.at("/line_items/0/quantity").asLong(1);
        String customer = session.path("customer").asText();
        if (session.path("mode").asText().equals("payment")) {
            ObjectNode intent = paymentIntent(customer, session.path("amount_total").asLong(), session.path("payment_intent_data").path("metadata"));
            session.put("payment_intent", intent.path("id").asText());
        } else {
            ObjectNode subscription = create("sub", "subscription");
            subscription.put("customer", customer);
            subscription.put("status", "active");
            subscription.put("cancel_at_period_end", false);
            subscription.set("metadata", session.path("subscription_data").path("metadata").deepCopy());
            ObjectNode subscriptionItem = JSON.createObjectNode();
            subscriptionItem.put("id", id("si"));
            subscriptionItem.put("object", "subscription_item");
            subscriptionItem.set("price", price(item));
            subscriptionItem.put("quantity", quantity);
            subscriptionItem.put("current_period_start", now());
            subscriptionItem.put("current_period_end", monthLater(now()));
            ObjectNode items = subscription.putObject("items");
            items.put("object", "list");
            items.putArray("data").add(subscriptionItem);
            session.put("subscription", subscription.path("id").asText());
            emit("customer.subscription.created", subscription);
            emit("invoice.paid", invoice(subscription, "subscription_create"));
        }
        session.put("status", "complete");
        session.put("payment_status", "paid");
        emit("checkout.session.completed", session);
    }

    /** The next billing period of a subscription (as a month passing would bring): a new paid invoice. */
    public synchronized ObjectNode renew(String subscriptionId) {
        ObjectNode subscription = find(subscriptionId);
        ObjectNode item = (ObjectNode) subscription.at("/items/data/0");
        long start = item.path("current_period_end").asLong();
        item.put("current_period_start", start);
        item.put("current_period_end", monthLater(start));
        if (subscription.path("cancel_at_period_end").asBoolean()) {
            subscription.put("status", "canceled");
            // The period this call brings to an end ends now, as Stripe dates it.
            subscription.put("ended_at", now());
            subscription.put("canceled_at", now());
            emit("customer.subscription.deleted", subscription);
            return subscription;
        }
        // A paid renewal makes an overdue subscription active again, as Stripe does.
        subscription.put("status", "active");
        ObjectNode invoice = invoice(subscription, "subscription_cycle");
        emit("customer.subscription.updated", subscription);
        emit("invoice.paid", invoice);
        return invoice;
    }

    /** Dates a subscription's start back (a customer of some months), as Stripe's start_date; tells billing by an update event. */
    public synchronized ObjectNode backdate(String subscriptionId, long startEpochSeconds) {
        ObjectNode subscription = find(subscriptionId);
        subscription.put("start_date", startEpochSeconds);
        emit("customer.subscription.updated", subscription);
        return subscription;
    }

    /** A renewal whose payment fails. */
    public synchronized void failRenewal(String subscriptionId) {
        ObjectNode subscription = find(subscriptionId);
        subscription.put("status", "past_due");
        ObjectNode invoice = invoice(subscription, "subscription_cycle");
        invoice.put("status", "open");
        invoice.put("amount_paid", 0);
        invoice.remove("payments");
        emit("customer.subscription.updated", subscription);
        emit("invoice.payment_failed", invoice);
    }

    public void holdDeliveries(boolean hold) {
        this.held = hold;
    }


    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.startsWith("/invoices/")) {
                invoicePage(exchange, path);
                return;
            }
            if (path.startsWith("/checkout/") || path.startsWith("/portal/")) {
                page(exchange, method, path, form(raw));
                return;
            }
            // The devstack's own controls (not Stripe's API, so no key; loopback only): a month passes for a subscription.
            if (method.equals("POST") && path.matches("/_devstack/subscriptions/sub_[A-Za-z0-9]+/(renew|fail)")) {
                String id = path.split("/")[3];
                if (path.endsWith("/renew")) {
                    send(exchange, 200, "application/json", JSON.writeValueAsBytes(renew(id)));
                } else {
                    failRenewal(id);
                    send(exchange, 200, "application/json", JSON.writeValueAsBytes(find(id)));
                }
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.equals("Bearer " + SECRET_KEY)) {
                error(exchange, 401, "invalid_request_error", "Invalid API Key provided.");
                return;
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (method.equals("POST") && key != null && idempotent.containsKey(key)) {
                send(exchange, 200, "application/json", idempotent.get(key));
                return;
            }
            Map<String, Object> params = form(method.equals("GET") ? exchange.getRequestURI().getRawQuery() : raw);
            JsonNode answer;
            synchronized (this) {
                answer = api(method, path, params);
            }
            if (answer == null) {
                error(exchange, 404, "invalid_request_error", "Unrecognized request URL (" + method + ": " + path + ").");
                return;
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            if (method.equals("POST") && key != null) {
                idempotent.put(key, body);
            }
            send(exchange, 200, "application/json", body);
        } catch (NotFound e) {
            error(exchange, 404, "invalid_request_error", e.getMessage());
        } catch (RuntimeException e) {
            error(exchange, 400, "invalid_request_error", String.valueOf(e.getMessage()));
        }
    }

    private JsonNode api(String method, String path, Map<String, Object> params) {
        String[] parts = path.split("/");
        String route = method + " " + path.replaceAll("/(cus|cs|sub|in|pi|ch|re|bps)_[A-Za-z0-9_]+", "/{id}");
        switch (route) {
            case "POST /v1/customers" -> {
                ObjectNode customer = create("cus", "customer");
                customer.set("metadata", JSON.valueToTree(params.getOrDefault("metadata", Map.of())));
                customer.put("description", String.valueOf(params.getOrDefault("description", "")));
                return customer;
            }
            case "GET /v1/customers/{id}", "GET /v1/subscriptions/{id}", "GET /v1/checkout/sessions/{id}", "GET /v1/invoices/{id}",
                 "GET /v1/charges/{id}" -> {
                return find(parts[parts.length - 1]);
            }
            case "DELETE /v1/customers/{id}" -> {
                // Stripe deletes the customer for good (its subscriptions are cancelled); the answer is a stub.
                find(parts[parts.length - 1]);
                objects.remove(parts[parts.length - 1]);
                ObjectNode deleted = JSON.createObjectNode();
                deleted.put("id", parts[parts.length - 1]).put("object", "customer").put("deleted", true);
                return deleted;
            }
            case "POST /v1/checkout/sessions" -> {
                return checkoutSession(params);
            }
            case "GET /v1/checkout/sessions" -> {
                return list("checkout.session", params, "/v1/checkout/sessions");
            }
            case "GET /v1/invoices" -> {
                return list("invoice", params, "/v1/invoices");
            }
            case "GET /v1/charges" -> {
                return list("charge", params, "/v1/charges");
            }
            case "POST /v1/billing_portal/sessions" -> {
                ObjectNode portal = create("bps", "billing_portal.session");
                portal.put("customer", find(String.valueOf(params.get("customer"))).path("id").asText());
                portal.put("return_url", String.valueOf(params.get("return_url")));
                portal.put("url", url() + "/portal/" + portal.path("id").asText());
                return portal;
            }
            case "POST /v1/subscriptions/{id}" -> {
                return updateSubscription(find(parts[parts.length - 1]), params);
            }
            case "POST /v1/refunds" -> {
                return refund(params);
            }
            default -> {
                return null;
            }
        }
    }

    private ObjectNode checkoutSession(Map<String, Object> params) {
        String mode = String.valueOf(params.get("mode"));
        Map<?, ?> line = (Map<?, ?>) ((List<?>) params.get("line_items")).get(0);
        Catalog.Item item = prices.get(String.valueOf(line.get("price")));
        if (item == null) {
            throw new IllegalArgumentException("No such price: '" + line.get("price") + "'");
        }
        long quantity = Long.parseLong(String.valueOf(line.get("quantity") == null ? "1" : line.get("quantity")));
        if (mode.equals("payment") == item.plan()) {
            throw new IllegalArgumentException("The price " + item.testPrice() + " is not for mode " + mode);
        }
        ObjectNode session = create("cs_test", "checkout.session");
        session.put("mode", mode);
        session.put("customer", find(String.valueOf(params.get("customer"))).path("id").asText());
        session.put("client_reference_id", String.valueOf(params.get("client_reference_id")));
        session.set("metadata", JSON.valueToTree(params.getOrDefault("metadata", Map.of())));
        session.set("payment_intent_data", JSON.valueToTree(params.getOrDefault("payment_intent_data", Map.of())));
        session.set("subscription_data", JSON.valueToTree(params.getOrDefault("subscription_data", Map.of())));
        ArrayNode lines = session.putArray("line_items");
        lines.addObject().put("price", item.testPrice()).put("quantity", quantity);
        session.put("amount_total", item.priceCents() * quantity);
        session.put("currency", "usd");
        session.put("status", "open");
        session.put("payment_status", "unpaid");
        session.put("success_url", String.valueOf(params.get("success_url")));
        session.put("cancel_url", String.valueOf(params.get("cancel_url")));
        session.putNull("payment_intent");
        session.putNull("subscription");
        session.put("url", url() + "/checkout/" + session.path("id").asText());
        return session;
    }

    private ObjectNode updateSubscription(ObjectNode subscription, Map<String, Object> params) {
        if (params.get("items") instanceof List<?> items && !items.isEmpty() && items.get(0) instanceof Map<?, ?> change
                && change.get("quantity") != null) {
            ((ObjectNode) subscription.at("/items/data/0")).put("quantity", Long.parseLong(String.valueOf(change.get("quantity"))));
        }
        if (params.containsKey("cancel_at_period_end")) {
            subscription.put("cancel_at_period_end", Boolean.parseBoolean(String.valueOf(params.get("cancel_at_period_end"))));
        }
        emit("customer.subscription.updated", subscription);
        return subscription;
    }

    private ObjectNode refund(Map<String, Object> params) {
        ObjectNode intent = find(String.valueOf(params.get("payment_intent")));
        ObjectNode charge = find(intent.path("latest_charge").asText());
        long amount = params.containsKey("amount") ? Long.parseLong(String.valueOf(params.get("amount")))
                : charge.path("amount").asLong() - charge.path("amount_refunded").asLong();
        if (amount <= 0 || charge.path("amount_refunded").asLong() + amount > charge.path("amount").asLong()) {
            throw new IllegalArgumentException("Refund amount ($" + amount / 100.0 + ") is greater than unrefunded amount on charge");
        }
        ObjectNode refund = create("re", "refund");
        refund.put("amount", amount);
        refund.put("charge", charge.path("id").asText());
        refund.put("payment_intent", intent.path("id").asText());
        refund.put("status", "succeeded");
        charge.put("amount_refunded", charge.path("amount_refunded").asLong() + amount);
        charge.put("refunded", charge.path("amount_refunded").asLong() == charge.path("amount").asLong());
        emit("charge.refunded", charge);
        return refund;
    }

    /** A succeeded payment intent and its charge, as a card payment leaves them (refunds go through the intent). */
    private ObjectNode paymentIntent(String customer, long amount, JsonNode metadata) {
        ObjectNode intent = create("pi", "payment_intent");
        intent.put("amount", amount);
        intent.put("currency", "usd");
        intent.put("customer", customer);
        intent.put("status", "succeeded");
        intent.set("metadata", metadata.deepCopy());
        ObjectNode charge = create("ch", "charge");
        charge.put("amount", amount);
        charge.put("amount_refunded", 0);
        charge.put("currency", "usd");
        charge.put("customer", customer);
        charge.put("payment_intent", intent.path("id").asText());
        charge.put("paid", true);
        charge.put("refunded", false);
        charge.put("status", "succeeded");
        intent.put("latest_charge", charge.path("id").asText());
        return intent;
    }

    private ObjectNode invoice(ObjectNode subscription, String reason) {
        ObjectNode item = (ObjectNode) subscription.at("/items/data/0");
        Catalog.Item plan = prices.get(item.at("/price/id").asText());
        long quantity = item.path("quantity").asLong();
        ObjectNode invoice = create("in", "invoice");
        invoice.put("customer", subscription.path("customer").asText());
        invoice.put("billing_reason", reason);
        invoice.put("status", "paid");
        long amount = plan.priceCents() * (plan.perSeat() ? quantity : 1);
        invoice.put("amount_due", amount);
        invoice.put("amount_paid", amount);
        invoice.put("currency", "usd");
        // Paid by card: its payment (Stripe's invoice payments list; refunds and disputes name its intent).
        ObjectNode intent = paymentIntent(subscription.path("customer").asText(), amount, subscription.path("metadata"));
        ObjectNode payments = invoice.putObject("payments");
        payments.put("object", "list");
        payments.putArray("data").addObject().put("object", "invoice_payment").put("status", "paid").putObject("payment")
                .put("type", "payment_intent").put("payment_intent", intent.path("id").asText());
        invoice.put("number", "DEV-" + invoice.path("id").asText().substring(3, 11).toUpperCase());
        // Stripe's hosted invoice page and its PDF, served by this stand-in.
        invoice.put("hosted_invoice_url", url() + "/invoices/" + invoice.path("id").asText());
        invoice.put("invoice_pdf", url() + "/invoices/" + invoice.path("id").asText() + "/pdf");
        invoice.put("period_start", item.path("current_period_start").asLong());
        invoice.put("period_end", item.path("current_period_end").asLong());
        ObjectNode details = invoice.putObject("parent").put("type", "subscription_details").putObject("subscription_details");
        details.put("subscription", subscription.path("id").asText());
        details.set("metadata", subscription.path("metadata").deepCopy());
        ObjectNode lines = invoice.putObject("lines");
        lines.put("object", "list");
        ObjectNode line = lines.putArray("data").addObject();
        line.put("id", id("il"));
        line.put("object", "line_item");
        line.put("amount", amount);
        line.put("quantity", quantity);
        line.putObject("pricing").put("type", "price_details").putObject("price_details").put("price", plan.testPrice());
        line.putObject("period").put("start", item.path("current_period_start").asLong()).put("end", item.path("current_period_end").asLong());
        return invoice;
    }

    private ObjectNode price(Catalog.Item item) {
        ObjectNode price = JSON.createObjectNode();
        price.put("id", item.testPrice());
        price.put("object", "price");
        price.put("unit_amount", item.priceCents());
        price.put("currency", "usd");
        price.putObject("recurring").put("interval", "month");
        return price;
    }

    private ObjectNode list(String type, Map<String, Object> params, String url) {
        List<ObjectNode> all = objects.values().stream().filter(o -> o.path("object").asText().equals(type))
                .filter(o -> !params.containsKey("status") || o.path("status").asText().equals(params.get("status")))
                .filter(o -> !params.containsKey("customer") || o.path("customer").asText().equals(params.get("customer")))
                .filter(o -> {
                    if (!(params.get("created") instanceof Map<?, ?> created)) {
                        return true;
                    }
                    long at = o.path("created").asLong();
                    return (created.get("gte") == null || at >= Long.parseLong(String.valueOf(created.get("gte"))))
                            && (created.get("lt") == null || at < Long.parseLong(String.valueOf(created.get("lt"))));
                })
                .sorted((a, b) -> b.path("id").asText().compareTo(a.path("id").asText())).toList();
        int from = 0;
        if (params.get("starting_after") != null) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("id").asText().equals(params.get("starting_after"))) {
                    from = i + 1;
                }
            }
        }
        int limit = params.get("limit") == null ? 10 : Integer.parseInt(String.valueOf(params.get("limit")));
        ObjectNode page = JSON.createObjectNode();
        page.put("object", "list");
        page.put("url", url);
        ArrayNode data = page.putArray("data");
        all.subList(Math.min(from, all.size()), Math.min(all.size(), from + limit)).forEach(data::add);
        page.put("has_more", from + limit < all.size());
        return page;
    }

    // ------------------------------------------------------------------ pages

    /** An invoice's hosted page, or (".../pdf") its PDF: a one-page document with its number, lines and total. */
    private void invoicePage(HttpExchange exchange, String path) throws IOException {
        String[] parts = path.split("/");
        ObjectNode invoice;
        synchronized (this) {
            invoice = objects.get(parts.length > 2 ? parts[2] : "");
        }
        if (invoice == null || !invoice.path("object").asText().equals("invoice")) {
            send(exchange, 404, "text/html; charset=utf-8", html("Not found", "<p>This invoice does not exist.</p>"));
            return;
        }
        String number = invoice.path("number").asText();
        String total = String.format(java.util.Locale.ROOT, "$%.2f", invoice.path("amount_paid").asLong() / 100.0);
        String date = java.time.Instant.ofEpochSecond(invoice.path("created").asLong()).toString().substring(0, 10);
        if (parts.length > 3 && parts[3].equals("pdf")) {
            send(exchange, 200, "application/pdf", pdf(List.of("Image2Model (test mode)", "Invoice " + number, "Date: " + date,
                    "Status: " + invoice.path("status").asText(), "Total: " + total + " USD")));
            return;
        }
        send(exchange, 200, "text/html; charset=utf-8", html("Invoice " + number, "<p>Image2Model (test mode)</p><h2 id=\"number\">Invoice "
                + esc(number) + "</h2><p>" + esc(date) + " &middot; <span id=\"status\">" + esc(invoice.path("status").asText())
                + "</span></p><p id=\"total\">Total: " + esc(total) + "</p><p><a href=\"" + esc(invoice.path("invoice_pdf").asText())
                + "\">Download PDF</a></p>"));
    }

    /** A one-page PDF 1.4 of text lines (Helvetica), with its cross-reference table: what Stripe's invoice_pdf link gives. */
    static byte[] pdf(List<String> lines) {
        StringBuilder text = new StringBuilder("BT /F1 14 Tf 72 760 Td 18 TL");
        for (String line : lines) {
            text.append(" (").append(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")).append(") Tj T*");
        }
        text.append(" ET");
        String stream = text.toString();
        List<String> objectsOf = List.of("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
                "<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objectsOf.size(); i++) {
            offsets.add(pdf.length());
            pdf.append(i + 1).append(" 0 obj\n").append(objectsOf.get(i)).append("\nendobj\n");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objectsOf.size() + 1).append("\n0000000000 65535 f \n");
        offsets.forEach(o -> pdf.append(String.format(java.util.Locale.ROOT, "%010d 00000 n \n", o)));
        pdf.append("trailer\n<< /Size ").append(objectsOf.size() + 1).append(" /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void page(HttpExchange exchange, String method, String path, Map<String, Object> form) throws IOException {
        String[] parts = path.split("/");
        ObjectNode target = objects.get(parts[2]);
        if (target == null) {
            send(exchange, 404, "text/html; charset=utf-8", html("Not found", "<p>This page does not exist (any more).</p>"));
            return;
        }
        String action = parts.length > 3 ? parts[3] : "";
        if (path.startsWith("/checkout/")) {
            switch (method + " " + action) {
                case "GET " -> send(exchange, 200, "text/html; charset=utf-8", checkoutPage(target));
                case "POST pay" -> {
                    pay(target.path("id").asText());
                    redirect(exchange, target.path("success_url").asText().replace("{CHECKOUT_SESSION_ID}", target.path("id").asText()));
                }
                case "POST decline" -> send(exchange, 402, "text/html; charset=utf-8", html("Card declined",
                        "<p id=\"declined\">Your card was declined. Nothing was charged.</p><p><a href=\"" + esc(target.path("url").asText())
                                + "\">Try again</a> or <a href=\"" + esc(target.path("cancel_url").asText()) + "\">go back</a>.</p>"));
                default -> send(exchange, 405, "text/plain", "Method not allowed".getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        ObjectNode subscription = objects.values().stream().filter(o -> o.path("object").asText().equals("subscription")
                && o.path("customer").asText().equals(target.path("customer").asText()) && !o.path("status").asText().equals("canceled"))
                .findFirst().orElse(null);
        switch (method + " " + action) {
            case "GET " -> send(exchange, 200, "text/html; charset=utf-8", portalPage(target, subscription));
            case "POST seats" -> {
                synchronized (this) {
                    updateSubscription(subscription, Map.of("items", List.of(Map.of("quantity", String.valueOf(form.get("quantity"))))));
                }
                redirect(exchange, target.path("url").asText());
            }
            case "POST cancel" -> {
                synchronized (this) {
                    updateSubscription(subscription, Map.of("cancel_at_period_end", "true"));
                }
                redirect(exchange, target.path("url").asText());
            }
            default -> send(exchange, 405, "text/plain", "Method not allowed".getBytes(StandardCharsets.UTF_8));
        }
    }

    private byte[] checkoutPage(ObjectNode session) {
        Catalog.Item item = prices.get(session.at("/line_items/0/price").asText());
        long quantity = session.at("/line_items/0/quantity").asLong();
        String what = item.plan() ? item.name() + " plan" + (item.perSeat() ? ", " + quantity + " seat(s)" : "") + ", monthly" : item.name();
        String status = session.path("status").asText();
        String body = "<p>Image2Model (test mode)</p><h2 id=\"item\">" + esc(what) + "</h2><p id=\"amount\">$"
                + String.format(java.util.Locale.ROOT, "%,.2f", session.path("amount_total").asLong() / 100.0) + "</p>"
                + (status.equals("open")
                ? "<form method=\"post\" action=\"/checkout/" + session.path("id").asText() + "/pay\"><label>Card <input name=\"card\" value=\"4242 4242 4242 4242\"></label> "
                + "<button id=\"pay\" type=\"submit\">Pay</button></form><form method=\"post\" action=\"/checkout/" + session.path("id").asText()
                + "/decline\"><button id=\"decline\" type=\"submit\">Decline (card 4000 0000 0000 0002)</button></form>"
                : "<p id=\"done\">This checkout is " + esc(status) + ".</p>")
                + "<p><a href=\"" + esc(session.path("cancel_url").asText()) + "\">Back</a></p>";
        return html("Checkout", body);
    }

    private byte[] portalPage(ObjectNode portal, ObjectNode subscription) {
        StringBuilder body = new StringBuilder("<p>Image2Model billing (test mode)</p>");
        if (subscription == null) {
            body.append("<p id=\"none\">No active subscription.</p>");
        } else {
            Catalog.Item plan = prices.get(subscription.at("/items/data/0/price/id").asText());
            long seats = subscription.at("/items/data/0/quantity").asLong();
            body.append("<h2 id=\"plan\">").append(esc(plan.name())).append("</h2><p id=\"seats\">Seats: ").append(seats).append("</p>");
            body.append("<p>Renews ").append(java.time.Instant.ofEpochSecond(subscription.at("/items/data/0/current_period_end").asLong())
                    .atZone(ZoneOffset.UTC).toLocalDate()).append(subscription.path("cancel_at_period_end").asBoolean() ? " (cancels then)" : "")
                    .append("</p>");
            if (plan.perSeat()) {
                body.append("<form method=\"post\" action=\"/portal/").append(portal.path("id").asText()).append("/seats\"><label>Seats ")
                        .append("<input name=\"quantity\" type=\"number\" min=\"1\" value=\"").append(seats).append("\"></label> ")
                        .append("<button id=\"update-seats\" type=\"submit\">Update seats</button></form>");
            }
            body.append("<form method=\"post\" action=\"/portal/").append(portal.path("id").asText())
                    .append("/cancel\"><button id=\"cancel\" type=\"submit\">Cancel plan at period end</button></form>");
        }
        body.append("<h3>Invoices</h3><ul>");
        objects.values().stream().filter(o -> o.path("object").asText().equals("invoice")
                && o.path("customer").asText().equals(portal.path("customer").asText()))
                .forEach(i -> body.append("<li>").append(esc(i.path("number").asText())).append(": $")
                        .append(String.format(java.util.Locale.ROOT, "%,.2f", i.path("amount_paid").asLong() / 100.0)).append(" ")
                        .append(esc(i.path("status").asText())).append("</li>"));
        body.append("</ul><p><a id=\"return\" href=\"").append(esc(portal.path("return_url").asText())).append("\">Return to Image2Model</a></p>");
        return html("Billing", body.toString());
    }

    private static byte[] html(String title, String body) {
        return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>" + esc(title) + " - Stripe (devstack)</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{padding:.5rem 1rem;margin:.3rem 0}</style>"
                + "</head><body><h1>" + esc(title) + "</h1>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8);
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ------------------------------------------------------------------ events

    private void emit(String type, ObjectNode object) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", id("evt"));
        event.put("object", "event");
        event.put("api_version", API_VERSION);
        event.put("created", now());
        event.put("type", type);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.putObject("data").set("object", object.deepCopy());
        events.add(event);
        if (!held) {
            schedule(event, 0, 0);
        }
    }

    private void schedule(ObjectNode event, int attempt, long delayMillis) {
        deliveries.schedule(() -> {
            int status;
            try {
                status = webhookUrl == null ? 0 : deliver(event);
            } catch (Exception e) {
                status = 0;
            }
            if (status / 100 != 2 && attempt < 5) {
                schedule(event, attempt + 1, 500L << attempt);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ helpers

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    private ObjectNode find(String id) {
        ObjectNode found = objects.get(id);
        if (found == null) {
            throw new NotFound("No such object: '" + id + "'");
        }
        return found;
    }

    private ObjectNode create(String prefix, String type) {
        ObjectNode object = JSON.createObjectNode();
        object.put("id", id(prefix));
        object.put("object", type);
        object.put("created", now());
        object.put("livemode", false);
        objects.put(object.path("id").asText(), object);
        return object;
    }

    private final AtomicInteger sequence = new AtomicInteger();

    /** Every Stripe object and the id sequence, as JSON, for the devstack's data folder. */
    public synchronized com.fasterxml.jackson.databind.JsonNode state() {
        ObjectNode out = JSON.createObjectNode();
        out.put("sequence", sequence.get());
        ObjectNode all = out.putObject("objects");
        objects.forEach(all::set);
        return out;
    }

    /** Takes back the objects a previous run kept (customers, sessions, subscriptions, invoices, charges). */
    public synchronized void restore(com.fasterxml.jackson.databind.JsonNode state) {
        if (state == null) {
            return;
        }
        sequence.set(state.path("sequence").asInt());
        state.path("objects").fields().forEachRemaining(e -> objects.put(e.getKey(), (ObjectNode) e.getValue()));
    }

    private String id(String prefix) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        // A sequence first: ids sort by creation, as the list endpoints' order needs.
        return prefix + "_" + String.format("%08d", sequence.incrementAndGet()) + HexFormat.of().formatHex(random);
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static long monthLater(long epochSecond) {
        return java.time.Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC).plusMonths(1).toEpochSecond();
    }

    /** Stripe's form encoding: {@code a[b][0][c]=v} becomes nested maps and lists. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> form(String raw) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return root;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            List<String> keys = new ArrayList<>();
            int bracket = name.indexOf('[');
            keys.add(bracket < 0 ? name : name.substring(0, bracket));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([^\\]]*)\\]").matcher(name);
            while (m.find()) {
                keys.add(m.group(1));
            }
            Object container = root;
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                boolean last = i == keys.size() - 1;
                boolean nextIsIndex = !last && keys.get(i + 1).matches("\\d+");
                Object child = last ? value : (nextIsIndex ? new ArrayList<>() : new LinkedHashMap<String, Object>());
                if (container instanceof Map<?, ?> map) {
                    Map<String, Object> m2 = (Map<String, Object>) map;
                    container = last ? m2.put(key, value) : m2.computeIfAbsent(key, k -> child);
                } else {
                    List<Object> list = (List<Object>) container;
                    int index = Integer.parseInt(key);
                    while (list.size() <= index) {
                        list.add(null);
                    }
                    if (last) {
                        list.set(index, value);
                    } else if (list.get(index) == null) {
                        list.set(index, child);
                    }
                    container = last ? null : list.get(index);
                }
            }
        }
        return root;
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(303, -1);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(Map.of("error", Map.of("type", type, "message", message))));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Stripe-Version", API_VERSION);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        deliveries.shutdownNow();
    }
}
