package com.image2model.generation;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one model is asked to be: its polycount (from a quality preset, named, or a number), PBR
 * materials or not, its topology and its texture's quality. Plain values: the catalog says what
 * they cost and what FAL is sent for them.
 */
public record ModelOptions(String preset, int polycount, boolean pbr, Topology topology, TextureQuality textureQuality) {

    /** A choice as the API spells it. */
    public interface Choice {
        String word();
    }

    public enum Topology implements Choice {
        TRIANGLES, QUADS;

        @Override
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum TextureQuality implements Choice {
        STANDARD, DETAILED;

        @Override
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ModelOptions {
        if (topology == null || textureQuality == null || polycount < 1) {
            throw new IllegalArgumentException("Options need a polycount, a topology and a texture quality");
        }
    }

    /** A preset's options: its polycount, base-colour texture, triangles. */
    public static ModelOptions ofPreset(String preset, int polycount) {
        return new ModelOptions(preset, polycount, false, Topology.TRIANGLES, TextureQuality.STANDARD);
    }

    public ModelOptions withPreset(String name, int faces) {
        return new ModelOptions(name, faces, pbr, topology, textureQuality);
    }

    public ModelOptions withPolycount(int faces) {
        return new ModelOptions(null, faces, pbr, topology, textureQuality);
    }

    public ModelOptions withPbr(boolean on) {
        return new ModelOptions(preset, polycount, on, topology, textureQuality);
    }

    public ModelOptions withTopology(Topology value) {
        return new ModelOptions(preset, polycount, pbr, value, textureQuality);
    }

    public ModelOptions withTextureQuality(TextureQuality value) {
        return new ModelOptions(preset, polycount, pbr, topology, value);
    }

    /** The name a person reads for its polycount: the preset's, else "custom". */
    public String quality() {
        return preset == null ? "custom" : preset;
    }

    /** As stored and as the API shows it. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("quality", quality());
        out.put("polycount", polycount);
        out.put("pbr", pbr);
        out.put("topology", topology.word());
        out.put("textureQuality", textureQuality.word());
        return out;
    }
}
