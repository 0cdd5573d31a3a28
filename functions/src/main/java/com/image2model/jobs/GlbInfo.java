package com.image2model.jobs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a GLB (binary glTF 2.0) holds: checked header, triangle and vertex counts. */
public record GlbInfo(int version, long faces, long vertices, int meshes) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAGIC = 0x46546C67; // "glTF"
    private static final int JSON_CHUNK = 0x4E4F534A;

    /** Not a GLB, or a broken one. */
    public static final class NotGlb extends Exception {
        public NotGlb(String message) {
            super(message);
        }
    }

    public static boolean hasMagic(byte[] bytes) {
        return bytes.length >= 4 && ByteBuffer.wrap(bytes, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == MAGIC;
    }

    public static GlbInfo read(byte[] bytes) throws NotGlb {
        if (bytes.length < 20 || !hasMagic(bytes)) {
            throw new NotGlb("The file does not start with the glTF binary magic.");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.getInt();
        int version = in.getInt();
        long length = Integer.toUnsignedLong(in.getInt());
        if (version != 2) {
            throw new NotGlb("glTF version " + version + " (only 2 is supported).");
        }
        if (length != bytes.length) {
            throw new NotGlb("The header says " + length + " bytes, the file has " + bytes.length + ".");
        }
        int jsonLength = in.getInt();
        if (in.getInt() != JSON_CHUNK || jsonLength <= 0 || jsonLength > bytes.length - 20) {
            throw new NotGlb("The first chunk is not a JSON chunk.");
        }
        JsonNode gltf;
        try {
            gltf = JSON.readTree(new String(bytes, 20, jsonLength, java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new NotGlb("The JSON chunk does not parse.");
        }
        JsonNode accessors = gltf.path("accessors");
        long faces = 0;
        long vertices = 0;
        int meshes = 0;
        for (JsonNode mesh : gltf.path("meshes")) {
            meshes++;
            for (JsonNode primitive : mesh.path("primitives")) {
                int mode = primitive.path("mode").asInt(4);
                long positions = accessors.path(primitive.path("attributes").path("POSITION").asInt(-1)).path("count").asLong(0);
                vertices += positions;
                long corners = primitive.has("indices") ? accessors.path(primitive.path("indices").asInt()).path("count").asLong(0) : positions;
                faces += switch (mode) {
                    case 4 -> corners / 3;
                    case 5, 6 -> Math.max(0, corners - 2);
                    default -> 0;
                };
            }
        }
        return new GlbInfo(version, faces, vertices, meshes);
    }
}
