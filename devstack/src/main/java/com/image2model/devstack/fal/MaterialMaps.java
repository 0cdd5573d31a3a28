package com.image2model.devstack.fal;

import java.awt.image.BufferedImage;

/**
 * PBR maps derived from a model's picture, as a generator that cannot measure the material makes
 * them: the picture's brightness taken as a height field gives the normal map (its slopes, by a
 * Sobel filter), and its local contrast the roughness (a busy surface is a rough one); nothing is
 * metal. Written as glTF wants them: a tangent-space normal map with +Y up, and a metallic-roughness
 * map with roughness in green and metalness in blue.
 */
final class MaterialMaps {

    /** How steep the brightness makes the surface: larger is bumpier. */
    private static final double BUMP = 2.5;

    private MaterialMaps() {
    }

    static GlbWriter.PbrMaps of(BufferedImage texture) {
        int w = texture.getWidth();
        int h = texture.getHeight();
        double[] light = blurred(luminance(texture), w, h);
        BufferedImage normal = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        BufferedImage roughness = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = at(light, w, h, x + 1, y - 1) + 2 * at(light, w, h, x + 1, y) + at(light, w, h, x + 1, y + 1)
                        - at(light, w, h, x - 1, y - 1) - 2 * at(light, w, h, x - 1, y) - at(light, w, h, x - 1, y + 1);
                double dy = at(light, w, h, x - 1, y + 1) + 2 * at(light, w, h, x, y + 1) + at(light, w, h, x + 1, y + 1)
                        - at(light, w, h, x - 1, y - 1) - 2 * at(light, w, h, x, y - 1) - at(light, w, h, x + 1, y - 1);
                // The picture's rows run down, the texture's +Y up: a slope down the picture tilts the normal up.
                double nx = -BUMP * dx / 8;
                double ny = BUMP * dy / 8;
                double length = Math.sqrt(nx * nx + ny * ny + 1);
                normal.setRGB(x, y, rgb((nx / length + 1) / 2, (ny / length + 1) / 2, (1 / length + 1) / 2));
                double contrast = Math.min(1, Math.sqrt(dx * dx + dy * dy) * 2);
                double rough = 0.45 + 0.5 * contrast;
                // R is unused (no occlusion packed here), G roughness, B metalness.
                roughness.setRGB(x, y, rgb(1, rough, 0));
            }
        }
        return new GlbWriter.PbrMaps(new GlbWriter.Picture(ImageToMesh.encode(roughness, "png"), "image/png"),
                new GlbWriter.Picture(ImageToMesh.encode(normal, "png"), "image/png"));
    }

    private static double[] luminance(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        double[] out = new double[w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            out[i] = (0.2126 * ((p >> 16) & 255) + 0.7152 * ((p >> 8) & 255) + 0.0722 * (p & 255)) / 255.0;
        }
        return out;
    }

    private static double[] blurred(double[] values, int w, int h) {
        double[] out = new double[values.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        sum += at(values, w, h, x + dx, y + dy);
                    }
                }
                out[y * w + x] = sum / 9;
            }
        }
        return out;
    }

    private static double at(double[] values, int w, int h, int x, int y) {
        return values[Math.max(0, Math.min(h - 1, y)) * w + Math.max(0, Math.min(w - 1, x))];
    }

    private static int rgb(double r, double g, double b) {
        return (channel(r) << 16) | (channel(g) << 8) | channel(b);
    }

    private static int channel(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
}
