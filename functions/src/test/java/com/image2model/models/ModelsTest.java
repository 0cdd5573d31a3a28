package com.image2model.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class ModelsTest {

    private static byte[] png(int width, int height, int argb) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, argb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static GlbModel cube(int faces, byte[] texture) throws Exception {
        float[][] cube = TestGlb.cube();
        return GlbModel.read(TestGlb.glb(cube[0], TestGlb.cubeIndices(faces), cube[1], texture, Map.of()));
    }

    @Test
    void aClosedCubeIsWatertightAndConsistentEvenWithItsTextureSeams() throws Exception {
        GlbModel model = cube(6, png(8, 8, 0xffcc2200));
        QualityReport report = QualityReport.of(model, 1234, new int[] {8, 8});
        assertThat(report.faces()).isEqualTo(12);
        assertThat(report.vertices()).as("24: four per face, split at the seams").isEqualTo(24);
        assertThat(report.watertight()).isTrue();
        assertThat(report.openEdges()).isZero();
        assertThat(report.consistentWinding()).isTrue();
        assertThat(report.size()).containsExactly(2, 2, 2);
        assertThat(report.aspect()).isEqualTo(1);
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void aCubeWithoutItsTopIsAnOpenMeshAndAFlippedFaceIsInconsistent() throws Exception {
        float[][] cube = TestGlb.cube();
        // The first five faces: +z, -z, +x, -x and +y. Without the bottom, its 4 edges border a hole.
        QualityReport open = QualityReport.of(GlbModel.read(TestGlb.glb(cube[0], TestGlb.cubeIndices(5), cube[1], null, Map.of())), 10, null);
        assertThat(open.watertight()).isFalse();
        assertThat(open.openEdges()).isEqualTo(4);
        assertThat(open.warnings()).anyMatch(w -> w.startsWith("Open mesh: 4 edges")).anyMatch(w -> w.startsWith("No texture"));

        int[] flipped = TestGlb.cubeIndices(6);
        int swap = flipped[1];
        flipped[1] = flipped[2];
        flipped[2] = swap;
        swap = flipped[4];
        flipped[4] = flipped[5];
        flipped[5] = swap;
        QualityReport inverted = QualityReport.of(GlbModel.read(TestGlb.glb(cube[0], flipped, cube[1], null, Map.of())), 10, null);
        assertThat(inverted.watertight()).as("still closed").isTrue();
        assertThat(inverted.consistentWinding()).isFalse();
        assertThat(inverted.warnings()).anyMatch(w -> w.startsWith("Faces point different ways"));
    }

    @Test
    void aFlatPlateIsVeryThinAndABigTextureIsFlagged() throws Exception {
        float[] plate = {0, 0, 0, 10, 0, 0, 10, 0.1f, 10, 0, 0.1f, 10};
        QualityReport report = QualityReport.of(GlbModel.read(TestGlb.glb(plate, new int[] {0, 1, 2, 0, 2, 3}, null, null, Map.of())), 10,
                new int[] {8192, 4096});
        assertThat(report.warnings()).anyMatch(w -> w.startsWith("Very thin")).anyMatch(w -> w.startsWith("Texture over 4K (8192 x 4096)"));
        assertThat(report.aspect()).isCloseTo(100, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void aKnownCubeRendersTheSilhouetteItsCornersProjectTo() throws Exception {
        GlbModel model = cube(6, png(4, 4, 0xffd02010));
        int size = 128;
        int[] argb = Thumbnail.render(model, new Thumbnail.Image[] {Thumbnail.decode(model.textures().get(0))}, size);

        // The expected silhouette: the convex hull of the 8 corners as the camera projects them.
        Thumbnail.Camera camera = Thumbnail.Camera.of(model, size);
        List<double[]> corners = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            corners.add(camera.project((c & 1) == 0 ? -1 : 1, (c & 2) == 0 ? -1 : 1, (c & 4) == 0 ? -1 : 1));
        }
        List<double[]> hull = hull(corners);
        assertThat(hull).as("a cube seen from three-quarters above is a hexagon").hasSize(6);
        int inside = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double distance = signedDistance(hull, x + 0.5, y + 0.5);
                int alpha = argb[y * size + x] >>> 24;
                if (distance > 1.5) {
                    assertThat(alpha).as("inside at %d,%d", x, y).isEqualTo(255);
                    inside++;
                } else if (distance < -1.5) {
                    assertThat(alpha).as("outside at %d,%d", x, y).isZero();
                }
            }
        }
        assertThat(inside).isGreaterThan(size * size / 5);

        // Three faces show, each lit differently, all in the texture's red.
        Set<Integer> shades = new HashSet<>();
        for (int pixel : argb) {
            if (pixel >>> 24 == 255) {
                int r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;
                assertThat(r).isGreaterThan(g).isGreaterThan(b);
                shades.add(r / 8);
            }
        }
        assertThat(shades.size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void theThumbnailIsAPngOf512PixelsWithATransparentBackground() throws Exception {
        float[][] cube = TestGlb.cube();
        ModelPreview preview = ModelPreview.of(TestGlb.glb(cube[0], TestGlb.cubeIndices(6), cube[1], png(16, 16, 0xff3366cc), Map.of()));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(preview.thumbnailPng()));
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(512);
        assertThat(image.getRGB(0, 0) >>> 24).isZero();
        assertThat(image.getRGB(256, 256) >>> 24).isEqualTo(255);
        assertThat(preview.report().textureWidth()).isEqualTo(16);
    }

    @Test
    void aCompressedOrBrokenModelGetsAReportWithAWarningAndNoThumbnail() throws Exception {
        float[][] cube = TestGlb.cube();
        byte[] draco = TestGlb.glb(cube[0], TestGlb.cubeIndices(6), cube[1], null,
                Map.of("extensionsRequired", List.of("KHR_draco_mesh_compression")));
        assertThatThrownBy(() -> GlbModel.read(draco)).isInstanceOf(GlbModel.Unreadable.class).hasMessageContaining("compressed");
        ModelPreview preview = ModelPreview.of(draco);
        assertThat(preview.thumbnailPng()).isNull();
        assertThat(preview.report().warnings()).singleElement().asString().startsWith("No preview: its mesh is compressed");

        byte[] cut = java.util.Arrays.copyOf(TestGlb.glb(cube[0], TestGlb.cubeIndices(6), null, null, Map.of()), 100);
        assertThat(ModelPreview.of(cut).thumbnailPng()).isNull();
        int[] outOfRange = TestGlb.cubeIndices(6);
        outOfRange[3] = 99;
        assertThatThrownBy(() -> GlbModel.read(TestGlb.glb(cube[0], outOfRange, null, null, Map.of())))
                .isInstanceOf(GlbModel.Unreadable.class).hasMessageContaining("index");
    }

    @Test
    void stripsAndFansUnrollWithTheirWinding() {
        assertThat(GlbModel.triangles(new int[] {0, 1, 2, 3}, 5)).containsExactly(0, 1, 2, 1, 3, 2);
        assertThat(GlbModel.triangles(new int[] {0, 1, 2, 3}, 6)).containsExactly(0, 1, 2, 0, 2, 3);
        assertThat(GlbModel.triangles(new int[] {0, 1, 2, 3}, 4)).containsExactly(0, 1, 2);
    }

    @Test
    void nodeTransformsPlaceTheMesh() throws Exception {
        float[][] cube = TestGlb.cube();
        byte[] glb = TestGlb.glb(cube[0], TestGlb.cubeIndices(6), null, null,
                Map.of("nodes", List.of(Map.of("mesh", 0, "translation", List.of(10, 0, 0), "scale", List.of(2, 1, 1)))));
        QualityReport report = QualityReport.of(GlbModel.read(glb), glb.length, null);
        assertThat(report.size()).containsExactly(4, 2, 2);
        float min = Float.MAX_VALUE;
        for (float x : positionsX(GlbModel.read(glb))) {
            min = Math.min(min, x);
        }
        assertThat(min).isEqualTo(8);
    }

    private static List<Float> positionsX(GlbModel model) {
        List<Float> xs = new ArrayList<>();
        for (GlbModel.Part part : model.parts()) {
            for (int i = 0; i < part.positions().length; i += 3) {
                xs.add(part.positions()[i]);
            }
        }
        return xs;
    }

    /** Andrew's monotone chain; counter-clockwise in screen space (y down). */
    private static List<double[]> hull(List<double[]> points) {
        List<double[]> sorted = new ArrayList<>(points);
        sorted.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        List<double[]> out = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            int start = out.size();
            for (double[] p : sorted) {
                while (out.size() >= start + 2 && cross(out.get(out.size() - 2), out.get(out.size() - 1), p) <= 1e-9) {
                    out.remove(out.size() - 1);
                }
                out.add(p);
            }
            out.remove(out.size() - 1);
            java.util.Collections.reverse(sorted);
        }
        return out;
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }

    /** Positive inside the convex hull: the distance to its nearest edge. */
    private static double signedDistance(List<double[]> hull, double x, double y) {
        double nearest = Double.MAX_VALUE;
        for (int i = 0; i < hull.size(); i++) {
            double[] a = hull.get(i);
            double[] b = hull.get((i + 1) % hull.size());
            double length = Math.hypot(b[0] - a[0], b[1] - a[1]);
            nearest = Math.min(nearest, cross(a, b, new double[] {x, y}) / length);
        }
        return nearest;
    }
}
