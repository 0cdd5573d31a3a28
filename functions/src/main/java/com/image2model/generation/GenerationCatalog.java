package com.image2model.generation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The catalog's {@code generation} section, read once and checked: which FAL app makes a model of
 * one view or of several, the input every model gets, the polycount's bounds and price bands, the
 * quality presets, and each option's input, FAL cost and time. {@link #plan} is the one place a
 * model's options become what FAL is sent and what the model costs.
 */
public final class GenerationCatalog {

    public static final int MAX_VIEWS = 4;

    private record Band(int upTo, long falCostCents, long typicalSeconds) {
    }

    private record Choice(ObjectNode input, long falCostCents, long typicalSeconds) {
    }

    private record App(String app, Map<ViewRole, String> imageFields, long falCostCents, long typicalSeconds) {
    }

    private final double creditsPerFalCent;
    private final String resultField;
    private final App oneView;
    private final App views;
    private final ObjectNode input;
    private final String polycountField;
    private final int minPolycount;
    private final int maxPolycount;
    private final List<Band> bands = new ArrayList<>();
    private final Map<String, Integer> presets = new LinkedHashMap<>();
    private final Choice pbr;
    private final Map<ModelOptions.Topology, Choice> topologies = new EnumMap<>(ModelOptions.Topology.class);
    private final Map<ModelOptions.TextureQuality, Choice> textures = new EnumMap<>(ModelOptions.TextureQuality.class);

