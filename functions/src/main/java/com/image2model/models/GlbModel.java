package com.image2model.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The geometry of a GLB (binary glTF 2.0) as a preview and a quality report need it: every
 * triangle of the default scene in world space (node transforms applied), its texture
 * coordinates, and its base colour (factor and texture). Plain Java; what it cannot read (a mesh
 * compressed with Draco or meshopt, an external buffer, an accessor outside its buffer) is
 * {@link Unreadable}, never a wrong picture.
 */
public record GlbModel(List<Part> parts, List<Texture> textures) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAGIC = 0x46546C67;
    private static final int JSON_CHUNK = 0x4E4F534A;
    private static final int BIN_CHUNK = 0x004E4942;

    /** One primitive: world positions (xyz per vertex), triangles (3 indices each), UVs (uv per vertex, or null), base colour. */
    public record Part(float[] positions, int[] triangles, float[] uvs, int texture, float[] baseColor) {
        public int vertices() {
            return positions.length / 3;
        }

        public int faces() {
            return triangles.length / 3;
        }
    }

    /** An embedded image: its bytes and media type (decoded only by whoever draws it). */
    public record Texture(byte[] bytes, String mimeType) {
    }

    /** A GLB this reader cannot take apart; the message says what, in plain words. */
    public static final class Unreadable extends Exception {
        public Unreadable(String message) {
            super(message);
        }
    }

    public long faces() {
        return parts.stream().mapToLong(Part::faces).sum();
    }

    public long vertices() {
        return parts.stream().mapToLong(Part::vertices).sum();
    }

    /** The bounding box of every vertex: {min x, y, z} and {max x, y, z}; both zero for a model without vertices. */
    public double[][] bounds() {
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (Part part : parts) {
            float[] p = part.positions();
            for (int i = 0; i < p.length; i++) {
                min[i % 3] = Math.min(min[i % 3], p[i]);
                max[i % 3] = Math.max(max[i % 3], p[i]);
            }
        }
        return vertices() == 0 ? new double[2][3] : new double[][] {min, max};
    }

    public static GlbModel read(byte[] glb) throws Unreadable {
        if (glb.length < 20) {
            throw new Unreadable("too short for a GLB");
        }
        ByteBuffer in = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt(0) != MAGIC || in.getInt(4) != 2) {
            throw new Unreadable("not a glTF 2.0 binary");
        }
        int jsonLength = in.getInt(12);
        if (in.getInt(16) != JSON_CHUNK || jsonLength <= 0 || 20L + jsonLength > glb.length) {
            throw new Unreadable("no JSON chunk");
        }
        JsonNode gltf;
        try {
            gltf = JSON.readTree(new String(glb, 20, jsonLength, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new Unreadable("its JSON does not parse");
        }
        ByteBuffer bin = null;
        int binStart = 20 + ((jsonLength + 3) & ~3);
        if (binStart + 8 <= glb.length && in.getInt(binStart + 4) == BIN_CHUNK) {
            int binLength = in.getInt(binStart);
            if (binLength < 0 || (long) binStart + 8 + binLength > glb.length) {
                throw new Unreadable("its binary chunk is cut short");
            }
            bin = ByteBuffer.wrap(glb, binStart + 8, binLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        for (JsonNode required : gltf.path("extensionsRequired")) {
            String name = required.asString("");
            if (name.equals("KHR_draco_mesh_compression") || name.equals("EXT_meshopt_compression")) {
                throw new Unreadable("its mesh is compressed (" + name + ")");
            }
        }
        return new Reader(gltf, bin).model();
    }

    /** Reads buffers, accessors and the scene graph of one glTF document. */
    private static final class Reader {
        private final JsonNode gltf;
        private final List<ByteBuffer> buffers = new ArrayList<>();
        private final List<Part> parts = new ArrayList<>();
        private final List<Texture> textures = new ArrayList<>();

        Reader(JsonNode gltf, ByteBuffer bin) throws Unreadable {
            this.gltf = gltf;
            int i = 0;
            for (JsonNode buffer : gltf.path("buffers")) {
                String uri = buffer.path("uri").asString(null);
                if (uri == null) {
                    if (i != 0 || bin == null) {
                        throw new Unreadable("buffer " + i + " has no data");
                    }
                    buffers.add(bin);
                } else if (uri.startsWith("data:") && uri.contains(";base64,")) {
                    buffers.add(ByteBuffer.wrap(Base64.getDecoder().decode(uri.substring(uri.indexOf(";base64,") + 8)))
                            .order(ByteOrder.LITTLE_ENDIAN));
                } else {
                    throw new Unreadable("buffer " + i + " lives in another file");
                }
                i++;
            }
            for (JsonNode image : gltf.path("images")) {
                textures.add(image(image));
            }
        }

        GlbModel model() throws Unreadable {
            JsonNode scenes = gltf.path("scenes");
            if (scenes.isArray() && !scenes.isEmpty()) {
                JsonNode scene = scenes.path(gltf.path("scene").asInt(0));
                for (JsonNode node : scene.path("nodes")) {
                    visit(node.asInt(), Matrix.IDENTITY, 0);
                }
            } else {
                for (int m = 0; m < gltf.path("meshes").size(); m++) {
                    mesh(gltf.path("meshes").path(m), Matrix.IDENTITY);
                }
            }
            return new GlbModel(List.copyOf(parts), List.copyOf(textures));
        }

        private void visit(int nodeIndex, double[] parent, int depth) throws Unreadable {
            if (depth > 64) {
                throw new Unreadable("its node tree is deeper than 64 (a cycle?)");
            }
            JsonNode node = gltf.path("nodes").path(nodeIndex);
            if (node.isMissingNode()) {
                throw new Unreadable("a scene names node " + nodeIndex + ", which does not exist");
            }
            double[] world = Matrix.multiply(parent, Matrix.local(node));
            if (node.has("mesh")) {
                JsonNode mesh = gltf.path("meshes").path(node.path("mesh").asInt());
                if (mesh.isMissingNode()) {
                    throw new Unreadable("node " + nodeIndex + " names a mesh that does not exist");
                }
                mesh(mesh, world);
            }
            for (JsonNode child : node.path("children")) {
                visit(child.asInt(), world, depth + 1);
            }
        }

        private void mesh(JsonNode mesh, double[] world) throws Unreadable {
            for (JsonNode primitive : mesh.path("primitives")) {
                int mode = primitive.path("mode").asInt(4);
                if (mode < 4 || mode > 6) {
                    continue; // points and lines have no faces to draw or count
                }
                if (primitive.path("extensions").has("KHR_draco_mesh_compression")) {
                    throw new Unreadable("its mesh is Draco-compressed");
                }
                JsonNode attributes = primitive.path("attributes");
                if (!attributes.has("POSITION")) {
                    continue;
                }
                float[] local = floats(attributes.path("POSITION").asInt(), 3);
                float[] positions = new float[local.length];
                for (int v = 0; v < local.length; v += 3) {
                    Matrix.transform(world, local, v, positions);
                }
                int vertices = positions.length / 3;
                int[] corners = primitive.has("indices") ? ints(primitive.path("indices").asInt()) : sequence(vertices);
                for (int index : corners) {
                    if (index < 0 || index >= vertices) {
                        throw new Unreadable("an index points past the mesh's " + vertices + " vertices");
                    }
                }
                int[] triangles = triangles(corners, mode);
                JsonNode material = gltf.path("materials").path(primitive.path("material").asInt(-1));
                JsonNode pbr = material.path("pbrMetallicRoughness");
                float[] base = {1, 1, 1, 1};
                JsonNode factor = pbr.path("baseColorFactor");
                for (int c = 0; c < 4 && factor.isArray() && c < factor.size(); c++) {
                    base[c] = (float) factor.path(c).asDouble(1);
                }
                int texture = -1;
                float[] uvs = null;
                if (pbr.has("baseColorTexture")) {
                    int source = gltf.path("textures").path(pbr.path("baseColorTexture").path("index").asInt(-1)).path("source").asInt(-1);
                    String uvName = "TEXCOORD_" + pbr.path("baseColorTexture").path("texCoord").asInt(0);
                    if (source >= 0 && source < textures.size() && textures.get(source) != null && attributes.has(uvName)) {
                        float[] read = floats(attributes.path(uvName).asInt(), 2);
                        if (read.length / 2 == vertices) {
                            texture = source;
                            uvs = read;
                        }
                    }
                }
                parts.add(new Part(positions, triangles, uvs, texture, base));
            }
        }

        private Texture image(JsonNode image) throws Unreadable {
            String mime = image.path("mimeType").asString("");
            if (image.has("bufferView")) {
                ByteBuffer view = view(image.path("bufferView").asInt());
                byte[] bytes = new byte[view.remaining()];
                view.get(bytes);
                return new Texture(bytes, mime);
            }
            String uri = image.path("uri").asString("");
            if (uri.startsWith("data:") && uri.contains(";base64,")) {
                return new Texture(Base64.getDecoder().decode(uri.substring(uri.indexOf(";base64,") + 8)),
                        uri.substring(5, uri.indexOf(';')));
            }
            return null; // an image in another file: drawn without it
        }

        private ByteBuffer view(int index) throws Unreadable {
            JsonNode view = gltf.path("bufferViews").path(index);
            int buffer = view.path("buffer").asInt(-1);
            if (view.isMissingNode() || buffer < 0 || buffer >= buffers.size()) {
                throw new Unreadable("buffer view " + index + " does not exist");
            }
            ByteBuffer data = buffers.get(buffer);
            long offset = view.path("byteOffset").asLong(0);
            long length = view.path("byteLength").asLong(-1);
            if (offset < 0 || length < 0 || offset + length > data.capacity()) {
                throw new Unreadable("buffer view " + index + " lies outside its buffer");
            }
            return data.duplicate().position((int) offset).limit((int) (offset + length)).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        /** An accessor's elements as floats ({@code width} per element), normalized integers scaled as glTF says. */
        private float[] floats(int accessorIndex, int width) throws Unreadable {
            Accessor a = accessor(accessorIndex, width);
            float[] out = new float[a.count * width];
            for (int e = 0; e < a.count; e++) {
                for (int c = 0; c < width; c++) {
                    int at = a.offset + e * a.stride + c * a.componentBytes;
                    out[e * width + c] = switch (a.componentType) {
                        case 5126 -> a.data.getFloat(at);
                        case 5121 -> (a.data.get(at) & 0xff) / (a.normalized ? 255f : 1f);
                        case 5123 -> (a.data.getShort(at) & 0xffff) / (a.normalized ? 65535f : 1f);
                        case 5120 -> a.normalized ? Math.max(a.data.get(at) / 127f, -1f) : a.data.get(at);
                        case 5122 -> a.normalized ? Math.max(a.data.getShort(at) / 32767f, -1f) : a.data.getShort(at);
                        default -> throw new Unreadable("accessor " + accessorIndex + " has component type " + a.componentType);
                    };
                }
            }
            return out;
        }

        private int[] ints(int accessorIndex) throws Unreadable {
            Accessor a = accessor(accessorIndex, 1);
            int[] out = new int[a.count];
            for (int e = 0; e < a.count; e++) {
                int at = a.offset + e * a.stride;
                out[e] = switch (a.componentType) {
                    case 5121 -> a.data.get(at) & 0xff;
                    case 5123 -> a.data.getShort(at) & 0xffff;
                    case 5125 -> a.data.getInt(at);
                    default -> throw new Unreadable("indices of component type " + a.componentType);
                };
            }
            return out;
        }

        private record Accessor(ByteBuffer data, int offset, int stride, int count, int componentType, int componentBytes,
                                boolean normalized) {
        }

        private Accessor accessor(int index, int width) throws Unreadable {
            JsonNode accessor = gltf.path("accessors").path(index);
            if (accessor.isMissingNode()) {
                throw new Unreadable("accessor " + index + " does not exist");
            }
            if (accessor.has("sparse")) {
                throw new Unreadable("accessor " + index + " is sparse");
            }
            int components = switch (accessor.path("type").asString("")) {
                case "SCALAR" -> 1;
                case "VEC2" -> 2;
                case "VEC3" -> 3;
                case "VEC4" -> 4;
                default -> 0;
            };
            if (components < width) {
                throw new Unreadable("accessor " + index + " is " + accessor.path("type").asString() + ", too narrow");
            }
            int componentType = accessor.path("componentType").asInt();
            int componentBytes = switch (componentType) {
                case 5120, 5121 -> 1;
                case 5122, 5123 -> 2;
                case 5125, 5126 -> 4;
                default -> throw new Unreadable("accessor " + index + " has component type " + componentType);
            };
            long count = accessor.path("count").asLong(-1);
            if (count < 0 || count > 50_000_000) {
                throw new Unreadable("accessor " + index + " has a count of " + count);
            }
            if (!accessor.has("bufferView")) {
                throw new Unreadable("accessor " + index + " has no data");
            }
            ByteBuffer data = view(accessor.path("bufferView").asInt());
            int elementBytes = components * componentBytes;
            int stride = gltf.path("bufferViews").path(accessor.path("bufferView").asInt()).path("byteStride").asInt(elementBytes);
            long offset = accessor.path("byteOffset").asLong(0);
            if (stride < elementBytes || offset < 0 || (count > 0 && offset + (count - 1) * stride + elementBytes > data.capacity())) {
                throw new Unreadable("accessor " + index + " lies outside its buffer view");
            }
            return new Accessor(data, (int) offset, stride, (int) count, componentType, componentBytes,
                    accessor.path("normalized").asBoolean(false));
        }
    }

    private static int[] sequence(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** Corners of a primitive of this mode as a plain triangle list (strips and fans unrolled, keeping their winding). */
    static int[] triangles(int[] corners, int mode) {
        if (mode == 4) {
            return java.util.Arrays.copyOf(corners, corners.length - corners.length % 3);
        }
        int n = Math.max(0, corners.length - 2);
        int[] out = new int[n * 3];
        for (int i = 0; i < n; i++) {
            if (mode == 5) {
                boolean even = i % 2 == 0;
                out[i * 3] = corners[i];
                out[i * 3 + 1] = even ? corners[i + 1] : corners[i + 2];
                out[i * 3 + 2] = even ? corners[i + 2] : corners[i + 1];
            } else {
                out[i * 3] = corners[0];
                out[i * 3 + 1] = corners[i + 1];
                out[i * 3 + 2] = corners[i + 2];
            }
        }
        return out;
    }

    /** 4x4 matrices, column-major as glTF writes them. */
    static final class Matrix {
        static final double[] IDENTITY = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};

        private Matrix() {
        }

        static double[] local(JsonNode node) {
            JsonNode matrix = node.path("matrix");
            if (matrix.isArray() && matrix.size() == 16) {
                double[] m = new double[16];
                for (int i = 0; i < 16; i++) {
                    m[i] = matrix.path(i).asDouble();
                }
                return m;
            }
            double[] t = vector(node.path("translation"), 3, 0);
            double[] r = vector(node.path("rotation"), 4, 0);
            if (!node.path("rotation").isArray()) {
                r[3] = 1;
            }
            double[] s = vector(node.path("scale"), 3, 1);
            double x = r[0], y = r[1], z = r[2], w = r[3];
            return new double[] {
                (1 - 2 * (y * y + z * z)) * s[0], (2 * (x * y + z * w)) * s[0], (2 * (x * z - y * w)) * s[0], 0,
                (2 * (x * y - z * w)) * s[1], (1 - 2 * (x * x + z * z)) * s[1], (2 * (y * z + x * w)) * s[1], 0,
                (2 * (x * z + y * w)) * s[2], (2 * (y * z - x * w)) * s[2], (1 - 2 * (x * x + y * y)) * s[2], 0,
                t[0], t[1], t[2], 1};
        }

        private static double[] vector(JsonNode values, int size, double otherwise) {
            double[] out = new double[size];
            for (int i = 0; i < size; i++) {
                out[i] = values.isArray() && values.size() == size ? values.path(i).asDouble() : otherwise;
            }
            return out;
        }

        static double[] multiply(double[] a, double[] b) {
            double[] out = new double[16];
            for (int col = 0; col < 4; col++) {
                for (int row = 0; row < 4; row++) {
                    double sum = 0;
                    for (int k = 0; k < 4; k++) {
                        sum += a[k * 4 + row] * b[col * 4 + k];
                    }
                    out[col * 4 + row] = sum;
                }
            }
            return out;
        }

        static void transform(double[] m, float[] in, int at, float[] out) {
            double x = in[at], y = in[at + 1], z = in[at + 2];
            out[at] = (float) (m[0] * x + m[4] * y + m[8] * z + m[12]);
            out[at + 1] = (float) (m[1] * x + m[5] * y + m[9] * z + m[13]);
            out[at + 2] = (float) (m[2] * x + m[6] * y + m[10] * z + m[14]);
        }
    }
}
