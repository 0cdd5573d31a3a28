package com.image2model.generation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.image2model.platform.ApiException;

import tools.jackson.databind.JsonNode;

/**
 * Reads a request's generation options, at the job's level or a model's (which overrides the
 * job's): {@code quality} (a preset) or {@code polycount} (a number within the catalog's bounds),
 * {@code pbr}, {@code topology}, {@code textureQuality}; and a model's {@code views}. Anything
 * malformed or contradictory is a 400 naming the field.
 */
public final class OptionsReader {

    public static final Set<String> FIELDS = Set.of("quality", "polycount", "pbr", "topology", "textureQuality");

    private final GenerationCatalog catalog;

    public OptionsReader(GenerationCatalog catalog) {
        this.catalog = catalog;
    }

    /** One view of a model as the request describes it; {@code node} holds its name, contentType and size. */
    public record ViewRequest(ViewRole role, JsonNode node, String where) {
    }

    /**
     * The job's options: a preset or a polycount is required (there is no silent default price);
     * {@code where} prefixes field names in messages ("" at the top).
     */
    public ModelOptions job(JsonNode body) {
        if (!has(body, "quality") && !has(body, "polycount")) {
            throw ApiException.badRequest("invalid_quality", "quality must be one of " + catalog.presetNames()
                    + ", or give polycount (" + catalog.minPolycount() + " to " + catalog.maxPolycount() + ").");
        }
        return override(body, null, "");
    }

    /** {@code base} with what {@code node} sets ({@code base} null: nothing set yet, the node must set a polycount). */
    public ModelOptions override(JsonNode node, ModelOptions base, String where) {
        ModelOptions options = base;
        boolean quality = has(node, "quality");
        boolean polycount = has(node, "polycount");
        if (quality && polycount) {
            throw ApiException.badRequest("conflicting_options", where + "polycount: give quality or polycount, not both.");
        }
        if (quality) {
            JsonNode value = node.get("quality");
            String name = value.isString() ? value.asString().toLowerCase(Locale.ROOT) : null;
            int faces = catalog.presets().getOrDefault(name == null ? "" : name, -1);
            if (faces < 0) {
                throw ApiException.badRequest("invalid_quality", where + "quality must be one of " + catalog.presetNames() + ".");
            }
            options = options == null ? ModelOptions.ofPreset(name, faces) : options.withPreset(name, faces);
        }
        if (polycount) {
            JsonNode value = node.get("polycount");
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < catalog.minPolycount()
                    || value.asInt() > catalog.maxPolycount()) {
                throw ApiException.badRequest("invalid_polycount", where + "polycount must be a whole number from "
                        + catalog.minPolycount() + " to " + catalog.maxPolycount() + " (faces).");
            }
            options = options == null ? ModelOptions.ofPreset(null, value.asInt()) : options.withPolycount(value.asInt());
        }
        if (options == null) {
            throw new IllegalStateException("no polycount to start from");
        }
        if (has(node, "pbr")) {
            if (!node.get("pbr").isBoolean()) {
                throw ApiException.badRequest("invalid_pbr", where + "pbr must be true or false.");
            }
            options = options.withPbr(node.get("pbr").asBoolean());
        }
        if (has(node, "topology")) {
            options = options.withTopology(word(node, "topology", where, ModelOptions.Topology.values()));
        }
        if (has(node, "textureQuality")) {
            options = options.withTextureQuality(word(node, "textureQuality", where, ModelOptions.TextureQuality.values()));
        }
        return options;
    }

    /**
     * A model's views: absent means one image (the model entry itself is the front); else a list of
     * 1 to 4 objects, each with a distinct {@code role}, one of them the front.
     */
    public List<ViewRequest> views(JsonNode model, String where) {
        if (!has(model, "views")) {
            return List.of(new ViewRequest(ViewRole.FRONT, model, where));
        }
        JsonNode views = model.get("views");
        if (has(model, "contentType") || has(model, "size")) {
            throw ApiException.badRequest("conflicting_views", where + ": a model of views gives each image's contentType and size in its "
                    + "views, not beside them.");
        }
        if (!views.isArray() || views.isEmpty() || views.size() > GenerationCatalog.MAX_VIEWS) {
            throw ApiException.badRequest("invalid_views", where + ".views must be a list of 1 to " + GenerationCatalog.MAX_VIEWS
                    + " images of one object, each with its role (front, left, back, right).");
        }
        List<ViewRequest> out = new ArrayList<>();
        Set<ViewRole> seen = EnumSet.noneOf(ViewRole.class);
        for (int i = 0; i < views.size(); i++) {
            String at = where + ".views[" + i + "]";
            JsonNode view = views.get(i);
            if (!view.isObject()) {
                throw ApiException.badRequest("invalid_views", at + " must be an object with role, name, contentType and size.");
            }
            ViewRole role = view.get("role") != null && view.get("role").isString() ? ViewRole.of(view.get("role").asString()) : null;
            if (role == null || (views.size() > 1 && !catalog.viewRoles().contains(role))) {
                throw ApiException.badRequest("invalid_view_role", at + ".role must be one of front, left, back, right.");
            }
            if (!seen.add(role)) {
                throw ApiException.badRequest("duplicate_view_role", at + ".role: the model has a " + role.word() + " view already.");
            }
            out.add(new ViewRequest(role, view, at));
        }
        if (!seen.contains(ViewRole.FRONT)) {
            throw ApiException.badRequest("missing_front_view", where + ".views: one of the views must be the front.");
        }
        // The front first: it is the model's own upload (its name, its picture in lists).
        out.sort((a, b) -> a.role().compareTo(b.role()));
        return out;
    }

    private static boolean has(JsonNode node, String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    /** The choice {@code field} names (any case), or a 400 {@code invalid_<field>} listing the words it may be. */
    private static <E extends ModelOptions.Choice> E word(JsonNode node, String field, String where, E[] choices) {
        JsonNode value = node.get(field);
        String word = value.isString() ? value.asString().toLowerCase(Locale.ROOT) : null;
        for (E choice : choices) {
            if (choice.word().equals(word)) {
                return choice;
            }
        }
        throw ApiException.badRequest("invalid_" + snake(field), where + field + " must be "
                + String.join(" or ", java.util.Arrays.stream(choices).map(ModelOptions.Choice::word).toList()) + ".");
    }

    private static String snake(String field) {
        return field.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