    /** Reads the section; an incomplete or inconsistent one stops whoever loads it (the catalog is part of the build). */
    public GenerationCatalog(JsonNode section) {
        try {
            creditsPerFalCent = required(section, "creditsPerFalCent").asDouble();
            resultField = required(section, "resultField").asString();
            oneView = app(required(required(section, "apps"), "oneView"));
            views = app(required(required(section, "apps"), "views"));
            input = (ObjectNode) required(section, "input");
            JsonNode polycount = required(section, "polycount");
            polycountField = required(polycount, "field").asString();
            minPolycount = required(polycount, "min").asInt();
            maxPolycount = required(polycount, "max").asInt();
            int previous = 0;
            for (JsonNode band : required(polycount, "bands")) {
                Band b = new Band(required(band, "upTo").asInt(), required(band, "falCostCents").asLong(), band.path("typicalSeconds").asLong(0));
                if (b.upTo() <= previous) {
                    throw new IllegalStateException("polycount bands must rise");
                }
                previous = b.upTo();
                bands.add(b);
            }
            if (bands.isEmpty() || previous < maxPolycount || minPolycount < 1 || minPolycount > maxPolycount) {
                throw new IllegalStateException("polycount bands must cover min to max");
            }
            required(section, "presets").properties().forEach(e -> presets.put(e.getKey(), e.getValue().asInt()));
            presets.forEach((name, faces) -> {
                if (faces < minPolycount || faces > maxPolycount) {
                    throw new IllegalStateException("preset " + name + " is outside the polycount's bounds");
                }
            });
            JsonNode options = required(section, "options");
            pbr = choice(required(required(options, "pbr"), "on"));
            for (ModelOptions.Topology t : ModelOptions.Topology.values()) {
                topologies.put(t, choice(required(required(options, "topology"), t.word())));
            }
            for (ModelOptions.TextureQuality t : ModelOptions.TextureQuality.values()) {
                textures.put(t, choice(required(required(options, "textureQuality"), t.word())));
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("catalog.json's generation section is not usable: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalStateException("missing " + field);
        }
        return value;
    }

    private static App app(JsonNode node) {
        Map<ViewRole, String> fields = new EnumMap<>(ViewRole.class);
        required(node, "imageFields").properties().forEach(e -> {
            ViewRole role = ViewRole.of(e.getKey());
            if (role == null) {
                throw new IllegalStateException("no view role " + e.getKey());
            }
            fields.put(role, e.getValue().asString());
        });
        if (!fields.containsKey(ViewRole.FRONT)) {
            throw new IllegalStateException("an app takes a front view");
        }
        return new App(required(node, "app").asString(), Map.copyOf(fields), node.path("falCostCents").asLong(0),
                node.path("typicalSeconds").asLong(0));
    }

    private static Choice choice(JsonNode node) {
        return new Choice((ObjectNode) required(node, "input"), node.path("falCostCents").asLong(0), node.path("typicalSeconds").asLong(0));
    }

    // ------------------------------------------------------------------ what a model is

    /** The options of a preset (low, medium, high), or empty for a name the catalog does not have. */
    public Optional<ModelOptions> preset(String name) {
        Integer faces = name == null ? null : presets.get(name);
        return faces == null ? Optional.empty() : Optional.of(ModelOptions.ofPreset(name, faces));
    }

    public Set<String> presetNames() {
        return presets.keySet();
    }

    public Map<String, Integer> presets() {
        return Map.copyOf(presets);
    }

    public int minPolycount() {
        return minPolycount;
    }

    public int maxPolycount() {
        return maxPolycount;
    }

    /** The views a model of several views may have: the roles the views app takes. */
    public Set<ViewRole> viewRoles() {
        return views.imageFields().keySet();
    }

    /** Every FAL app a model may be sent to (each has its own slots). */
    public List<String> apps() {
        return oneView.app().equals(views.app()) ? List.of(oneView.app()) : List.of(oneView.app(), views.app());
    }

    public String resultField() {
        return resultField;
    }

    /**
     * What FAL is sent for a model of these options made from {@code viewCount} views (1 to 4), and
     * its FAL cost, price and typical time.
     */
    public GenerationPlan plan(ModelOptions options, int viewCount) {
        if (viewCount < 1 || viewCount > MAX_VIEWS) {
            throw new IllegalArgumentException("A model has 1 to " + MAX_VIEWS + " views, not " + viewCount);
        }
        if (options.polycount() < minPolycount || options.polycount() > maxPolycount) {
            throw new IllegalArgumentException("A polycount from " + minPolycount + " to " + maxPolycount + ", not " + options.polycount());
        }
        App app = viewCount == 1 ? oneView : views;
        Band band = bands.stream().filter(b -> options.polycount() <= b.upTo()).findFirst().orElseThrow();
        ObjectNode sent = input.deepCopy();
        long cents = band.falCostCents() + (viewCount == 1 ? 0 : app.falCostCents());
        long seconds = band.typicalSeconds() + (viewCount == 1 ? 0 : app.typicalSeconds());
        List<Choice> chosen = new ArrayList<>();
        if (options.pbr()) {
            chosen.add(pbr);
        }
        chosen.add(topologies.get(options.topology()));
        chosen.add(textures.get(options.textureQuality()));
        for (Choice choice : chosen) {
            sent.setAll(choice.input());
            cents += choice.falCostCents();
            seconds += choice.typicalSeconds();
        }
        sent.put(polycountField, options.polycount());
        return new GenerationPlan(app.app(), sent, app.imageFields(), resultField, cents, credits(cents), seconds);
    }

    /** A FAL cost's price: creditsPerFalCent times it, rounded down (1 credit = $0.01). */
    public long credits(long falCostCents) {
        return (long) Math.floor(falCostCents * creditsPerFalCent + 1e-9);
    }

    /** The section as the web app reads it: bounds, presets and what each option adds (credits), to price a choice live. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("creditsPerFalCent", creditsPerFalCent);
        Map<String, Object> polycount = new LinkedHashMap<>();
        polycount.put("min", minPolycount);
        polycount.put("max", maxPolycount);
        polycount.put("presets", presets);
        List<Map<String, Object>> bandViews = new ArrayList<>();
        for (Band band : bands) {
            bandViews.add(Map.of("upTo", band.upTo(), "falCostCents", band.falCostCents(), "typicalSeconds", band.typicalSeconds()));
        }
        polycount.put("bands", bandViews);
        out.put("polycount", polycount);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("pbr", pbr.falCostCents());
        extra.put("quads", topologies.get(ModelOptions.Topology.QUADS).falCostCents());
        extra.put("detailedTexture", textures.get(ModelOptions.TextureQuality.DETAILED).falCostCents());
        extra.put("severalViews", views.falCostCents());
        out.put("extraFalCostCents", extra);
        out.put("viewRoles", viewRoles().stream().sorted().map(ViewRole::word).toList());
        return out;
    }
}
