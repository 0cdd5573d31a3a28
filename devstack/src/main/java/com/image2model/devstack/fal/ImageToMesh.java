package com.image2model.devstack.fal;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;

import javax.imageio.ImageIO;

/**
 * The FAL stand-in's generator: a real, deterministic image-to-3D model, so that the devstack's
 * results are GLBs a viewer can show and a validator can check.
 *
 * <p>It finds the subject (the alpha channel, or else everything that differs from the colour of
 * the borders), samples its silhouette on a grid whose cell size is chosen to meet the face budget,
 * and inflates it: each point rises with its distance to the outline (a round profile), the front
 * from the picture and the back its mirror, sharing the outline. The result is one closed,
 * two-manifold textured mesh (every edge in exactly two triangles).
 */
public final class ImageToMesh {

    /** The working resolution of the silhouette (longest side, pixels). */
    static final int WORK_SIDE = 256;
    /** The texture's longest side; twice that for a detailed texture (Tripo's "HD"). */
    static final int TEXTURE_SIDE = 512;
    /** How far a pixel's colour may be from the border colour and still be background. */
    static final int BACKGROUND_DISTANCE = 60;

    public record Mesh(float[] positions, float[] normals, float[] uvs, int[] indices) {
        public int faces() {
            return indices.length / 3;
        }

        public int vertices() {
            return positions.length / 3;
        }
    }

    public record Model(byte[] glb, int faces, int vertices, boolean subjectFound) {
    }

    /** A picture that cannot make a model (too small to hold a subject). */
    public static final class Unusable extends RuntimeException {
        public Unusable(String message) {
            super(message);
        }
    }

    /** What a request asks of the model besides its images (Tripo's face_limit, pbr, quad, texture). */
    public record Options(int faceBudget, boolean pbr, boolean quads, boolean detailedTexture) {
        public static Options faces(int faceBudget) {
            return new Options(faceBudget, false, false, false);
        }
    }

    public Model generate(BufferedImage image, int faceBudget) {
        return generate(java.util.Map.of("front", image), Options.faces(faceBudget));
    }

