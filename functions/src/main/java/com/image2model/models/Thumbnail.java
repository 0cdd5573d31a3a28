package com.image2model.models;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/**
 * A model's picture: a small software rasteriser (z-buffer, perspective-correct texture
 * coordinates, bilinear base-colour texture, one soft key light and ambient, both sides of every
 * face lit so that a face wound the wrong way still shows) draws the model from a three-quarter
 * view above, 2x2 supersampled, onto a transparent square, encoded as PNG. Plain Java and the
 * JDK's image codecs: no native library.
 */
public final class Thumbnail {

    /** The side of a thumbnail, pixels. */
    public static final int SIZE = 512;
    private static final int SAMPLES = 2;
    private static final double YAW = Math.toRadians(-35);
    private static final double PITCH = Math.toRadians(22);
    private static final double FOV = Math.toRadians(30);
    private static final double[] LIGHT = normalize(new double[] {-0.45, 0.75, 0.55});
    private static final double AMBIENT = 0.38;

    static {
        // No display in a Lambda (or a build machine): the JDK's image classes must not look for one.
        System.setProperty("java.awt.headless", "true");
    }

    private Thumbnail() {
    }

    /** A decoded texture: ARGB pixels, row by row from the top, as glTF's texture coordinates address them. */
    public record Image(int width, int height, int[] argb) {
    }

    /** The texture decoded (PNG or JPEG, as the JDK reads them), or null when it cannot be. */
    public static Image decode(GlbModel.Texture texture) {
        if (texture == null) {
            return null;
        }
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(texture.bytes()));
            if (image == null) {
                return null;
            }
            int w = image.getWidth();
            int h = image.getHeight();
            return new Image(w, h, image.getRGB(0, 0, w, h, null, 0, w));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The model drawn at {@code size} x {@code size} (ARGB, transparent where it is not). */
    public static int[] render(GlbModel model, Image[] textures, int size) {
        int side = size * SAMPLES;
        float[] depth = new float[side * side];
        int[] color = new int[side * side];
        if (model.vertices() == 0) {
            return downsample(color, side, size);
        }
        Camera camera = Camera.of(model, side);
        for (GlbModel.Part part : model.parts()) {
            int n = part.vertices();
            float[] p = part.positions();
            double[] vx = new double[n], vy = new double[n], vz = new double[n];
            float[] sx = new float[n], syv = new float[n], w = new float[n];
            double[] view = new double[3];
            for (int v = 0; v < n; v++) {
                camera.view(p[v * 3], p[v * 3 + 1], p[v * 3 + 2], view);
                vx[v] = view[0];
                vy[v] = view[1];
                vz[v] = view[2];
                double away = camera.distance() - view[2];
                w[v] = (float) (1 / away);
                sx[v] = (float) (side / 2.0 + camera.focal() * view[0] / away);
                syv[v] = (float) (side / 2.0 - camera.focal() * view[1] / away);
            }
            Image texture = part.texture() >= 0 && part.texture() < textures.length ? textures[part.texture()] : null;
            float[] uv = texture == null ? null : part.uvs();
            float[] base = part.baseColor();
            boolean plain = texture == null && base[0] == 1 && base[1] == 1 && base[2] == 1;
            int[] t = part.triangles();
            for (int f = 0; f + 2 < t.length; f += 3) {
                int a = t[f], b = t[f + 1], c = t[f + 2];
                double ux = vx[b] - vx[a], uy = vy[b] - vy[a], uz = vz[b] - vz[a];
                double qx = vx[c] - vx[a], qy = vy[c] - vy[a], qz = vz[c] - vz[a];
                double[] normal = normalize(new double[] {uy * qz - uz * qy, uz * qx - ux * qz, ux * qy - uy * qx});
                double light = AMBIENT + (1 - AMBIENT) * Math.abs(normal[0] * LIGHT[0] + normal[1] * LIGHT[1] + normal[2] * LIGHT[2]);
                triangle(side, depth, color, sx, syv, w, uv, a, b, c, texture, base, plain, light);
            }
        }
        return downsample(color, side, size);
    }

    /**
     * Where the model is seen from: its bounding sphere fills the square (with a small margin)
     * from {@link #YAW} around and {@link #PITCH} above, through a {@link #FOV} lens.
     */
    public record Camera(double[] center, double distance, double focal, int side) {

        public static Camera of(GlbModel model, int side) {
            double[][] bounds = model.bounds();
            double[] min = bounds[0];
            double[] max = bounds[1];
            double[] center = {(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2};
            double radius = 0;
            for (GlbModel.Part part : model.parts()) {
                float[] p = part.positions();
                for (int i = 0; i < p.length; i += 3) {
                    double dx = p[i] - center[0], dy = p[i + 1] - center[1], dz = p[i + 2] - center[2];
                    radius = Math.max(radius, Math.sqrt(dx * dx + dy * dy + dz * dz));
                }
            }
            if (radius == 0) {
                radius = 1;
            }
            return new Camera(center, radius / Math.sin(FOV / 2), (side / 2.0) / Math.tan(FOV / 2) * 0.94, side);
        }

        /** A world position in the camera's frame (x right, y up, z towards the camera), into {@code out}. */
        void view(double x, double y, double z, double[] out) {
            double cx = x - center[0], cy = y - center[1], cz = z - center[2];
            double x1 = Math.cos(YAW) * cx + Math.sin(YAW) * cz;
            double z1 = -Math.sin(YAW) * cx + Math.cos(YAW) * cz;
            out[0] = x1;
            out[1] = Math.cos(PITCH) * cy - Math.sin(PITCH) * z1;
            out[2] = Math.sin(PITCH) * cy + Math.cos(PITCH) * z1;
        }

        /** Where a world position lands on the square: pixels from the top left. */
        public double[] project(double x, double y, double z) {
            double[] v = new double[3];
            view(x, y, z, v);
            double away = distance - v[2];
            return new double[] {side / 2.0 + focal * v[0] / away, side / 2.0 - focal * v[1] / away};
        }
    }

