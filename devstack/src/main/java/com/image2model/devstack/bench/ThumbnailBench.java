package com.image2model.devstack.bench;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.util.Arrays;

import javax.imageio.ImageIO;

import com.image2model.devstack.fal.ImageToMesh;
import com.image2model.devstack.samples.SampleImages;
import com.image2model.models.ModelPreview;

/**
 * {@code bench thumbnail [--faces N] [--runs R]}: the result path's preview work for one model, as
 * the FAL webhook does it (read the GLB, decode its texture, quality report, render 512 px, encode
 * PNG), on a textured model of about N faces from the devstack's generator. Prints the first run
 * (a cold JVM: class loading and JIT included) and the warm runs' percentiles.
 */
public final class ThumbnailBench {

    private final int faces;
    private final int runs;

    public ThumbnailBench(int faces, int runs) {
        this.faces = faces;
        this.runs = runs;
    }

    public void run(PrintStream out) throws Exception {
        byte[] photo = SampleImages.photoJpeg(7, 900, 700);
        ImageToMesh.Model model = new ImageToMesh().generate(ImageIO.read(new ByteArrayInputStream(photo)), faces);
        out.printf("Model: %,d faces, %,d vertices, %,d bytes of GLB (the devstack generator's, textured)%n", model.faces(), model.vertices(),
                model.glb().length);
        long first = System.nanoTime();
        ModelPreview preview = ModelPreview.of(model.glb());
        double firstMs = (System.nanoTime() - first) / 1e6;
        out.printf("First run (cold JVM): %.1f ms; PNG %,d bytes; report %s%n", firstMs, preview.thumbnailPng().length,
                preview.report().toMap());
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            ModelPreview.of(model.glb());
            ms[i] = (System.nanoTime() - started) / 1e6;
        }
        Arrays.sort(ms);
        out.printf("Warm runs (%d): p50 %.1f ms, p90 %.1f ms, max %.1f ms (target: <= 300 ms for 10k faces at 512 px)%n", runs,
                ms[runs / 2], ms[(int) Math.min(runs - 1, Math.floor(runs * 0.9))], ms[runs - 1]);
    }
}
