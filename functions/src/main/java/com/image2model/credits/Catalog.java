package com.image2model.credits;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.image2model.generation.GenerationCatalog;
import com.image2model.generation.GenerationPlan;
import com.image2model.generation.ModelOptions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The catalog file (catalog.json): what models cost and what FAL is sent for them ({@link GenerationCatalog}), packs and plans. */
public final class Catalog {

    /** Every price of the catalog is in this currency (Stripe's lower-case ISO code). */
    public static final String CURRENCY = "usd";

    private final JsonNode root;
    private final Map<String, Long> costs = new TreeMap<>();
    private final java.util.List<Item> items;
    private final GenerationCatalog generation;

    private Catalog(JsonNode root) {
        this.root = root;
        this.generation = new GenerationCatalog(root.get("generation"));
        generation.presetNames().forEach(name -> costs.put(name, plan(name).credits()));
        this.items = readItems(root);
    }

    /** What models cost and what FAL is sent for them, by their options. */
    public GenerationCatalog models() {
        return generation;
    }

    private GenerationPlan plan(String preset) {
        ModelOptions options = generation.preset(preset.toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new IllegalStateException("catalog.json has no preset " + preset));
        return generation.plan(options, 1);
    }

    public static Catalog load() {
        try (InputStream in = Catalog.class.getResourceAsStream("/catalog.json")) {
            if (in == null) {
                throw new IllegalStateException("catalog.json is missing from the jar");
            }
            return new Catalog(JsonMapper.builder().build().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Credits one image costs at this quality; empty for a quality the catalog does not sell. */
    public java.util.OptionalLong costPerImage(String quality) {
        Long cost = quality == null ? null : costs.get(quality.toLowerCase(Locale.ROOT));
        return cost == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(cost);
    }

    /** How long generating one image of a preset usually takes (one view, no options); 0 for a quality the catalog does not have. */
    public long typicalSeconds(String quality) {
        return quality == null || costPerImage(quality).isEmpty() ? 0 : plan(quality).typicalSeconds();
    }

    public Map<String, Long> costs() {
        return Map.copyOf(costs);
    }

    /** The Unlimited plan's fair use: images a month, and the share (percent) from which to warn. */
    public long fairUseImagesPerMonth() {
        return unlimited().get("fairUseImagesPerMonth").asLong();
    }

    /** How long the Unlimited plan keeps its free images while its payment is overdue (past due, unpaid, incomplete). */
    public int unpaidGraceDays() {
        return unlimited().path("unpaidGraceDays").asInt(0);
    }

    public int fairUseWarnAtPercent() {
        return unlimited().get("fairUseWarnAtPercent").asInt();
    }

    public static final String UNLIMITED_PLAN = "plan_unlimited";

    /** What FAL runs for a preset of one view, and what one generation costs us there (US cents). */
    public record Generation(String app, JsonNode input, String resultField, long falCostCents) {
    }

    public Generation generation(String quality) {
        GenerationPlan plan = plan(quality);
        return new Generation(plan.app(), plan.input(), plan.resultField(), plan.falCostCents());
    }

    /** A pack or plan as sold: credits and price from this file, never from a client. */
    public record Item(String id, String kind, String name, long credits, long priceCents, boolean perSeat, long creditsPerSeat,
                       String testPrice, String livePrice) {
        public boolean plan() {
            return kind.equals("plan");
        }

        public String price(boolean live) {
            return live ? livePrice : testPrice;
        }
    }

    public java.util.List<Item> items() {
        return items;
    }

    private static java.util.List<Item> readItems(JsonNode root) {
        java.util.List<Item> items = new java.util.ArrayList<>();
        for (JsonNode pack : root.path("packs")) {
            items.add(new Item(pack.get("id").asString(), "pack", pack.path("name").asString(pack.get("id").asString()),
                    pack.get("credits").asLong(), pack.get("priceCents").asLong(), false, 0,
                    pack.path("stripePrice").path("test").asString(null), pack.path("stripePrice").path("live").asString(null)));
        }
        for (JsonNode plan : root.path("plans")) {
            boolean perSeat = plan.has("perSeatCents");
            items.add(new Item(plan.get("id").asString(), "plan", plan.path("name").asString(), 0,
                    perSeat ? plan.get("perSeatCents").asLong() : plan.path("flatCents").asLong(), perSeat,
                    plan.path("creditsPerSeat").asLong(0),
                    plan.path("stripePrice").path("test").asString(null), plan.path("stripePrice").path("live").asString(null)));
        }
        return java.util.List.copyOf(items);
    }

    public java.util.Optional<Item> item(String id) {
        return items().stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** The item a Stripe price belongs to, in either mode. */
    public java.util.Optional<Item> itemOfPrice(String priceId) {
        return items().stream().filter(i -> priceId != null && (priceId.equals(i.testPrice()) || priceId.equals(i.livePrice()))).findFirst();
    }

    private JsonNode unlimited() {
        for (JsonNode plan : root.get("plans")) {
            if (UNLIMITED_PLAN.equals(plan.get("id").asString())) {
                return plan;
            }
        }
        throw new IllegalStateException("catalog.json has no " + UNLIMITED_PLAN);
    }

    /** The credits a seat plan includes each period for this many seats (0 for the Unlimited plan). */
    public long includedCredits(String planId, int seats) {
        if (seats < 1) {
            throw new IllegalArgumentException("A plan has at least one seat, got " + seats);
        }
        for (JsonNode plan : root.get("plans")) {
            if (plan.get("id").asString().equals(planId)) {
                return plan.path("creditsPerSeat").asLong(0) * seats;
            }
        }
        throw new IllegalArgumentException("No plan " + planId + " in the catalog");
    }

    public long trialCredits() {
        return root.get("trialCredits").asLong();
    }

}