    /**
     * A model of one object from its views ({@code front}, and any of {@code left}, {@code back},
     * {@code right}, taken as orthographic pictures of the same object). With a side view, the
     * depth at each height is the side silhouette's extent there (the visual hull's bound, where one
     * view can only guess), rounded across as an ellipse; a back view trims the outline to where
     * both silhouettes agree.
     */
    public Model generate(java.util.Map<String, BufferedImage> views, Options options) {
        BufferedImage image = views.get("front");
        if (image == null) {
            throw new IllegalArgumentException("A model needs a front view");
        }
        for (java.util.Map.Entry<String, BufferedImage> view : views.entrySet()) {
            if (view.getValue().getWidth() < 8 || view.getValue().getHeight() < 8) {
                throw new Unusable("The " + (views.size() > 1 ? view.getKey() + " " : "") + "image is smaller than 8 x 8 pixels.");
            }
        }
        Silhouette seen = Silhouette.of(image);
        int w = seen.w();
        int h = seen.h();
        boolean[] subject = seen.mask();
        int area = count(subject);
        boolean found = seen.box() != null;
        if (!found) {
            // No clear subject: the whole picture becomes a cushion.
            Arrays.fill(subject, true);
            area = w * h;
        }
        Box front = seen.box();
        // The back view's silhouette, once: it trims the outline and places the back's texture.
        Silhouette back = front != null && views.containsKey("back") ? Silhouette.of(views.get("back")) : null;
        if (back != null) {
            subject = trimmedByBack(subject, w, h, front, back);
            area = count(subject);
        }
        RowDepth depth = front == null ? null : RowDepth.of(front, views);
        Grid grid = gridFor(subject, w, h, area, options.faceBudget());
        Mesh mesh = inflate(grid, w, h, depth, front);
        boolean alpha = image.getColorModel().hasAlpha();
        int side = options.detailedTexture() ? 2 * TEXTURE_SIDE : TEXTURE_SIDE;
        BufferedImage texture = scaled(image, side, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        if (back != null && back.box() != null) {
            // The back of the model wears the back view: both pictures side by side in one texture.
            texture = atlas(image, views.get("back"), side, alpha);
            mesh = backFromBackView(mesh, w, h, front, back);
        }
        GlbWriter.Picture base = new GlbWriter.Picture(encode(texture, alpha ? "png" : "jpg"), alpha ? "image/png" : "image/jpeg");
        GlbWriter.PbrMaps pbr = options.pbr() ? MaterialMaps.of(texture) : null;
        byte[] glb = GlbWriter.write(mesh, base, pbr, options.quads());
        return new Model(glb, mesh.faces(), mesh.vertices(), found);
    }

    // ------------------------------------------------------------------ several views

    /** A subject's bounding box in work pixels (inclusive). */
    record Box(int x0, int y0, int x1, int y1) {
        static Box of(boolean[] mask, int w, int h) {
            int x0 = w;
            int y0 = h;
            int x1 = -1;
            int y1 = -1;
            for (int i = 0; i < mask.length; i++) {
                if (mask[i]) {
                    x0 = Math.min(x0, i % w);
                    x1 = Math.max(x1, i % w);
                    y0 = Math.min(y0, i / w);
                    y1 = Math.max(y1, i / w);
                }
            }
            return x1 < 0 ? null : new Box(x0, y0, x1, y1);
        }

        double height() {
            return y1 - y0 + 1;
        }

        double centreX() {
            return (x0 + x1 + 1) / 2.0;
        }
    }

    /** A view's silhouette in work pixels, with its box (null: no clear subject in it). */
    record Silhouette(boolean[] mask, int w, int h, Box box) {
        static Silhouette of(BufferedImage image) {
            BufferedImage work = scaled(image, WORK_SIDE, BufferedImage.TYPE_INT_ARGB);
            int w = work.getWidth();
            int h = work.getHeight();
            boolean[] mask = subjectMask(work);
            int area = count(mask);
            boolean found = area >= w * h / 100 && area <= w * h * 995L / 1000;
            return new Silhouette(mask, w, h, found ? Box.of(mask, w, h) : null);
        }

        /** The subject's leftmost and rightmost pixel in the row at height {@code t} (0 top, 1 bottom of its box); null if none. */
        int[] row(double t) {
            int y = (int) Math.round(box.y0() + t * (box.height() - 1));
            y = Math.max(box.y0(), Math.min(box.y1(), y));
            int left = -1;
            int right = -1;
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x]) {
                    if (left < 0) {
                        left = x;
                    }
                    right = x;
                }
            }
            return left < 0 ? null : new int[] {left, right + 1};
        }
    }

    /**
     * The object's depth at each height of the front view, from its side views: the centre and half
     * of the extent (front's work pixels) where the side silhouettes agree. A left view sees the
     * object's front on its image's left, a right view on its right.
     */
    record RowDepth(double[] centre, double[] half) {
        static RowDepth of(Box front, java.util.Map<String, BufferedImage> views) {
            Silhouette left = views.containsKey("left") ? Silhouette.of(views.get("left")) : null;
            Silhouette right = views.containsKey("right") ? Silhouette.of(views.get("right")) : null;
            if ((left == null || left.box() == null) && (right == null || right.box() == null)) {
                return null;
            }
            int rows = (int) front.height();
            double[] centre = new double[rows];
            double[] half = new double[rows];
            for (int r = 0; r < rows; r++) {
                double t = rows == 1 ? 0 : r / (double) (rows - 1);
                double near = Double.MAX_VALUE;
                double far = -Double.MAX_VALUE;
                for (Silhouette side : new Silhouette[] {left, right}) {
                    if (side == null || side.box() == null) {
                        continue;
                    }
                    // The side's pixels measured in the front's: the two show the subject at the same height.
                    double scale = front.height() / side.box().height();
                    int[] span = side.row(t);
                    if (span == null) {
                        near = 0;
                        far = 0;
                        continue;
                    }
                    double a = (side.box().centreX() - span[0]) * scale;
                    double b = (side.box().centreX() - span[1]) * scale;
                    double zFront = side == left ? a : -b;
                    double zBack = side == left ? b : -a;
                    near = Math.min(near, zFront);
                    far = Math.max(far, zBack);
                }
                centre[r] = near < far ? 0 : (near + far) / 2;
                half[r] = near < far ? 0 : (near - far) / 2;
            }
            return new RowDepth(centre, half);
        }

        /** At the front's work row {@code py}: {centre, half depth}. */
        double[] at(Box front, double py) {
            int r = (int) Math.round(py - front.y0());
            r = Math.max(0, Math.min(centre.length - 1, r));
            return new double[] {centre[r], half[r]};
        }
    }

    /** The front picture in the left half of a texture, the back picture in the right half (each stretched to its half). */
    static BufferedImage atlas(BufferedImage front, BufferedImage back, int side, boolean alpha) {
        BufferedImage out = new BufferedImage(2 * side, side, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            if (!alpha) {
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, 2 * side, side);
            }
            g.drawImage(front, 0, 0, side, side, null);
            g.drawImage(back, side, 0, side, side, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The mesh with its texture coordinates on the atlas: the front sheet (the first half of the
     * vertices) on the front picture, the back sheet on the back picture where that point of the
     * object shows from behind (mirrored, matched by height as {@link #trimmedByBack} matches them).
     */
    static Mesh backFromBackView(Mesh mesh, int w, int h, Box front, Silhouette back) {
        float[] p = mesh.positions();
        float[] uv = mesh.uvs().clone();
        int half = mesh.vertices() / 2;
        double unit = Math.max(w, h);
        double scale = back.box().height() / front.height();
        for (int v = 0; v < mesh.vertices(); v++) {
            if (v < half) {
                uv[v * 2] = uv[v * 2] / 2;
                continue;
            }
            double px = p[v * 3] * unit + w / 2.0;
            double py = h / 2.0 - p[v * 3 + 1] * unit;
            double bx = back.box().centreX() - (px - front.centreX()) * scale;
            double by = back.box().y0() + (py - front.y0()) * scale;
            uv[v * 2] = (float) (0.5 + Math.max(0, Math.min(1, bx / back.w())) / 2);
            uv[v * 2 + 1] = (float) Math.max(0, Math.min(1, by / back.h()));
        }
        return new Mesh(p, mesh.normals(), uv, mesh.indices());
    }

    /** The front's silhouette where the back's (mirrored, matched by height) agrees; the front's alone if they do not overlap enough. */
    static boolean[] trimmedByBack(boolean[] subject, int w, int h, Box front, Silhouette back) {
        if (back.box() == null) {
            return subject;
        }
        double scale = back.box().height() / front.height();
        boolean[] out = new boolean[subject.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!subject[y * w + x]) {
                    continue;
                }
                // Seen from behind, the object's left is on the picture's right.
                double bx = back.box().centreX() - (x + 0.5 - front.centreX()) * scale;
                double by = back.box().y0() + (y - front.y0()) * scale;
                int ix = (int) Math.floor(bx);
                int iy = (int) Math.round(by);
                out[y * w + x] = ix >= 0 && iy >= 0 && ix < back.w() && iy < back.h() && back.mask()[iy * back.w() + ix];
            }
        }
        if (count(out) < count(subject) / 2) {
            return subject;
        }
        return largestComponent(fillHoles(out, w, h), w, h);
    }

    // ------------------------------------------------------------------ the subject

    static boolean[] subjectMask(BufferedImage work) {
        int w = work.getWidth();
        int h = work.getHeight();
        int[] argb = work.getRGB(0, 0, w, h, null, 0, w);
        boolean[] background = new boolean[w * h];
        int transparent = 0;
        for (int pixel : argb) {
            if ((pixel >>> 24) < 128) {
                transparent++;
            }
        }
        if (transparent >= w * h / 100) {
            for (int i = 0; i < argb.length; i++) {
                background[i] = (argb[i] >>> 24) < 128;
            }
        } else {
            int backgroundColour = borderMedian(argb, w, h);
            // Background is what looks like the border colour and touches the border: a subject's
            // inner parts of the same colour stay in.
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int x = 0; x < w; x++) {
                seed(queue, background, argb, x, backgroundColour);
                seed(queue, background, argb, (h - 1) * w + x, backgroundColour);
            }
            for (int y = 0; y < h; y++) {
                seed(queue, background, argb, y * w, backgroundColour);
                seed(queue, background, argb, y * w + w - 1, backgroundColour);
            }
            while (!queue.isEmpty()) {
                int i = queue.poll();
                int x = i % w;
                int y = i / w;
                if (x > 0) seed(queue, background, argb, i - 1, backgroundColour);
                if (x < w - 1) seed(queue, background, argb, i + 1, backgroundColour);
                if (y > 0) seed(queue, background, argb, i - w, backgroundColour);
                if (y < h - 1) seed(queue, background, argb, i + w, backgroundColour);
            }
        }
        boolean[] subject = new boolean[w * h];
        for (int i = 0; i < subject.length; i++) {
            subject[i] = !background[i];
        }
        return largestComponent(subject, w, h);
    }

    private static void seed(ArrayDeque<Integer> queue, boolean[] background, int[] argb, int i, int colour) {
        if (!background[i] && distance(argb[i], colour) <= BACKGROUND_DISTANCE) {
            background[i] = true;
            queue.add(i);
        }
    }

    private static int borderMedian(int[] argb, int w, int h) {
        int n = 2 * w + 2 * h;
        int[][] channels = new int[3][n];
        int k = 0;
        for (int x = 0; x < w; x++) {
            k = put(channels, k, argb[x]);
            k = put(channels, k, argb[(h - 1) * w + x]);
        }
        for (int y = 0; y < h; y++) {
            k = put(channels, k, argb[y * w]);
            k = put(channels, k, argb[y * w + w - 1]);
        }
        int colour = 0;
        for (int c = 0; c < 3; c++) {
            int[] values = Arrays.copyOf(channels[c], k);
            Arrays.sort(values);
            colour = (colour << 8) | values[k / 2];
        }
        return colour;
    }

    private static int put(int[][] channels, int k, int pixel) {
        channels[0][k] = (pixel >> 16) & 0xff;
        channels[1][k] = (pixel >> 8) & 0xff;
        channels[2][k] = pixel & 0xff;
        return k + 1;
    }

    private static int distance(int a, int b) {
        int dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff);
        int dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff);
        int db = (a & 0xff) - (b & 0xff);
        return (int) Math.sqrt(dr * dr + dg * dg + db * db);
    }

    /** The largest 4-connected part of a mask, with its holes filled. */
    static boolean[] largestComponent(boolean[] mask, int w, int h) {
        int[] label = new int[w * h];
        int best = 0;
        int bestSize = 0;
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            int id = ++next;
            int size = 0;
            label[start] = id;
            queue.add(start);
            while (!queue.isEmpty()) {
                int i = queue.poll();
                size++;
                int x = i % w;
                int y = i / w;
                int[] around = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1};
                for (int j : around) {
                    if (j >= 0 && mask[j] && label[j] == 0) {
                        label[j] = id;
                        queue.add(j);
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                best = id;
            }
        }
        boolean[] out = new boolean[w * h];
        for (int i = 0; i < out.length; i++) {
            out[i] = best != 0 && label[i] == best;
        }
        return fillHoles(out, w, h);
    }

    /** Everything the outside cannot reach (4-connected, from beyond the border) joins the mask. */
    static boolean[] fillHoles(boolean[] mask, int w, int h) {
        boolean[] outside = new boolean[w * h];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < mask.length; i++) {
            int x = i % w;
            int y = i / w;
            if ((x == 0 || y == 0 || x == w - 1 || y == h - 1) && !mask[i]) {
                outside[i] = true;
                queue.add(i);
            }
        }
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int x = i % w;
            int y = i / w;
            int[] around = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1};
            for (int j : around) {
                if (j >= 0 && !mask[j] && !outside[j]) {
                    outside[j] = true;
                    queue.add(j);
                }
            }
        }
        boolean[] filled = new boolean[w * h];
        for (int i = 0; i < filled.length; i++) {
            filled[i] = !outside[i];
        }
        return filled;
    }

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            if (b) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ the grid

    /** The silhouette sampled in square cells of {@code cell} work pixels. */
    record Grid(boolean[] cells, int cols, int rows, double cell) {
        boolean in(int x, int y) {
            return x >= 0 && y >= 0 && x < cols && y < rows && cells[y * cols + x];
        }

        int count() {
            return ImageToMesh.count(cells);
        }
    }

    /** Four faces per cell (two front, two back) and two per outline side (the wall). */
    static int faces(Grid grid) {
        int faces = 0;
        for (int y = 0; y < grid.rows(); y++) {
            for (int x = 0; x < grid.cols(); x++) {
                if (grid.in(x, y)) {
                    faces += 4;
                    faces += grid.in(x - 1, y) ? 0 : 2;
                    faces += grid.in(x + 1, y) ? 0 : 2;
                    faces += grid.in(x, y - 1) ? 0 : 2;
                    faces += grid.in(x, y + 1) ? 0 : 2;
                }
            }
        }
        return faces;
    }

    /** The cell size whose mesh comes closest to the face budget. */
    static Grid gridFor(boolean[] subject, int w, int h, int area, int faceBudget) {
        double cell = Math.sqrt(4.0 * area / faceBudget);
        Grid best = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            Grid grid = sample(subject, w, h, cell);
            int faces = faces(grid);
            if (best == null || Math.abs(faces - faceBudget) < Math.abs(faces(best) - faceBudget)) {
                best = grid;
            }
            if (Math.abs(faces - faceBudget) <= faceBudget / 50) {
                break;
            }
            // Faces scale with the inverse square of the cell size; damped so that it settles.
            double ratio = Math.sqrt(Math.max(faces, 4) / (double) faceBudget);
            cell *= 1 + (ratio - 1) * (attempt < 8 ? 1.0 : 0.5);
        }
        return best;
    }

    static Grid sample(boolean[] subject, int w, int h, double cell) {
        int cols = Math.max(1, (int) Math.ceil(w / cell));
        int rows = Math.max(1, (int) Math.ceil(h / cell));
        boolean[] cells = new boolean[cols * rows];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                int px = (int) ((x + 0.5) * cell);
                int py = (int) ((y + 0.5) * cell);
                cells[y * cols + x] = px < w && py < h && subject[py * w + px];
            }
        }
        if (count(cells) == 0) {
            // A subject thinner than a cell: keep the cell at its centre of mass.
            long sx = 0;
            long sy = 0;
            int n = 0;
            for (int i = 0; i < subject.length; i++) {
                if (subject[i]) {
                    sx += i % w;
                    sy += i / w;
                    n++;
                }
            }
            int x = n == 0 ? cols / 2 : (int) Math.min(cols - 1, (sx / n) / cell);
            int y = n == 0 ? rows / 2 : (int) Math.min(rows - 1, (sy / n) / cell);
            cells[y * cols + x] = true;
        }
        return new Grid(manifold(cells, cols, rows), cols, rows, cell);
    }

    /**
     * Makes the cell region a disk: one 4-connected piece, no holes, and no corner where only two
     * diagonal cells meet (such a corner would be a point where the surface pinches).
     */
    static boolean[] manifold(boolean[] cells, int cols, int rows) {
        boolean[] region = largestComponent(cells, cols, rows);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int y = 1; y < rows; y++) {
                for (int x = 1; x < cols; x++) {
                    boolean a = region[(y - 1) * cols + x - 1];
                    boolean b = region[(y - 1) * cols + x];
                    boolean c = region[y * cols + x - 1];
                    boolean d = region[y * cols + x];
                    if (a && d && !b && !c) {
                        region[(y - 1) * cols + x] = true;
                        changed = true;
                    } else if (b && c && !a && !d) {
                        region[(y - 1) * cols + x - 1] = true;
                        changed = true;
                    }
                }
            }
            if (changed) {
                region = fillHoles(region, cols, rows);
            }
        }
        return region;
    }

    // ------------------------------------------------------------------ the mesh

    static Mesh inflate(Grid grid, int w, int h) {
        return inflate(grid, w, h, null, null);
    }

    /** {@code sides}: the depth per row of the front's subject box {@code box} (null: one view, inflated). */
    static Mesh inflate(Grid grid, int w, int h, RowDepth depthBySide, Box box) {
        int cols = grid.cols();
        int rows = grid.rows();
        int vcols = cols + 1;
        int vrows = rows + 1;
        boolean[] used = new boolean[vcols * vrows];
        boolean[] boundary = new boolean[vcols * vrows];
        for (int y = 0; y < vrows; y++) {
            for (int x = 0; x < vcols; x++) {
                int inside = 0;
                for (int dy = -1; dy <= 0; dy++) {
                    for (int dx = -1; dx <= 0; dx++) {
                        if (grid.in(x + dx, y + dy)) {
                            inside++;
                        }
                    }
                }
                used[y * vcols + x] = inside > 0;
                boundary[y * vcols + x] = inside > 0 && inside < 4;
            }
        }
        double[] depth = distanceToOutline(used, boundary, vcols, vrows);
        double deepest = 0;
        for (double d : depth) {
            deepest = Math.max(deepest, d);
        }
        double[] height = membrane(depth, used, boundary, vcols, vrows, deepest);
        double highest = 0;
        for (double v : height) {
            highest = Math.max(highest, v);
        }
        // With side views, each row's own highest point: the row's cross-section is rounded from it.
        double[] rowHighest = new double[vrows];
        for (int y = 0; y < vrows; y++) {
            for (int x = 0; x < vcols; x++) {
                rowHighest[y] = Math.max(rowHighest[y], height[y * vcols + x]);
            }
        }

        int[] front = new int[vcols * vrows];
        Arrays.fill(front, -1);
        int n = 0;
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                front[i] = n++;
            }
        }
        // Front and back are two disks with their own vertices, joined along the outline by a thin wall.
        int total = 2 * n;
        float[] positions = new float[total * 3];
        float[] uvs = new float[total * 2];
        double scale = 1.0 / Math.max(w, h);
        double rim = 0.25 * grid.cell() * scale;
        for (int y = 0; y < vrows; y++) {
            for (int x = 0; x < vcols; x++) {
                int i = y * vcols + x;
                if (!used[i]) {
                    continue;
                }
                double px = Math.min(w, x * grid.cell());
                double py = Math.min(h, y * grid.cell());
                double z;
                double centre = 0;
                if (depthBySide == null) {
                    // A round profile: the square root of the membrane's height, which is a circle's for a disk.
                    z = rim + (highest <= 0 ? 0 : Math.sqrt(height[i] / highest)) * deepest * grid.cell() * 0.8 * scale;
                } else {
                    // The side views' extent at this height, rounded across the row as an ellipse is.
                    double[] at = depthBySide.at(box, py);
                    centre = at[0] * scale;
                    z = rim + (rowHighest[y] <= 0 ? 0 : Math.sqrt(height[i] / rowHighest[y])) * at[1] * scale;
                }
                for (int side = 0; side < 2; side++) {
                    int v = front[i] + side * n;
                    positions[v * 3] = (float) ((px - w / 2.0) * scale);
                    positions[v * 3 + 1] = (float) ((h / 2.0 - py) * scale);
                    positions[v * 3 + 2] = (float) (centre + (side == 0 ? z : -z));
                    uvs[v * 2] = (float) (px / w);
                    uvs[v * 2 + 1] = (float) (py / h);
                }
            }
        }
        int[] indices = new int[faces(grid) * 3];
        int k = 0;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                if (!grid.in(x, y)) {
                    continue;
                }
                int a = front[y * vcols + x];
                int b = front[y * vcols + x + 1];
                int d = front[(y + 1) * vcols + x];
                int c = front[(y + 1) * vcols + x + 1];
                // Front faces +z (counter-clockwise seen from the front); the back is the mirror.
                int[] cell = {a, d, c, a, c, b, a + n, c + n, d + n, a + n, b + n, c + n};
                System.arraycopy(cell, 0, indices, k, 12);
                k += 12;
                // Each outline side of the cell, as the front runs it (q to p), gets a wall quad.
                int[][] sides = {{x - 1, y, a, d}, {x, y + 1, d, c}, {x + 1, y, c, b}, {x, y - 1, b, a}};
                for (int[] side : sides) {
                    if (grid.in(side[0], side[1])) {
                        continue;
                    }
                    int q = side[2];
                    int p = side[3];
                    int[] wall = {p, q, q + n, p, q + n, p + n};
                    System.arraycopy(wall, 0, indices, k, 6);
                    k += 6;
                }
            }
        }
        return new Mesh(positions, normals(positions, indices), uvs, indices);
    }

    /**
     * The silhouette inflated like a soap film (Poisson's equation with the outline held at zero):
     * smooth where the distance to the outline has creases. Starts from the exact film of a disk
     * with the same distance (d(2D - d)/4) and relaxes it with Gauss-Seidel sweeps.
     */
    static double[] membrane(double[] depth, boolean[] used, boolean[] boundary, int cols, int rows, double deepest) {
        double[] h = new double[depth.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = used[i] && !boundary[i] ? depth[i] * (2 * deepest - depth[i]) / 4 : 0;
        }
        for (int sweep = 0; sweep < 200; sweep++) {
            for (int y = 1; y < rows - 1; y++) {
                for (int x = 1; x < cols - 1; x++) {
                    int i = y * cols + x;
                    if (used[i] && !boundary[i]) {
                        h[i] = (h[i - 1] + h[i + 1] + h[i - cols] + h[i + cols] + 1) / 4;
                    }
                }
            }
        }
        return h;
    }

    /** Chamfer distance (1, sqrt 2) of every used vertex to the nearest outline vertex. */
    static double[] distanceToOutline(boolean[] used, boolean[] boundary, int cols, int rows) {
        double[] d = new double[used.length];
        double far = Double.MAX_VALUE / 4;
        for (int i = 0; i < d.length; i++) {
            d[i] = !used[i] || boundary[i] ? 0 : far;
        }
        double diagonal = Math.sqrt(2);
        for (int pass = 0; pass < 2; pass++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    int i = y * cols + x;
                    if (d[i] == 0) {
                        continue;
                    }
                    d[i] = Math.min(d[i], Math.min(
                            Math.min(x > 0 ? d[i - 1] + 1 : far, y > 0 ? d[i - cols] + 1 : far),
                            Math.min(x > 0 && y > 0 ? d[i - cols - 1] + diagonal : far,
                                    x < cols - 1 && y > 0 ? d[i - cols + 1] + diagonal : far)));
                }
            }
            for (int y = rows - 1; y >= 0; y--) {
                for (int x = cols - 1; x >= 0; x--) {
                    int i = y * cols + x;
                    if (d[i] == 0) {
                        continue;
                    }
                    d[i] = Math.min(d[i], Math.min(
                            Math.min(x < cols - 1 ? d[i + 1] + 1 : far, y < rows - 1 ? d[i + cols] + 1 : far),
                            Math.min(x < cols - 1 && y < rows - 1 ? d[i + cols + 1] + diagonal : far,
                                    x > 0 && y < rows - 1 ? d[i + cols - 1] + diagonal : far)));
                }
            }
        }
        return d;
    }

    /** Smooth vertex normals: the area-weighted sum of the faces around each vertex. */
    static float[] normals(float[] p, int[] indices) {
        double[] sum = new double[p.length];
        for (int t = 0; t < indices.length; t += 3) {
            int a = indices[t] * 3;
            int b = indices[t + 1] * 3;
            int c = indices[t + 2] * 3;
            double ux = p[b] - p[a];
            double uy = p[b + 1] - p[a + 1];
            double uz = p[b + 2] - p[a + 2];
            double vx = p[c] - p[a];
            double vy = p[c + 1] - p[a + 1];
            double vz = p[c + 2] - p[a + 2];
            double nx = uy * vz - uz * vy;
            double ny = uz * vx - ux * vz;
            double nz = ux * vy - uy * vx;
            for (int v : new int[] {a, b, c}) {
                sum[v] += nx;
                sum[v + 1] += ny;
                sum[v + 2] += nz;
            }
        }
        float[] out = new float[p.length];
        for (int v = 0; v < p.length; v += 3) {
            double length = Math.sqrt(sum[v] * sum[v] + sum[v + 1] * sum[v + 1] + sum[v + 2] * sum[v + 2]);
            if (length < 1e-12) {
                out[v + 2] = 1;
            } else {
                out[v] = (float) (sum[v] / length);
                out[v + 1] = (float) (sum[v + 1] / length);
                out[v + 2] = (float) (sum[v + 2] / length);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ images

    static BufferedImage scaled(BufferedImage image, int longest, int type) {
        double factor = Math.min(1.0, longest / (double) Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * factor));
        int h = Math.max(1, (int) Math.round(image.getHeight() * factor));
        BufferedImage out = new BufferedImage(w, h, type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            if (type == BufferedImage.TYPE_INT_RGB) {
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, w, h);
            }
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("No " + format + " writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("Could not encode the texture", e);
        }
    }
}
