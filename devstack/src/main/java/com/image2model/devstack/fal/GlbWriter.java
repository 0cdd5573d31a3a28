package com.image2model.devstack.fal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A textured triangle mesh as one glTF 2.0 binary file (GLB): JSON chunk, then one BIN chunk. With
 * PBR maps, its material is glTF's metallic-roughness one with a base colour, a metallic-roughness
 * texture (roughness in G, metalness in B) and a tangent-space normal map.
 */
public final class GlbWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAGIC = 0x46546C67; // "glTF"
    private static final int JSON_CHUNK = 0x4E4F534A;
    private static final int BIN_CHUNK = 0x004E4942;
    private static final int FLOAT = 5126;
    private static final int UNSIGNED_SHORT = 5123;
    private static final int UNSIGNED_INT = 5125;
    private static final int ARRAY_BUFFER = 34962;
    private static final int ELEMENT_ARRAY_BUFFER = 34963;

    private GlbWriter() {
    }

    /** An encoded image (PNG or JPEG) and its media type. */
    public record Picture(byte[] bytes, String mimeType) {
    }

    /** The maps of a PBR material beside the base colour (null in a {@link #write} call: base colour only). */
    public record PbrMaps(Picture metallicRoughness, Picture normal) {
    }

    public static byte[] write(ImageToMesh.Mesh mesh, byte[] image, String imageMimeType) {
        return write(mesh, new Picture(image, imageMimeType), null, false);
    }

    /** {@code quads}: the indices are quads, two triangles after each other (named in the mesh's extras). */
    public static byte[] write(ImageToMesh.Mesh mesh, Picture base, PbrMaps pbr, boolean quads) {
        byte[] image = base.bytes();
        String imageMimeType = base.mimeType();
        ByteArrayOutputStream bin = new ByteArrayOutputStream();
        List<Map<String, Object>> views = new ArrayList<>();
        int vertices = mesh.vertices();

        int positions = view(bin, views, floats(mesh.positions()), ARRAY_BUFFER);
        int normals = view(bin, views, floats(mesh.normals()), ARRAY_BUFFER);
        int uvs = view(bin, views, floats(mesh.uvs()), ARRAY_BUFFER);
        boolean shortIndices = vertices <= 65535;
        int indices = view(bin, views, shortIndices ? shorts(mesh.indices()) : ints(mesh.indices()), ELEMENT_ARRAY_BUFFER);
        int imageView = view(bin, views, image, 0);
        int roughnessView = pbr == null ? -1 : view(bin, views, pbr.metallicRoughness().bytes(), 0);
        int normalView = pbr == null ? -1 : view(bin, views, pbr.normal().bytes(), 0);

        float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] p = mesh.positions();
        for (int i = 0; i < p.length; i++) {
            min[i % 3] = Math.min(min[i % 3], p[i]);
            max[i % 3] = Math.max(max[i % 3], p[i]);
        }
        List<Map<String, Object>> accessors = List.of(
                accessor(positions, FLOAT, vertices, "VEC3", min, max),
                accessor(normals, FLOAT, vertices, "VEC3", null, null),
                accessor(uvs, FLOAT, vertices, "VEC2", null, null),
                accessor(indices, shortIndices ? UNSIGNED_SHORT : UNSIGNED_INT, mesh.indices().length, "SCALAR", null, null));

        Map<String, Object> gltf = new LinkedHashMap<>();
        gltf.put("asset", Map.of("version", "2.0", "generator", "Image2Model devstack generator"));
        gltf.put("scene", 0);
        gltf.put("scenes", List.of(Map.of("nodes", List.of(0))));
        gltf.put("nodes", List.of(Map.of("mesh", 0, "name", "model")));
        Map<String, Object> mesh0 = new LinkedHashMap<>();
        mesh0.put("name", "model");
        mesh0.put("primitives", List.of(Map.of(
                "attributes", Map.of("POSITION", 0, "NORMAL", 1, "TEXCOORD_0", 2),
                "indices", 3, "material", 0, "mode", 4)));
        if (quads) {
            // glTF has no quads: each quad is two triangles after each other (a quad-aware exporter joins them).
            mesh0.put("extras", Map.of("topology", "quads"));
        }
        gltf.put("meshes", List.of(mesh0));
        List<Map<String, Object>> images = new ArrayList<>();
        images.add(Map.of("bufferView", imageView, "mimeType", imageMimeType));
        List<Map<String, Object>> textures = new ArrayList<>();
        textures.add(Map.of("sampler", 0, "source", 0));
        Map<String, Object> material = new LinkedHashMap<>();
        if (pbr == null) {
            material.put("name", "picture");
            material.put("pbrMetallicRoughness", Map.of("baseColorTexture", Map.of("index", 0), "metallicFactor", 0.0, "roughnessFactor", 0.8));
        } else {
            images.add(Map.of("bufferView", roughnessView, "mimeType", pbr.metallicRoughness().mimeType()));
            images.add(Map.of("bufferView", normalView, "mimeType", pbr.normal().mimeType()));
            textures.add(Map.of("sampler", 0, "source", 1));
            textures.add(Map.of("sampler", 0, "source", 2));
            material.put("name", "pbr");
            // The factors multiply the maps: the maps alone say how rough and how metallic each point is.
            material.put("pbrMetallicRoughness", Map.of("baseColorTexture", Map.of("index", 0),
                    "metallicRoughnessTexture", Map.of("index", 1), "metallicFactor", 1.0, "roughnessFactor", 1.0));
            material.put("normalTexture", Map.of("index", 2, "scale", 1.0));
        }
        gltf.put("materials", List.of(material));
        gltf.put("textures", textures);
        gltf.put("samplers", List.of(Map.of("magFilter", 9729, "minFilter", 9987, "wrapS", 33071, "wrapT", 33071)));
        gltf.put("images", images);
        gltf.put("accessors", accessors);
        gltf.put("bufferViews", views);
        gltf.put("buffers", List.of(Map.of("byteLength", bin.size())));

        byte[] json;
        try {
            json = JSON.writeValueAsBytes(gltf);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int jsonLength = pad(json.length);
        int binLength = pad(bin.size());
        ByteBuffer out = ByteBuffer.allocate(12 + 8 + jsonLength + 8 + binLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(2).putInt(out.capacity());
        out.putInt(jsonLength).putInt(JSON_CHUNK).put(json);
        for (int i = json.length; i < jsonLength; i++) {
            out.put((byte) ' ');
        }
        out.putInt(binLength).putInt(BIN_CHUNK).put(bin.toByteArray());
        return out.array();
    }

    private static int view(ByteArrayOutputStream bin, List<Map<String, Object>> views, byte[] data, int target) {
        int offset = bin.size();
        bin.writeBytes(data);
        while (bin.size() % 4 != 0) {
            bin.write(0);
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("buffer", 0);
        view.put("byteOffset", offset);
        view.put("byteLength", data.length);
        if (target != 0) {
            view.put("target", target);
        }
        views.add(view);
        return views.size() - 1;
    }

    private static Map<String, Object> accessor(int view, int componentType, int count, String type, float[] min, float[] max) {
        Map<String, Object> accessor = new LinkedHashMap<>();
        accessor.put("bufferView", view);
        accessor.put("componentType", componentType);
        accessor.put("count", count);
        accessor.put("type", type);
        if (min != null) {
            accessor.put("min", toList(min));
            accessor.put("max", toList(max));
        }
        return accessor;
    }

    private static List<Float> toList(float[] values) {
        List<Float> list = new ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static byte[] floats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    private static byte[] shorts(int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buffer.putShort((short) v);
        }
        return buffer.array();
    }

    private static byte[] ints(int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    private static int pad(int length) {
        return (length + 3) & ~3;
    }
}
