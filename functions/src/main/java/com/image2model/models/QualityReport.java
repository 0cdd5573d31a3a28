package com.image2model.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a designer wants to know of a model before handing it on: its size in faces, vertices and
 * bytes, whether it is closed (watertight: every edge shared by exactly two faces, vertices
 * welded by position so that texture seams do not count as holes) and consistently wound (each
 * shared edge runs once each way), its bounding box and proportions, its texture, and the
 * warnings these add up to, in plain words.
 */
public record QualityReport(long faces, long vertices, long glbBytes, boolean watertight, long openEdges, long nonManifoldEdges,
                            boolean consistentWinding, double[] size, double aspect, Integer textureWidth, Integer textureHeight,
                            List<String> warnings) {

    /** Above this a texture is heavy for the web and AR. */
    static final int TEXTURE_LIMIT = 4096;
    /** A side under this share of the longest makes the model "very thin". */
    static final double THIN = 0.02;

    /** {@code textureSize}: the base colour texture's width and height, or null for none (read by the caller, who decodes images). */
    public static QualityReport of(GlbModel model, long glbBytes, int[] textureSize) {
        double[][] bounds = model.bounds();
        double[] size = new double[3];
        for (int a = 0; a < 3; a++) {
            size[a] = bounds[1][a] - bounds[0][a];
        }
        double longest = Math.max(size[0], Math.max(size[1], size[2]));
        double shortest = Math.min(size[0], Math.min(size[1], size[2]));

        // Weld by position, then count each undirected edge and each direction.
        Map<Cell, Integer> welded = new HashMap<>();
        Map<Long, int[]> edges = new HashMap<>();
        for (GlbModel.Part part : model.parts()) {
            int[] ids = new int[part.vertices()];
            float[] p = part.positions();
            for (int v = 0; v < ids.length; v++) {
                Cell key = Cell.of(p[v * 3], p[v * 3 + 1], p[v * 3 + 2], longest);
                ids[v] = welded.computeIfAbsent(key, k -> welded.size());
            }
            int[] t = part.triangles();
            for (int f = 0; f + 2 < t.length; f += 3) {
                int a = ids[t[f]];
                int b = ids[t[f + 1]];
                int c = ids[t[f + 2]];
                if (a == b || b == c || a == c) {
                    continue; // a degenerate face has no edges to share
                }
                edge(edges, a, b);
                edge(edges, b, c);
                edge(edges, c, a);
            }
        }
        long open = 0;
        long nonManifold = 0;
        boolean consistent = true;
        for (int[] count : edges.values()) {
            int total = count[0] + count[1];
            if (total == 1) {
                open++;
            } else if (total > 2) {
                nonManifold++;
            }
            if (count[0] > 1 || count[1] > 1) {
                consistent = false;
            }
        }
        boolean watertight = !edges.isEmpty() && open == 0 && nonManifold == 0;

        List<String> warnings = new ArrayList<>();
        if (model.faces() == 0) {
            warnings.add("No faces: there is nothing to see in this model.");
        }
        if (open > 0) {
            warnings.add("Open mesh: " + open + " edges border a hole. Fine on screen; 3D printing needs a closed mesh.");
        }
        if (nonManifold > 0) {
            warnings.add("Tangled mesh: " + nonManifold + " edges are shared by more than two faces.");
        }
        if (!consistent) {
            warnings.add("Faces point different ways: some may look missing or dark in viewers and AR.");
        }
        Integer width = textureSize == null ? null : textureSize[0];
        Integer height = textureSize == null ? null : textureSize[1];
        if (width == null) {
            warnings.add("No texture: the model shows in plain colours.");
        } else if (width > TEXTURE_LIMIT || height > TEXTURE_LIMIT) {
            warnings.add("Texture over 4K (" + width + " x " + height + "): heavy for the web and AR.");
        }
        if (longest > 0 && shortest < THIN * longest) {
            warnings.add("Very thin: its thinnest side is under 2% of its longest.");
        }
        double aspect = shortest > 0 ? longest / shortest : 0;
        return new QualityReport(model.faces(), model.vertices(), glbBytes, watertight, open, nonManifold, consistent, size, aspect,
                width, height, List.copyOf(warnings));
    }

    private static void edge(Map<Long, int[]> edges, int from, int to) {
        long key = from < to ? ((long) from << 32) | to : ((long) to << 32) | from;
        edges.computeIfAbsent(key, k -> new int[2])[from < to ? 0 : 1]++;
    }

    /** A position rounded to a millionth of the model's size: vertices in one cell are one vertex. */
    private record Cell(long x, long y, long z) {
        static Cell of(float x, float y, float z, double scale) {
            double step = scale > 0 ? scale * 1e-6 : 1e-9;
            return new Cell(Math.round(x / step), Math.round(y / step), Math.round(z / step));
        }
    }

    /** The report as the API answers it (and as it is stored). */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("faces", faces);
        out.put("vertices", vertices);
        out.put("glbBytes", glbBytes);
        out.put("watertight", watertight);
        out.put("openEdges", openEdges);
        out.put("nonManifoldEdges", nonManifoldEdges);
        out.put("consistentWinding", consistentWinding);
        out.put("size", List.of(round(size[0]), round(size[1]), round(size[2])));
        out.put("aspect", round(aspect));
        if (textureWidth != null) {
            out.put("texture", Map.of("width", textureWidth, "height", textureHeight));
        }
        out.put("warnings", warnings);
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
