package com.image2model.devstack.samples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * Product-shot-like pictures made from a seed, for tests and benchmarks: an object (vase, box or
 * shoe) lit from one side on a soft studio background, with sensor noise, as JPEG; or the same
 * object cut out on a transparent PNG.
 */
public final class SampleImages {

    private SampleImages() {
    }

    public static byte[] photoJpeg(long seed, int width, int height) {
        return encode(photo(seed, width, height, false), "jpg");
    }

    public static byte[] cutoutPng(long seed, int width, int height) {
        return encode(photo(seed, width, height, true), "png");
    }

    public static BufferedImage photo(long seed, int width, int height, boolean transparent) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            if (!transparent) {
                int tone = 215 + random.nextInt(30);
                g.setPaint(new GradientPaint(0, 0, new Color(tone, tone, tone - 8), 0, height, new Color(tone - 40, tone - 38, tone - 45)));
                g.fillRect(0, 0, width, height);
            }
            Shape shape = subject(random.nextInt(3), width, height, random);
            Color base = Color.getHSBColor(random.nextFloat(), 0.55f + random.nextFloat() * 0.35f, 0.55f + random.nextFloat() * 0.3f);
            float cx = (float) shape.getBounds2D().getCenterX();
            float cy = (float) shape.getBounds2D().getCenterY();
            float radius = (float) Math.max(shape.getBounds2D().getWidth(), shape.getBounds2D().getHeight());
            g.setPaint(new RadialGradientPaint(cx - radius * 0.25f, cy - radius * 0.3f, radius,
                    new float[] {0f, 0.6f, 1f}, new Color[] {base.brighter().brighter(), base, base.darker().darker()}));
            g.fill(shape);
            g.setStroke(new BasicStroke(Math.max(1, width / 200f)));
            g.setColor(base.darker());
            g.draw(shape);
            // A label or a stripe: texture for the front.
            g.setClip(shape);
            g.setColor(new Color(255, 255, 255, 170));
            g.fillRect((int) (cx - radius * 0.3), (int) (cy - radius * 0.05), (int) (radius * 0.6), (int) (radius * 0.08));
            g.setClip(null);
        } finally {
            g.dispose();
        }
        // Sensor noise, so that the background is not one flat colour.
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = image.getRGB(x, y);
                if (transparent && (argb >>> 24) == 0) {
                    continue;
                }
                int n = (int) (random.nextGaussian() * 4);
                int r = clamp(((argb >> 16) & 0xff) + n);
                int gg = clamp(((argb >> 8) & 0xff) + n);
                int b = clamp((argb & 0xff) + n);
                image.setRGB(x, y, (argb & 0xff000000) | (r << 16) | (gg << 8) | b);
            }
        }
        return image;
    }

    private static Shape subject(int kind, int w, int h, Random random) {
        double s = Math.min(w, h);
        double cx = w / 2.0 + (random.nextDouble() - 0.5) * s * 0.1;
        double cy = h / 2.0 + (random.nextDouble() - 0.5) * s * 0.1;
        return switch (kind) {
            case 0 -> { // a vase: body, neck and lip
                Area vase = new Area(new Ellipse2D.Double(cx - s * 0.22, cy - s * 0.05, s * 0.44, s * 0.38));
                vase.add(new Area(new RoundRectangle2D.Double(cx - s * 0.08, cy - s * 0.33, s * 0.16, s * 0.34, s * 0.05, s * 0.05)));
                vase.add(new Area(new Ellipse2D.Double(cx - s * 0.12, cy - s * 0.37, s * 0.24, s * 0.07)));
                yield vase;
            }
            case 1 -> new RoundRectangle2D.Double(cx - s * 0.3, cy - s * 0.22, s * 0.6, s * 0.44, s * 0.12, s * 0.12);
            default -> { // a shoe, side view
                Path2D shoe = new Path2D.Double();
                shoe.moveTo(cx - s * 0.38, cy + s * 0.15);
                shoe.curveTo(cx - s * 0.40, cy - s * 0.05, cx - s * 0.30, cy - s * 0.20, cx - s * 0.18, cy - s * 0.20);
                shoe.lineTo(cx - s * 0.02, cy - s * 0.08);
                shoe.curveTo(cx + s * 0.15, cy - s * 0.02, cx + s * 0.35, cy - s * 0.02, cx + s * 0.40, cy + s * 0.10);
                shoe.lineTo(cx + s * 0.40, cy + s * 0.18);
                shoe.lineTo(cx - s * 0.38, cy + s * 0.18);
                shoe.closePath();
                yield shoe;
            }
        };
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
