package com.image2model.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The writers' own rules (the round trip through an independent reader is the devstack's ModelFormatsTest). */
class ExportsTest {

    private static byte[] texturedCube() throws Exception {
        float[][] cube = TestGlb.cube();
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        return TestGlb.glb(cube[0], TestGlb.cubeIndices(6), cube[1], png.toByteArray(), Map.of());
    }

    private record LocalFile(String name, int dataOffset, int method, int size) {
    }

    private static List<LocalFile> localFiles(byte[] zip) {
        ByteBuffer in = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        List<LocalFile> files = new ArrayList<>();
        int at = 0;
        while (in.getInt(at) == 0x04034b50) {
            int method = in.getShort(at + 8);
            int size = in.getInt(at + 18);
            int nameLength = in.getShort(at + 26) & 0xffff;
            int extraLength = in.getShort(at + 28) & 0xffff;
            String name = new String(zip, at + 30, nameLength, StandardCharsets.UTF_8);
            int data = at + 30 + nameLength + extraLength;
            files.add(new LocalFile(name, data, method, size));
            at = data + size;
        }
        return files;
    }

    @Test
    void aUsdzIsAStoredZipWithItsLayerFirstAndEveryFileAlignedTo64Bytes() throws Exception {
        byte[] usdz = Exports.convert(texturedCube(), Exports.Format.USDZ);
        List<LocalFile> files = localFiles(usdz);
        assertThat(files).extracting(LocalFile::name).containsExactly("model.usda", "textures/texture0.png");
        assertThat(files).allSatisfy(f -> {
            assertThat(f.method()).as("stored").isZero();
            assertThat(f.dataOffset() % 64).as(f.name() + " aligned").isZero();
        });
        // The JDK's own reader agrees on the entries and their bytes.
        try (var zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(usdz))) {
            var first = zip.getNextEntry();
            assertThat(first.getName()).isEqualTo("model.usda");
            String usda = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(usda).startsWith("#usda 1.0").contains("metersPerUnit = 1").contains("upAxis = \"Y\"")
                    .contains("UsdPreviewSurface").contains("@textures/texture0.png@").contains("rel material:binding");
            assertThat(usda.substring(usda.indexOf("faceVertexCounts = [")).split("]")[0].split(",")).hasSize(12);
            assertThat(zip.getNextEntry().getName()).isEqualTo("textures/texture0.png");
            assertThat(zip.getNextEntry()).isNull();
        }
    }

    @Test
    void aBinaryStlHoldsEveryFaceInMillimetresZUp() throws Exception {
        byte[] stl = Exports.convert(texturedCube(), Exports.Format.STL);
        ByteBuffer in = ByteBuffer.wrap(stl).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(in.getInt(80)).isEqualTo(12);
        assertThat(stl).hasSize(84 + 12 * 50);
        assertThat(new String(stl, 0, 80, StandardCharsets.US_ASCII)).contains("millimetres, Z up");
        float maxZ = -Float.MAX_VALUE;
        for (int f = 0; f < 12; f++) {
            for (int c = 0; c < 3; c++) {
                maxZ = Math.max(maxZ, in.getFloat(84 + f * 50 + 12 + c * 12 + 8));
            }
        }
        assertThat(maxZ).as("the cube's top, 1 m up, is 1000 mm").isEqualTo(1000);
    }

    @Test
    void anObjArchiveHasItsModelMaterialsAndTextureAndFlipsTheTextureRows() throws Exception {
        byte[] zip = Exports.convert(texturedCube(), Exports.Format.OBJ);
        assertThat(localFiles(zip)).extracting(LocalFile::name).containsExactly("model.obj", "model.mtl", "texture0.png");
        String obj = new String(zip, localFiles(zip).get(0).dataOffset(), localFiles(zip).get(0).size(), StandardCharsets.UTF_8);
        assertThat(obj.lines().filter(l -> l.startsWith("f "))).hasSize(12);
        assertThat(obj.lines().filter(l -> l.startsWith("v "))).hasSize(24);
        assertThat(obj).contains("mtllib model.mtl").contains("vt 0 0").contains("f 1/1 2/2 3/3");
        String mtl = new String(zip, localFiles(zip).get(1).dataOffset(), localFiles(zip).get(1).size(), StandardCharsets.UTF_8);
        assertThat(mtl).contains("map_Kd texture0.png");
    }

    @Test
    void anFbxIsAscii74WithItsTrianglesClosedAsFbxWritesThem() throws Exception {
        String fbx = new String(Exports.convert(texturedCube(), Exports.Format.FBX), StandardCharsets.UTF_8);
        assertThat(fbx).startsWith("; FBX 7.4.0 project file").contains("FBXVersion: 7400").contains("PolygonVertexIndex: *36")
                .contains("Content: \"iVBOR").contains("C: \"OP\",400000,300000, \"DiffuseColor\"");
        String indices = fbx.substring(fbx.indexOf("PolygonVertexIndex: *36")).split("a: ")[1].split("\n")[0];
        assertThat(indices).startsWith("0,1,-3,0,2,-4,");
    }

    @Test
    void aModelMadeAsQuadsGetsFourSidedFacesInObjAndFbxWithTheirWindingKept() throws Exception {
        byte[] zip = Exports.convert(texturedCube(), Exports.Format.OBJ, true);
        String obj = new String(zip, localFiles(zip).get(0).dataOffset(), localFiles(zip).get(0).size(), StandardCharsets.UTF_8);
        assertThat(obj.lines().filter(l -> l.startsWith("f "))).hasSize(6).allMatch(l -> l.split(" ").length == 5);
        // Triangles 0,1,2 and 0,2,3 are the quad 1,2,3,0: the same turn as theirs.
        assertThat(obj).contains("f 2/2 3/3 4/4 1/1");
        String fbx = new String(Exports.convert(texturedCube(), Exports.Format.FBX, true), StandardCharsets.UTF_8);
        assertThat(fbx).contains("PolygonVertexIndex: *24").contains("UVIndex: *24");
        assertThat(fbx.substring(fbx.indexOf("PolygonVertexIndex: *24")).split("a: ")[1].split("\n")[0]).startsWith("1,2,3,-1,5,6,7,-5,");
        // Triangles that are not pairs stay triangles; a lone last one too.
        assertThat(Exports.polygons(new int[] {0, 1, 2, 3, 4, 5, 0, 1, 2}, true)).hasSize(3).allMatch(p -> p.length == 3);
        assertThat(Exports.polygons(new int[] {0, 1, 2, 0, 2, 3, 7, 8, 9}, true)).extracting(p -> p.length).containsExactly(4, 3);
    }

    @Test
    void theWireframeDrawsEachEdgeOnceAcrossTextureSeamsOverTheGreySurface() throws Exception {
        byte[] glb = Exports.convert(texturedCube(), Exports.Format.WIREFRAME);
        ByteBuffer in = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(in.getInt(0)).isEqualTo(0x46546C67);
        assertThat(in.getInt(8)).isEqualTo(glb.length);
        int jsonLength = in.getInt(12);
        assertThat(jsonLength % 4).isZero();
        String json = new String(glb, 20, jsonLength, StandardCharsets.UTF_8).trim();
        assertThat(json).contains("\"mode\":1").contains("\"mode\":4");
        assertThat(in.getInt(20 + jsonLength + 4)).as("BIN chunk").isEqualTo(0x004E4942);
        // The test cube splits its 8 corners into 24 vertices (a face each): 12 edges and 6 face diagonals, each once.
        float[][] cube = TestGlb.cube();
        assertThat(Wireframe.edges(cube[0], TestGlb.cubeIndices(6))).hasSize(18 * 2);
        // The surface reads back as the model's own triangles.
        assertThat(GlbModel.read(glb).faces()).isEqualTo(GlbModel.read(texturedCube()).faces());
        assertThat(Exports.Format.named("wireframe")).isEqualTo(Exports.Format.WIREFRAME);
    }

    @Test
    void formatsAreNamedInAnyCaseAndNothingElse() {
        assertThat(Exports.Format.named("USDZ")).isEqualTo(Exports.Format.USDZ);
        assertThat(Exports.Format.named("ply")).isNull();
        assertThat(Exports.Format.named(null)).isNull();
    }
}
