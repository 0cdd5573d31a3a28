package com.image2model.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The model's mesh as a GLB the viewer shows for its wireframe toggle: the surface in flat grey
 * (no texture, so the edges read) and every edge once as a LINES primitive in dark ink. Vertices
 * that share a position (a texture seam splits them) are welded for the edges, so a seam is not
 * drawn twice. One mesh, one node, one buffer; positions in the same metres as the model.
 */
public final class Wireframe {

    private static final int MAGIC = 0x46546C67;
    private static final int JSON_CHUNK = 0x4E4F534A;
    private static final int BIN_CHUNK = 0x004E4942;

    private record Position(int x, int y, int z) {
    }

    private Wireframe() {
    }

    /** The wireframe GLB of {@code model}. */
    public static byte[] glb(GlbModel model) {
        int vertices = (int) model.vertices();
        int faces = (int) model.faces();
        float[] positions = new float[vertices * 3];
        int[] triangles = new int[faces * 3];
        int v = 0;
        int t = 0;
        for (GlbModel.Part part : model.parts()) {
            System.arraycopy(part.positions(), 0, positions, v * 3, part.positions().length);
            for (int index : part.triangles()) {
                triangles[t++] = v + index;
            }
            v += part.vertices();
        }
        int[] lines = edges(positions, triangles);
        double[][] bounds = model.bounds();

        ByteBuffer bin = ByteBuffer.allocate(positions.length * 4 + triangles.length * 4 + lines.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float p : positions) {
            bin.putFloat(p);
        }
        for (int i : triangles) {
            bin.putInt(i);
        }
        for (int i : lines) {
            bin.putInt(i);
        }
        int positionBytes = positions.length * 4;
        int triangleBytes = triangles.length * 4;
        String json = String.format(Locale.ROOT, """
                {"asset":{"version":"2.0","generator":"Image2Model wireframe"},"scene":0,"scenes":[{"nodes":[0]}],\
                "nodes":[{"mesh":0,"name":"wireframe"}],\
                "meshes":[{"primitives":[{"attributes":{"POSITION":0},"indices":1,"material":0,"mode":4},\
                {"attributes":{"POSITION":0},"indices":2,"material":1,"mode":1}]}],\
                "materials":[{"name":"surface","pbrMetallicRoughness":{"baseColorFactor":[0.85,0.87,0.9,1],"metallicFactor":0,\
                "roughnessFactor":1},"doubleSided":true},{"name":"edges","pbrMetallicRoughness":{"baseColorFactor":[0.05,0.08,0.16,1],\
                "metallicFactor":0,"roughnessFactor":1}}],\
                "buffers":[{"byteLength":%d}],\
                "bufferViews":[{"buffer":0,"byteOffset":0,"byteLength":%d,"target":34962},\
                {"buffer":0,"byteOffset":%d,"byteLength":%d,"target":34963},{"buffer":0,"byteOffset":%d,"byteLength":%d,"target":34963}],\
                "accessors":[{"bufferView":0,"componentType":5126,"count":%d,"type":"VEC3","min":[%s],"max":[%s]},\
                {"bufferView":1,"componentType":5125,"count":%d,"type":"SCALAR"},\
                {"bufferView":2,"componentType":5125,"count":%d,"type":"SCALAR"}]}""",
                bin.capacity(), positionBytes, positionBytes, triangleBytes, positionBytes + triangleBytes, lines.length * 4,
                vertices, vector(bounds[0]), vector(bounds[1]), triangles.length, lines.length);
        return container(json.getBytes(StandardCharsets.UTF_8), bin.array());
    }

    /** Every edge of the triangles once (as index pairs), the vertices that share a position taken as one. */
    static int[] edges(float[] positions, int[] triangles) {
        Map<Position, Integer> first = new HashMap<>();
        int[] canonical = new int[positions.length / 3];
        for (int i = 0; i < canonical.length; i++) {
            int index = i;
            canonical[i] = first.computeIfAbsent(new Position(Float.floatToIntBits(positions[i * 3]),
                    Float.floatToIntBits(positions[i * 3 + 1]), Float.floatToIntBits(positions[i * 3 + 2])), k -> index);
        }
        Set<Long> seen = new HashSet<>();
        int[] pairs = new int[triangles.length * 2];
        int n = 0;
        for (int f = 0; f + 2 < triangles.length; f += 3) {
            for (int e = 0; e < 3; e++) {
                int a = canonical[triangles[f + e]];
                int b = canonical[triangles[f + (e + 1) % 3]];
                if (a == b) {
                    continue;
                }
                long key = ((long) Math.min(a, b) << 32) | Math.max(a, b);
                if (seen.add(key)) {
                    pairs[n++] = a;
                    pairs[n++] = b;
                }
            }
        }
        return java.util.Arrays.copyOf(pairs, n);
    }

    private static String vector(double[] v) {
        return String.format(Locale.ROOT, "%s,%s,%s", (float) v[0], (float) v[1], (float) v[2]);
    }

    /** The GLB container: header, the JSON chunk padded with spaces, the BIN chunk padded with zeros (4-byte alignment). */
    static byte[] container(byte[] json, byte[] bin) {
        int jsonLength = (json.length + 3) & ~3;
        int binLength = (bin.length + 3) & ~3;
        ByteBuffer out = ByteBuffer.allocate(12 + 8 + jsonLength + 8 + binLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(2).putInt(out.capacity());
        out.putInt(jsonLength).putInt(JSON_CHUNK).put(json);
        for (int i = json.length; i < jsonLength; i++) {
            out.put((byte) ' ');
        }
        out.putInt(binLength).putInt(BIN_CHUNK).put(bin);
        return out.array();
    }
}
