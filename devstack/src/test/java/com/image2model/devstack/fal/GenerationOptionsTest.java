package com.image2model.devstack.fal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.GlbInfo;

/**
 * The built-in generator honours every generation option: a polycount within 5% of the target,
 * PBR maps (a metallic-roughness material with normal and roughness maps), quads as triangle pairs,
 * a detailed texture, and several views making a shape closer to the object than one view does.
 */
class GenerationOptionsTest {

    private final ImageToMesh generator = new ImageToMesh();

    @Test
    void thePolycountIsWithinFivePercentOfTheTarget() throws Exception {
        int[] targets = {500, 1000, 2500, 5000, 12000, 20000, 30000};
        for (int seed = 0; seed < 4; seed++) {
            byte[] picture = seed % 2 == 1 ? SampleImages.cutoutPng(seed, 640, 480) : SampleImages.photoJpeg(seed, 800, 600);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(picture));
            for (int target : targets) {
                ImageToMesh.Model model = generator.generate(Map.of("front", image), ImageToMesh.Options.faces(target));
                assertThat((double) model.faces()).as("faces for %d (seed %d)", target, seed).isBetween(target * 0.95, target * 1.05);
            }
        }
        Ellipsoid object = new Ellipsoid(150, 200, 90);
        for (int target : targets) {
            ImageToMesh.Model model = generator.generate(object.views(4), ImageToMesh.Options.faces(target));
            assertThat((double) model.faces()).as("faces for %d from 4 views", target).isBetween(target * 0.95, target * 1.05);
        }
    }

    @Test
    void pbrQuadsAndADetailedTextureAreInTheFileAndItPassesTheKhronosValidator(@TempDir Path dir) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(SampleImages.photoJpeg(11, 800, 600)));
        ImageToMesh.Model plain = generator.generate(Map.of("front", image), ImageToMesh.Options.faces(5000));
        ImageToMesh.Model pbr = generator.generate(Map.of("front", image), new ImageToMesh.Options(5000, true, false, false));
        ImageToMesh.Model quads = generator.generate(Map.of("front", image), new ImageToMesh.Options(5000, false, true, false));
        // A detailed texture keeps up to twice the standard's side of a large picture.
        BufferedImage large = ImageIO.read(new ByteArrayInputStream(SampleImages.photoJpeg(12, 1600, 1200)));
        ImageToMesh.Model detailed = generator.generate(Map.of("front", large), new ImageToMesh.Options(5000, false, false, true));
        ImageToMesh.Model standard = generator.generate(Map.of("front", large), ImageToMesh.Options.faces(5000));
        ImageToMesh.Model all = generator.generate(new Ellipsoid(150, 200, 90).views(4), new ImageToMesh.Options(20000, true, true, true));

        JsonNode plainJson = gltf(plain.glb());
        assertThat(plainJson.path("images")).hasSize(1);
        assertThat(plainJson.path("materials").get(0).has("normalTexture")).isFalse();

        JsonNode pbrJson = gltf(pbr.glb());
        JsonNode material = pbrJson.path("materials").get(0);
        assertThat(pbrJson.path("images")).hasSize(3);
        assertThat(material.path("pbrMetallicRoughness").has("baseColorTexture")).isTrue();
        assertThat(material.path("pbrMetallicRoughness").path("metallicRoughnessTexture").path("index").asInt()).isEqualTo(1);
        assertThat(material.path("normalTexture").path("index").asInt()).isEqualTo(2);
        // The maps say something: roughness varies with the picture, nothing is metal, the normals lean.
        BufferedImage roughness = image(pbr.glb(), pbrJson, 1);
        BufferedImage normals = image(pbr.glb(), pbrJson, 2);
        int[] greens = channelRange(roughness, 8);
        assertThat(greens[1] - greens[0]).as("roughness spread").isGreaterThan(40);
        assertThat(channelRange(roughness, 0)[1]).as("metalness").isZero();
        assertThat(channelRange(normals, 16)[1] - channelRange(normals, 16)[0]).as("normal x spread").isGreaterThan(30);

        JsonNode quadJson = gltf(quads.glb());
        assertThat(quadJson.path("meshes").get(0).path("extras").path("topology").asText()).isEqualTo("quads");
        int[] indices = indices(quads.glb(), quadJson);
        for (int t = 0; t < indices.length; t += 6) {
            // Each quad is two triangles after each other sharing their diagonal.
            java.util.Set<Integer> first = java.util.Set.of(indices[t], indices[t + 1], indices[t + 2]);
            int shared = 0;
            for (int k = 3; k < 6; k++) {
                shared += first.contains(indices[t + k]) ? 1 : 0;
            }
            assertThat(shared).as("triangles %d and %d share an edge", t / 3, t / 3 + 1).isEqualTo(2);
        }

        assertThat(image(detailed.glb(), gltf(detailed.glb()), 0).getWidth()).isEqualTo(2 * ImageToMesh.TEXTURE_SIDE);
        assertThat(image(standard.glb(), gltf(standard.glb()), 0).getWidth()).isEqualTo(ImageToMesh.TEXTURE_SIDE);

        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, ImageToMesh.Model> model : Map.of("plain", plain, "pbr", pbr, "quads", quads, "detailed", detailed,
                "views-all", all).entrySet()) {
            Path file = dir.resolve(model.getKey() + ".glb");
            Files.write(file, model.getValue().glb());
            files.add(file);
        }
        for (GltfValidator.Report report : GltfValidator.validate(files)) {
            assertThat(report.errors()).as("validator errors in %s: %s", report.file().getFileName(), report.messages()).isZero();
        }
    }

    @Test
    void withABackViewTheBackOfTheModelWearsTheBackPicture() throws Exception {
        // Front drawn red, back green (Ellipsoid's colours): the back sheet's texels are green.
        byte[] glb = generator.generate(new Ellipsoid(150, 200, 90).views(4), ImageToMesh.Options.faces(3000)).glb();
        JsonNode gltf = gltf(glb);
        BufferedImage texture = image(glb, gltf, 0);
        assertThat(texture.getWidth()).isEqualTo(2 * texture.getHeight());
        float[] p = positions(glb);
        float[] uv = floats(glb, gltf, "TEXCOORD_0");
        int front = 0;
        int back = 0;
        int greenBack = 0;
        int redFront = 0;
        for (int v = 0; v < p.length / 3; v++) {
            int rgb = texture.getRGB(Math.min(texture.getWidth() - 1, (int) (uv[v * 2] * texture.getWidth())),
                    Math.min(texture.getHeight() - 1, (int) (uv[v * 2 + 1] * texture.getHeight())));
            int red = (rgb >> 16) & 255;
            int green = (rgb >> 8) & 255;
            if (p[v * 3 + 2] < -0.02) {
                back++;
                greenBack += green > red ? 1 : 0;
            } else if (p[v * 3 + 2] > 0.02) {
                front++;
                redFront += red > green ? 1 : 0;
            }
        }
        assertThat(greenBack).as("back vertices on the back picture").isGreaterThan(back * 9 / 10);
        assertThat(redFront).as("front vertices on the front picture").isGreaterThan(front * 9 / 10);
    }

    /**
     * How close a model is to a known object: ellipsoids of known axes drawn as orthographic views,
     * the model's surface compared with the ellipsoid's by a symmetric mean distance (each model
     * vertex to the nearest of 40,000 points on the ellipsoid, and each of those points to the
     * nearest vertex, averaged), in the picture's width. One view must guess the depth; a side
     * view shows it.
     */
    @Test
    void fourViewsMakeAShapeMeasurablyCloserToTheObjectThanOne() throws Exception {
        for (Ellipsoid object : List.of(new Ellipsoid(150, 200, 60), new Ellipsoid(150, 200, 220), new Ellipsoid(180, 120, 120))) {
            double one = object.distance(generator.generate(object.views(1), ImageToMesh.Options.faces(5000)).glb());
            double two = object.distance(generator.generate(object.views(2), ImageToMesh.Options.faces(5000)).glb());
            double four = object.distance(generator.generate(object.views(4), ImageToMesh.Options.faces(5000)).glb());
            System.out.printf("ellipsoid %s: mean surface distance 1 view %.4f, 2 views %.4f, 4 views %.4f%n", object, one, two, four);
            assertThat(four).as("4 views vs 1 for %s", object).isLessThan(one * 0.6);
            assertThat(two).as("front and left vs 1 for %s", object).isLessThan(one * 0.6);
        }
    }

    /** An ellipsoid with semi-axes a (across), b (up), c (deep), in pixels of 512 x 512 orthographic views. */
    record Ellipsoid(int a, int b, int c) {
        static final int SIDE = 512;

        Map<String, BufferedImage> views(int count) {
            Map<String, BufferedImage> views = new LinkedHashMap<>();
            views.put("front", draw(a, b, new Color(196, 70, 48)));
            if (count >= 2) {
                views.put("left", draw(c, b, new Color(60, 120, 190)));
            }
            if (count >= 3) {
                views.put("back", draw(a, b, new Color(80, 160, 90)));
            }
            if (count >= 4) {
                views.put("right", draw(c, b, new Color(170, 140, 50)));
            }
            return views;
        }

        private static BufferedImage draw(int across, int up, Color colour) {
            BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, SIDE, SIDE);
            // Shaded from the top left, as a lit object would be.
            g.setPaint(new java.awt.GradientPaint(SIDE / 2f - across, SIDE / 2f - up, colour.brighter(), SIDE / 2f + across, SIDE / 2f + up,
                    colour.darker()));
            g.fillOval(SIDE / 2 - across, SIDE / 2 - up, 2 * across, 2 * up);
            g.dispose();
            return image;
        }

        /** Symmetric mean distance between the model's vertices and the ellipsoid's surface, in the picture's width. */
        double distance(byte[] glb) throws Exception {
            float[] p = positions(glb);
            double ax = a / (double) SIDE;
            double by = b / (double) SIDE;
            double cz = c / (double) SIDE;
            List<double[]> surface = new ArrayList<>();
            int n = 200;
            for (int i = 0; i < n; i++) {
                double theta = Math.PI * (i + 0.5) / n;
                for (int j = 0; j < n; j++) {
                    double phi = 2 * Math.PI * j / n;
                    surface.add(new double[] {ax * Math.sin(theta) * Math.cos(phi), by * Math.cos(theta), cz * Math.sin(theta) * Math.sin(phi)});
                }
            }
            int vertices = p.length / 3;
            double toSurface = 0;
            double[] nearestVertex = new double[surface.size()];
            java.util.Arrays.fill(nearestVertex, Double.MAX_VALUE);
            for (int v = 0; v < vertices; v++) {
                double best = Double.MAX_VALUE;
                for (int s = 0; s < surface.size(); s++) {
                    double[] q = surface.get(s);
                    double dx = p[v * 3] - q[0];
                    double dy = p[v * 3 + 1] - q[1];
                    double dz = p[v * 3 + 2] - q[2];
                    double d = dx * dx + dy * dy + dz * dz;
                    best = Math.min(best, d);
                    nearestVertex[s] = Math.min(nearestVertex[s], d);
                }
                toSurface += Math.sqrt(best);
            }
            double toModel = 0;
            for (double d : nearestVertex) {
                toModel += Math.sqrt(d);
            }
            return (toSurface / vertices + toModel / surface.size()) / 2;
        }
    }

    // ------------------------------------------------------------------ reading a GLB

    static JsonNode gltf(byte[] glb) throws Exception {
        return GltfJson.of(glb);
    }

    private static ByteBuffer bin(byte[] glb) {
        ByteBuffer buffer = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);
        int jsonLength = buffer.getInt(12);
        int binStart = 20 + jsonLength + 8;
        return ByteBuffer.wrap(glb, binStart, glb.length - binStart).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer view(byte[] glb, JsonNode gltf, int view) {
        JsonNode v = gltf.path("bufferViews").get(view);
        ByteBuffer bin = bin(glb);
        return bin.position(v.path("byteOffset").asInt()).slice().limit(v.path("byteLength").asInt()).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    static BufferedImage image(byte[] glb, JsonNode gltf, int image) throws Exception {
        ByteBuffer data = view(glb, gltf, gltf.path("images").get(image).path("bufferView").asInt());
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    static float[] positions(byte[] glb) throws Exception {
        JsonNode gltf = gltf(glb);
        JsonNode accessor = gltf.path("accessors").get(gltf.path("meshes").get(0).path("primitives").get(0).path("attributes").path("POSITION").asInt());
        ByteBuffer data = view(glb, gltf, accessor.path("bufferView").asInt());
        float[] out = new float[accessor.path("count").asInt() * 3];
        data.asFloatBuffer().get(out);
        return out;
    }

    static float[] floats(byte[] glb, JsonNode gltf, String attribute) {
        JsonNode accessor = gltf.path("accessors").get(gltf.path("meshes").get(0).path("primitives").get(0).path("attributes").path(attribute).asInt());
        ByteBuffer data = view(glb, gltf, accessor.path("bufferView").asInt());
        int size = accessor.path("type").asText().equals("VEC2") ? 2 : 3;
        float[] out = new float[accessor.path("count").asInt() * size];
        data.asFloatBuffer().get(out);
        return out;
    }

    static int[] indices(byte[] glb, JsonNode gltf) {
        JsonNode accessor = gltf.path("accessors").get(gltf.path("meshes").get(0).path("primitives").get(0).path("indices").asInt());
        ByteBuffer data = view(glb, gltf, accessor.path("bufferView").asInt());
        int[] out = new int[accessor.path("count").asInt()];
        for (int i = 0; i < out.length; i++) {
            out[i] = accessor.path("componentType").asInt() == 5123 ? Short.toUnsignedInt(data.getShort()) : data.getInt();
        }
        return out;
    }

    /** The lowest and highest value of one channel (its bit shift: 16 red, 8 green, 0 blue). */
    static int[] channelRange(BufferedImage image, int shift) {
        int low = 255;
        int high = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int v = (image.getRGB(x, y) >> shift) & 255;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        return new int[] {low, high};
    }
}
