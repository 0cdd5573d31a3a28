package com.image2model.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A model in the formats agencies hand on, written from its GLB in plain Java: OBJ (with its MTL
 * and textures, zipped), binary STL (millimetres, Z up, as slicers expect), USDZ (USDA with
 * UsdPreviewSurface materials and the textures, a stored ZIP aligned to 64 bytes with the USD
 * layer first, as Pixar's and Apple's package rules require) and ASCII FBX 7.4 (meshes, UVs,
 * materials, textures embedded). glTF's unit is the metre and its up axis Y: each writer says
 * what it keeps.
 */
public final class Exports {

    /** A format the download route offers: its file name's ending and media type. */
    public enum Format {
        GLB("glb", "model/gltf-binary"),
        OBJ("obj.zip", "application/zip"),
        STL("stl", "model/stl"),
        USDZ("usdz", "model/vnd.usdz+zip"),
        FBX("fbx", "application/octet-stream"),
        /** Not a format to hand on: the viewer's wireframe (see {@link Wireframe}). */
        WIREFRAME("wireframe.glb", "model/gltf-binary");

        private final String extension;
        private final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }

        public String extension() {
            return extension;
        }

        public String mediaType() {
            return mediaType;
        }

        /** The format named (any case), or null. */
        public static Format named(String name) {
            for (Format format : values()) {
                if (format.name().equalsIgnoreCase(name)) {
                    return format;
                }
            }
            return null;
        }
    }

    private Exports() {
    }

    /** The model in {@code format} ({@code GLB}: the bytes as they are). */
    public static byte[] convert(byte[] glb, Format format) throws GlbModel.Unreadable {
        return convert(glb, format, false);
    }

    /**
     * As above; {@code quads}: the model was made as quads (glTF holds each as two triangles after
     * each other), which OBJ and FBX, formats with polygons, get back as four-sided faces.
     */
    public static byte[] convert(byte[] glb, Format format, boolean quads) throws GlbModel.Unreadable {
        if (format == Format.GLB) {
            return glb;
        }
        GlbModel model = GlbModel.read(glb);
        return switch (format) {
            case OBJ -> obj(model, quads);
            case STL -> stl(model);
            case USDZ -> usdz(model);
            case FBX -> fbx(model, quads);
            case WIREFRAME -> Wireframe.glb(model);
            case GLB -> glb;
        };
    }

    // ------------------------------------------------------------------ STL

    /** Binary STL: every triangle, in millimetres, Z up (glTF's Y up turned: x, -z, y), with its facet normal. */
    static byte[] stl(GlbModel model) {
        int faces = (int) model.faces();
        ByteBuffer out = ByteBuffer.allocate(84 + faces * 50).order(ByteOrder.LITTLE_ENDIAN);
        byte[] header = "Image2Model STL: millimetres, Z up (from glTF metres, Y up)".getBytes(StandardCharsets.US_ASCII);
        out.put(header).position(80).putInt(faces);
        for (GlbModel.Part part : model.parts()) {
            float[] p = part.positions();
            int[] t = part.triangles();
            for (int f = 0; f + 2 < t.length; f += 3) {
                float[][] v = new float[3][];
                for (int c = 0; c < 3; c++) {
                    int i = t[f + c] * 3;
                    v[c] = new float[] {p[i] * 1000, -p[i + 2] * 1000, p[i + 1] * 1000};
                }
                float[] n = normal(v[0], v[1], v[2]);
                out.putFloat(n[0]).putFloat(n[1]).putFloat(n[2]);
                for (float[] corner : v) {
                    out.putFloat(corner[0]).putFloat(corner[1]).putFloat(corner[2]);
                }
                out.putShort((short) 0);
            }
        }
        return out.array();
    }

    private static float[] normal(float[] a, float[] b, float[] c) {
        float ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
        float vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
        float nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
        float length = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
        return length == 0 ? new float[3] : new float[] {nx / length, ny / length, nz / length};
    }

    // ------------------------------------------------------------------ OBJ

    /**
     * A part's faces as polygons: its triangles, or with {@code quads} each two triangles after each
     * other that share an edge joined into the quad they split (a, b, c then c, b, d is the quad
     * a, b, d, c, its winding kept); a triangle without such a partner stays a triangle.
     */
    static List<int[]> polygons(int[] t, boolean quads) {
        List<int[]> out = new ArrayList<>();
        int f = 0;
        while (f + 2 < t.length) {
            int[] quad = quads && f + 5 < t.length ? quad(t, f) : null;
            if (quad != null) {
                out.add(quad);
                f += 6;
            } else {
                out.add(new int[] {t[f], t[f + 1], t[f + 2]});
                f += 3;
            }
        }
        return out;
    }

    /** The quad of triangles f and f+1 when the second runs the first's edge backwards; else null. */
    private static int[] quad(int[] t, int f) {
        for (int r = 0; r < 3; r++) {
            // The first triangle turned so that its edge p1 -> p2 is the one shared.
            int p0 = t[f + r];
            int p1 = t[f + (r + 1) % 3];
            int p2 = t[f + (r + 2) % 3];
            for (int k = 0; k < 3; k++) {
                if (t[f + 3 + k] == p2 && t[f + 3 + (k + 1) % 3] == p1) {
                    int q = t[f + 3 + (k + 2) % 3];
                    if (q != p0 && q != p1 && q != p2) {
                        return new int[] {p0, p1, q, p2};
                    }
                }
            }
        }
        return null;
    }

    static byte[] obj(GlbModel model) {
        return obj(model, false);
    }

    /** model.obj (metres, Y up), model.mtl and each texture, in one ZIP. */
    static byte[] obj(GlbModel model, boolean quads) {
        StringBuilder obj = new StringBuilder("# Image2Model OBJ: metres, Y up (as glTF)\nmtllib model.mtl\n");
        StringBuilder mtl = new StringBuilder("# Image2Model materials\n");
        int base = 1;
        for (int partIndex = 0; partIndex < model.parts().size(); partIndex++) {
            GlbModel.Part part = model.parts().get(partIndex);
            float[] p = part.positions();
            for (int i = 0; i < p.length; i += 3) {
                obj.append("v ").append(num(p[i])).append(' ').append(num(p[i + 1])).append(' ').append(num(p[i + 2])).append('\n');
            }
            float[] uv = part.uvs();
            if (uv != null) {
                for (int i = 0; i < uv.length; i += 2) {
                    // OBJ's texture origin is the image's bottom left, glTF's its top left.
                    obj.append("vt ").append(num(uv[i])).append(' ').append(num(1 - uv[i + 1])).append('\n');
                }
            }
            String material = "material" + partIndex;
            obj.append("o part").append(partIndex).append("\nusemtl ").append(material).append('\n');
            for (int[] polygon : polygons(part.triangles(), quads)) {
                obj.append('f');
                for (int corner : polygon) {
                    int index = base + corner;
                    obj.append(' ').append(index);
                    if (uv != null) {
                        obj.append('/').append(index);
                    }
                }
                obj.append('\n');
            }
            float[] color = part.baseColor();
            mtl.append("newmtl ").append(material).append("\nKd ").append(num(color[0])).append(' ').append(num(color[1])).append(' ')
                    .append(num(color[2])).append("\nd ").append(num(color[3])).append("\nillum 1\n");
            if (uv != null && part.texture() >= 0) {
                mtl.append("map_Kd ").append(textureName(model, part.texture())).append('\n');
            }
            base += part.vertices();
        }
        StoredZip zip = new StoredZip(1).add("model.obj", obj.toString().getBytes(StandardCharsets.UTF_8))
                .add("model.mtl", mtl.toString().getBytes(StandardCharsets.UTF_8));
        addTextures(zip, model, "");
        return zip.bytes();
    }

    private static void addTextures(StoredZip zip, GlbModel model, String folder) {
        for (int i = 0; i < model.textures().size(); i++) {
            if (model.textures().get(i) != null && used(model, i)) {
                zip.add(folder + textureName(model, i), model.textures().get(i).bytes());
            }
        }
    }

    private static boolean used(GlbModel model, int texture) {
        return model.parts().stream().anyMatch(p -> p.texture() == texture && p.uvs() != null);
    }

    private static String textureName(GlbModel model, int index) {
        return "texture" + index + (model.textures().get(index).mimeType().contains("jpeg") ? ".jpg" : ".png");
    }

    /** A coordinate as its float's shortest decimal (every reader here takes exponents too). */
    private static String num(double value) {
        float f = (float) value;
        if (f == Math.rint(f) && Math.abs(f) < 1e9) {
            return Long.toString((long) f);
        }
        return Float.toString(f);
    }

    // ------------------------------------------------------------------ USDZ

    /** model.usda first (metres, Y up), then textures/, stored and aligned to 64 bytes. */
    static byte[] usdz(GlbModel model) {
        StringBuilder usda = new StringBuilder("#usda 1.0\n(\n    defaultPrim = \"Model\"\n    metersPerUnit = 1\n    upAxis = \"Y\"\n)\n\n")
                .append("def Xform \"Model\" (\n    kind = \"component\"\n)\n{\n");
        StringBuilder materials = new StringBuilder("    def Scope \"Materials\"\n    {\n");
        for (int partIndex = 0; partIndex < model.parts().size(); partIndex++) {
            GlbModel.Part part = model.parts().get(partIndex);
            String material = "/Model/Materials/Material" + partIndex;
            usda.append("    def Mesh \"Part").append(partIndex).append("\" (\n        prepend apiSchemas = [\"MaterialBindingAPI\"]\n    )\n    {\n");
            usda.append("        uniform bool doubleSided = 1\n        int[] faceVertexCounts = [");
            for (int f = 0; f < part.faces(); f++) {
                usda.append(f == 0 ? "3" : ", 3");
            }
            usda.append("]\n        int[] faceVertexIndices = [");
            int[] t = part.triangles();
            for (int i = 0; i < part.faces() * 3; i++) {
                usda.append(i == 0 ? "" : ", ").append(t[i]);
            }
            usda.append("]\n        point3f[] points = [");
            float[] p = part.positions();
            for (int i = 0; i < p.length; i += 3) {
                usda.append(i == 0 ? "" : ", ").append('(').append(num(p[i])).append(", ").append(num(p[i + 1])).append(", ")
                        .append(num(p[i + 2])).append(')');
            }
            usda.append("]\n");
            boolean textured = part.uvs() != null && part.texture() >= 0;
            if (textured) {
                usda.append("        texCoord2f[] primvars:st = [");
                float[] uv = part.uvs();
                for (int i = 0; i < uv.length; i += 2) {
                    usda.append(i == 0 ? "" : ", ").append('(').append(num(uv[i])).append(", ").append(num(1 - uv[i + 1])).append(')');
                }
                usda.append("] (\n            interpolation = \"vertex\"\n        )\n");
            }
            usda.append("        uniform token subdivisionScheme = \"none\"\n        rel material:binding = <").append(material).append(">\n    }\n");
            float[] c = part.baseColor();
            materials.append("        def Material \"Material").append(partIndex).append("\"\n        {\n")
                    .append("            token outputs:surface.connect = <").append(material).append("/Surface.outputs:surface>\n")
                    .append("            def Shader \"Surface\"\n            {\n                uniform token info:id = \"UsdPreviewSurface\"\n");
            if (textured) {
                materials.append("                color3f inputs:diffuseColor.connect = <").append(material).append("/Texture.outputs:rgb>\n");
            } else {
                materials.append("                color3f inputs:diffuseColor = (").append(num(c[0])).append(", ").append(num(c[1])).append(", ")
                        .append(num(c[2])).append(")\n");
            }
            materials.append("                float inputs:roughness = 0.8\n                float inputs:metallic = 0\n")
                    .append("                token outputs:surface\n            }\n");
            if (textured) {
                materials.append("            def Shader \"Texture\"\n            {\n                uniform token info:id = \"UsdUVTexture\"\n")
                        .append("                asset inputs:file = @textures/").append(textureName(model, part.texture())).append("@\n")
                        .append("                float2 inputs:st.connect = <").append(material).append("/Reader.outputs:result>\n")
                        .append("                token inputs:wrapS = \"repeat\"\n                token inputs:wrapT = \"repeat\"\n")
                        .append("                float3 outputs:rgb\n            }\n")
                        .append("            def Shader \"Reader\"\n            {\n                uniform token info:id = \"UsdPrimvarReader_float2\"\n")
                        .append("                token inputs:varname = \"st\"\n                float2 outputs:result\n            }\n");
            }
            materials.append("        }\n");
        }
        usda.append(materials).append("    }\n}\n");
        StoredZip zip = new StoredZip(64).add("model.usda", usda.toString().getBytes(StandardCharsets.UTF_8));
        addTextures(zip, model, "textures/");
        return zip.bytes();
    }

    // ------------------------------------------------------------------ FBX

    static byte[] fbx(GlbModel model) {
        return fbx(model, false);
    }

    /** ASCII FBX 7.4: a model, geometry (vertices, polygons, UVs by polygon vertex) and material per part; textures embedded. */
    static byte[] fbx(GlbModel model, boolean quads) {
        StringBuilder objects = new StringBuilder();
        StringBuilder connections = new StringBuilder();
        int parts = model.parts().size();
        int textured = 0;
        for (int i = 0; i < parts; i++) {
            GlbModel.Part part = model.parts().get(i);
            long geometry = 100_000L + i;
            long node = 200_000L + i;
            long material = 300_000L + i;
            objects.append("\tGeometry: ").append(geometry).append(", \"Geometry::part").append(i).append("\", \"Mesh\" {\n");
            float[] p = part.positions();
            objects.append("\t\tVertices: *").append(p.length).append(" {\n\t\t\ta: ");
            for (int v = 0; v < p.length; v++) {
                objects.append(v == 0 ? "" : ",").append(num(p[v]));
            }
            List<int[]> polygons = polygons(part.triangles(), quads);
            int[] t = polygons.stream().flatMapToInt(java.util.Arrays::stream).toArray();
            int corners = t.length;
            objects.append("\n\t\t}\n\t\tPolygonVertexIndex: *").append(corners).append(" {\n\t\t\ta: ");
            int written = 0;
            for (int[] polygon : polygons) {
                for (int k = 0; k < polygon.length; k++, written++) {
                    // The last corner of each polygon is written as -(index + 1).
                    objects.append(written == 0 ? "" : ",").append(k == polygon.length - 1 ? -polygon[k] - 1 : polygon[k]);
                }
            }
            objects.append("\n\t\t}\n\t\tGeometryVersion: 124\n");
            boolean hasUv = part.uvs() != null;
            if (hasUv) {
                float[] uv = part.uvs();
                objects.append("\t\tLayerElementUV: 0 {\n\t\t\tVersion: 101\n\t\t\tName: \"UVMap\"\n")
                        .append("\t\t\tMappingInformationType: \"ByPolygonVertex\"\n\t\t\tReferenceInformationType: \"IndexToDirect\"\n")
                        .append("\t\t\tUV: *").append(uv.length).append(" {\n\t\t\t\ta: ");
                for (int v = 0; v < uv.length; v += 2) {
                    objects.append(v == 0 ? "" : ",").append(num(uv[v])).append(',').append(num(1 - uv[v + 1]));
                }
                objects.append("\n\t\t\t}\n\t\t\tUVIndex: *").append(corners).append(" {\n\t\t\t\ta: ");
                for (int k = 0; k < corners; k++) {
                    objects.append(k == 0 ? "" : ",").append(t[k]);
                }
                objects.append("\n\t\t\t}\n\t\t}\n");
            }
            objects.append("\t\tLayerElementMaterial: 0 {\n\t\t\tVersion: 101\n\t\t\tName: \"\"\n\t\t\tMappingInformationType: \"AllSame\"\n")
                    .append("\t\t\tReferenceInformationType: \"IndexToDirect\"\n\t\t\tMaterials: *1 {\n\t\t\t\ta: 0\n\t\t\t}\n\t\t}\n")
                    .append("\t\tLayer: 0 {\n\t\t\tVersion: 100\n")
                    .append("\t\t\tLayerElement:  {\n\t\t\t\tType: \"LayerElementMaterial\"\n\t\t\t\tTypedIndex: 0\n\t\t\t}\n");
            if (hasUv) {
                objects.append("\t\t\tLayerElement:  {\n\t\t\t\tType: \"LayerElementUV\"\n\t\t\t\tTypedIndex: 0\n\t\t\t}\n");
            }
            objects.append("\t\t}\n\t}\n");
            objects.append("\tModel: ").append(node).append(", \"Model::part").append(i).append("\", \"Mesh\" {\n\t\tVersion: 232\n")
                    .append("\t\tShading: T\n\t\tCulling: \"CullingOff\"\n\t}\n");
            float[] c = part.baseColor();
            objects.append("\tMaterial: ").append(material).append(", \"Material::material").append(i).append("\", \"\" {\n")
                    .append("\t\tVersion: 102\n\t\tShadingModel: \"lambert\"\n\t\tMultiLayer: 0\n\t\tProperties70:  {\n")
                    .append("\t\t\tP: \"DiffuseColor\", \"Color\", \"\", \"A\",").append(num(c[0])).append(',').append(num(c[1])).append(',')
                    .append(num(c[2])).append("\n\t\t}\n\t}\n");
            connections.append("\tC: \"OO\",").append(node).append(",0\n\tC: \"OO\",").append(geometry).append(',').append(node)
                    .append("\n\tC: \"OO\",").append(material).append(',').append(node).append('\n');
            if (hasUv && part.texture() >= 0 && model.textures().get(part.texture()) != null) {
                long texture = 400_000L + i;
                long video = 500_000L + i;
                String name = textureName(model, part.texture());
                objects.append("\tTexture: ").append(texture).append(", \"Texture::").append(name).append("\", \"\" {\n")
                        .append("\t\tType: \"TextureVideoClip\"\n\t\tVersion: 202\n\t\tTextureName: \"Texture::").append(name).append("\"\n")
                        .append("\t\tFileName: \"").append(name).append("\"\n\t\tRelativeFilename: \"").append(name).append("\"\n\t}\n")
                        .append("\tVideo: ").append(video).append(", \"Video::").append(name).append("\", \"Clip\" {\n\t\tType: \"Clip\"\n")
                        .append("\t\tFileName: \"").append(name).append("\"\n\t\tRelativeFilename: \"").append(name).append("\"\n")
                        .append("\t\tContent: \"").append(Base64.getEncoder().encodeToString(model.textures().get(part.texture()).bytes()))
                        .append("\"\n\t}\n");
                connections.append("\tC: \"OP\",").append(texture).append(',').append(material).append(", \"DiffuseColor\"\n")
                        .append("\tC: \"OO\",").append(video).append(',').append(texture).append('\n');
                textured++;
            }
        }
        StringBuilder fbx = new StringBuilder("; FBX 7.4.0 project file\n; Image2Model: metres (UnitScaleFactor 100), Y up, as glTF\n\n")
                .append("FBXHeaderExtension:  {\n\tFBXHeaderVersion: 1003\n\tFBXVersion: 7400\n\tCreator: \"Image2Model\"\n}\n")
                .append("GlobalSettings:  {\n\tVersion: 1000\n\tProperties70:  {\n")
                .append("\t\tP: \"UpAxis\", \"int\", \"Integer\", \"\",1\n\t\tP: \"UpAxisSign\", \"int\", \"Integer\", \"\",1\n")
                .append("\t\tP: \"FrontAxis\", \"int\", \"Integer\", \"\",2\n\t\tP: \"FrontAxisSign\", \"int\", \"Integer\", \"\",1\n")
                .append("\t\tP: \"CoordAxis\", \"int\", \"Integer\", \"\",0\n\t\tP: \"CoordAxisSign\", \"int\", \"Integer\", \"\",1\n")
                .append("\t\tP: \"UnitScaleFactor\", \"double\", \"Number\", \"\",100\n\t}\n}\n")
                .append("Definitions:  {\n\tVersion: 100\n\tCount: ").append(parts * 3 + textured * 2).append('\n')
                .append("\tObjectType: \"Geometry\" {\n\t\tCount: ").append(parts).append("\n\t}\n")
                .append("\tObjectType: \"Model\" {\n\t\tCount: ").append(parts).append("\n\t}\n")
                .append("\tObjectType: \"Material\" {\n\t\tCount: ").append(parts).append("\n\t}\n");
        if (textured > 0) {
            fbx.append("\tObjectType: \"Texture\" {\n\t\tCount: ").append(textured).append("\n\t}\n")
                    .append("\tObjectType: \"Video\" {\n\t\tCount: ").append(textured).append("\n\t}\n");
        }
        fbx.append("}\nObjects:  {\n").append(objects).append("}\nConnections:  {\n").append(connections).append("}\n");
        return fbx.toString().getBytes(StandardCharsets.UTF_8);
    }
}
