package com.image2model.models;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/** Writes small GLBs for the tests: one mesh of positions, 32-bit indices, optional UVs and an optional embedded PNG. */
final class TestGlb {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestGlb() {
    }

    /** The unit cube around the origin, 24 vertices (4 per face, as UV seams split them), outward winding. */
    static float[][] cube() {
        float[][] faces = {
            {-1, -1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1}, // +z
            {1, -1, -1, -1, -1, -1, -1, 1, -1, 1, 1, -1}, // -z
            {1, -1, 1, 1, -1, -1, 1, 1, -1, 1, 1, 1}, // +x
            {-1, -1, -1, -1, -1, 1, -1, 1, 1, -1, 1, -1}, // -x
            {-1, 1, 1, 1, 1, 1, 1, 1, -1, -1, 1, -1}, // +y
            {-1, -1, -1, 1, -1, -1, 1, -1, 1, -1, -1, 1}}; // -y
        float[] positions = new float[72];
        float[] uvs = new float[48];
        for (int f = 0; f < 6; f++) {
            System.arraycopy(faces[f], 0, positions, f * 12, 12);
            float[] corner = {0, 1, 1, 1, 1, 0, 0, 0};
            System.arraycopy(corner, 0, uvs, f * 8, 8);
        }
        return new float[][] {positions, uvs};
    }

    static int[] cubeIndices(int faces) {
        int[] indices = new int[faces * 6];
        for (int f = 0; f < faces; f++) {
            int[] quad = {f * 4, f * 4 + 1, f * 4 + 2, f * 4, f * 4 + 2, f * 4 + 3};
            System.arraycopy(quad, 0, indices, f * 6, 6);
        }
        return indices;
    }

    static byte[] glb(float[] positions, int[] indices, float[] uvs, byte[] png, Map<String, Object> extra) {
        ByteArrayOutputStream bin = new ByteArrayOutputStream();
        List<Map<String, Object>> views = new ArrayList<>();
        List<Map<String, Object>> accessors = new ArrayList<>();
        accessors.add(Map.of("bufferView", view(bin, views, floats(positions)), "componentType", 5126, "count", positions.length / 3,
                "type", "VEC3"));
        accessors.add(Map.of("bufferView", view(bin, views, ints(indices)), "componentType", 5125, "count", indices.length,
                "type", "SCALAR"));
        Map<String, Object> attributes = new LinkedHashMap<>(Map.of("POSITION", 0));
        if (uvs != null) {
            accessors.add(Map.of("bufferView", view(bin, views, floats(uvs)), "componentType", 5126, "count", uvs.length / 2,
                    "type", "VEC2"));
            attributes.put("TEXCOORD_0", 2);
        }
        Map<String, Object> gltf = new LinkedHashMap<>();
        gltf.put("asset", Map.of("version", "2.0"));
        gltf.put("scene", 0);
        gltf.put("scenes", List.of(Map.of("nodes", List.of(0))));
        gltf.put("nodes", List.of(Map.of("mesh", 0)));
        Map<String, Object> primitive = new LinkedHashMap<>(Map.of("attributes", attributes, "indices", 1));
        if (png != null) {
            gltf.put("images", List.of(Map.of("bufferView", view(bin, views, png), "mimeType", "image/png")));
            gltf.put("textures", List.of(Map.of("source", 0)));
            gltf.put("materials", List.of(Map.of("pbrMetallicRoughness", Map.of("baseColorTexture", Map.of("index", 0)))));
            primitive.put("material", 0);
        }
        gltf.put("meshes", List.of(Map.of("primitives", List.of(primitive))));
        gltf.put("accessors", accessors);
        gltf.put("bufferViews", views);
        gltf.put("buffers", List.of(Map.of("byteLength", bin.size())));
        gltf.putAll(extra);
        byte[] json = pad(JSON.writeValueAsString(gltf).getBytes(StandardCharsets.UTF_8), (byte) ' ');
        byte[] data = pad(bin.toByteArray(), (byte) 0);
        ByteBuffer out = ByteBuffer.allocate(12 + 8 + json.length + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0x46546C67).putInt(2).putInt(out.capacity());
        out.putInt(json.length).putInt(0x4E4F534A).put(json);
        out.putInt(data.length).putInt(0x004E4942).put(data);
        return out.array();
    }

    private static int view(ByteArrayOutputStream bin, List<Map<String, Object>> views, byte[] bytes) {
        while (bin.size() % 4 != 0) {
            bin.write(0);
        }
        views.add(Map.of("buffer", 0, "byteOffset", bin.size(), "byteLength", bytes.length));
        bin.writeBytes(bytes);
        return views.size() - 1;
    }

    private static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] ints(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] pad(byte[] bytes, byte with) {
        byte[] out = java.util.Arrays.copyOf(bytes, (bytes.length + 3) & ~3);
        java.util.Arrays.fill(out, bytes.length, out.length, with);
        return out;
    }
}