    private static void triangle(int side, float[] depth, int[] color, float[] sx, float[] sy, float[] w, float[] uv, int a, int b, int c,
                                 Image texture, float[] base, boolean plain, double light) {
        float area = (sx[b] - sx[a]) * (sy[c] - sy[a]) - (sy[b] - sy[a]) * (sx[c] - sx[a]);
        if (area == 0 || Float.isNaN(area)) {
            return;
        }
        int x0 = Math.max(0, (int) Math.floor(Math.min(sx[a], Math.min(sx[b], sx[c]))));
        int x1 = Math.min(side - 1, (int) Math.ceil(Math.max(sx[a], Math.max(sx[b], sx[c]))));
        int y0 = Math.max(0, (int) Math.floor(Math.min(sy[a], Math.min(sy[b], sy[c]))));
        int y1 = Math.min(side - 1, (int) Math.ceil(Math.max(sy[a], Math.max(sy[b], sy[c]))));
        float inverse = 1 / area;
        for (int y = y0; y <= y1; y++) {
            float py = y + 0.5f;
            for (int x = x0; x <= x1; x++) {
                float px = x + 0.5f;
                float l0 = ((sx[b] - px) * (sy[c] - py) - (sy[b] - py) * (sx[c] - px)) * inverse;
                float l1 = ((sx[c] - px) * (sy[a] - py) - (sy[c] - py) * (sx[a] - px)) * inverse;
                float l2 = 1 - l0 - l1;
                if (l0 < 0 || l1 < 0 || l2 < 0) {
                    continue;
                }
                float iw = l0 * w[a] + l1 * w[b] + l2 * w[c];
                int at = y * side + x;
                if (iw <= depth[at]) {
                    continue; // 1/distance: larger is nearer; the buffer starts at 0, farther than anything
                }
                float r = base[0], g = base[1], bl = base[2];
                if (plain) {
                    r = g = bl = 0.82f;
                }
                if (uv != null) {
                    float u = (l0 * uv[a * 2] * w[a] + l1 * uv[b * 2] * w[b] + l2 * uv[c * 2] * w[c]) / iw;
                    float v = (l0 * uv[a * 2 + 1] * w[a] + l1 * uv[b * 2 + 1] * w[b] + l2 * uv[c * 2 + 1] * w[c]) / iw;
                    int texel = sample(texture, u, v);
                    r *= ((texel >> 16) & 0xff) / 255f;
                    g *= ((texel >> 8) & 0xff) / 255f;
                    bl *= (texel & 0xff) / 255f;
                }
                depth[at] = iw;
                color[at] = 0xff000000 | channel(r * light) << 16 | channel(g * light) << 8 | channel(bl * light);
            }
        }
    }

    private static int channel(double value) {
        return (int) Math.round(Math.max(0, Math.min(1, value)) * 255);
    }

    /** Bilinear, repeating outside 0..1 as glTF's default sampler does. */
    static int sample(Image image, float u, float v) {
        double x = (u - Math.floor(u)) * image.width() - 0.5;
        double y = (v - Math.floor(v)) * image.height() - 0.5;
        int xi = (int) Math.floor(x);
        int yi = (int) Math.floor(y);
        double fx = x - xi, fy = y - yi;
        int c00 = texel(image, xi, yi), c10 = texel(image, xi + 1, yi), c01 = texel(image, xi, yi + 1), c11 = texel(image, xi + 1, yi + 1);
        int out = 0xff000000;
        for (int shift = 0; shift <= 16; shift += 8) {
            double top = ((c00 >> shift) & 0xff) * (1 - fx) + ((c10 >> shift) & 0xff) * fx;
            double bottom = ((c01 >> shift) & 0xff) * (1 - fx) + ((c11 >> shift) & 0xff) * fx;
            out |= ((int) Math.round(top * (1 - fy) + bottom * fy) & 0xff) << shift;
        }
        return out;
    }

    private static int texel(Image image, int x, int y) {
        int wx = Math.floorMod(x, image.width());
        int wy = Math.floorMod(y, image.height());
        return image.argb()[wy * image.width() + wx];
    }

    private static int[] downsample(int[] color, int side, int size) {
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int alpha = 0, r = 0, g = 0, b = 0;
                for (int dy = 0; dy < SAMPLES; dy++) {
                    for (int dx = 0; dx < SAMPLES; dx++) {
                        int c = color[(y * SAMPLES + dy) * side + x * SAMPLES + dx];
                        int ca = c >>> 24;
                        alpha += ca;
                        r += ((c >> 16) & 0xff) * ca;
                        g += ((c >> 8) & 0xff) * ca;
                        b += (c & 0xff) * ca;
                    }
                }
                if (alpha > 0) {
                    out[y * size + x] = (alpha / (SAMPLES * SAMPLES)) << 24 | (r / alpha) << 16 | (g / alpha) << 8 | (b / alpha);
                }
            }
        }
        return out;
    }

    /** ARGB pixels as a PNG. */
    public static byte[] png(int[] argb, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, size, size, argb, 0, size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static double[] normalize(double[] v) {
        double length = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return length == 0 ? new double[] {0, 0, 1} : new double[] {v[0] / length, v[1] / length, v[2] / length};
    }
}
