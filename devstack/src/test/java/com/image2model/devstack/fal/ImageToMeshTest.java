package com.image2model.devstack.fal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.image2model.devstack.samples.SampleImages;
import com.image2model.jobs.GlbInfo;

class ImageToMeshTest {

    private final ImageToMesh generator = new ImageToMesh();

    @Test
    void modelsMeetTheFaceBudgetAreClosedAndPassTheKhronosValidator(@TempDir Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        int[] budgets = {1000, 5000, 10000};
        for (int seed = 0; seed < 6; seed++) {
            boolean cutout = seed % 2 == 1;
            byte[] picture = cutout ? SampleImages.cutoutPng(seed, 640, 480) : SampleImages.photoJpeg(seed, 800, 600);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(picture));
            for (int budget : budgets) {
                ImageToMesh.Model model = generator.generate(image, budget);
                assertThat(model.subjectFound()).as("seed %d finds its subject", seed).isTrue();
                assertThat(model.faces()).as("faces for budget %d (seed %d)", budget, seed)
                        .isBetween((int) (budget * 0.9), (int) (budget * 1.1));
                GlbInfo info = GlbInfo.read(model.glb());
                assertThat(info.faces()).isEqualTo(model.faces());
                assertThat(info.vertices()).isEqualTo(model.vertices());
                Path file = dir.resolve("seed" + seed + "-" + budget + ".glb");
                Files.write(file, model.glb());
                files.add(file);
            }
        }
        for (GltfValidator.Report report : GltfValidator.validate(files)) {
            assertThat(report.errors()).as("validator errors in %s: %s", report.file().getFileName(), report.messages()).isZero();
        }
    }

    @Test
    void theMeshIsWatertightAndConsistentlyWound() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(SampleImages.photoJpeg(42, 640, 640)));
        for (int budget : new int[] {1000, 5000}) {
            BufferedImage work = ImageToMesh.scaled(image, ImageToMesh.WORK_SIDE, BufferedImage.TYPE_INT_ARGB);
            boolean[] subject = ImageToMesh.subjectMask(work);
            int area = 0;
            for (boolean b : subject) {
                area += b ? 1 : 0;
            }
            ImageToMesh.Mesh mesh = ImageToMesh.inflate(ImageToMesh.gridFor(subject, work.getWidth(), work.getHeight(), area, budget),
                    work.getWidth(), work.getHeight());
            // Closed and oriented: every directed edge once, and its reverse once.
            Map<Long, Integer> directed = new HashMap<>();
            int[] t = mesh.indices();
            for (int i = 0; i < t.length; i += 3) {
                for (int e = 0; e < 3; e++) {
                    long key = ((long) t[i + e] << 32) | t[i + (e + 1) % 3];
                    directed.merge(key, 1, Integer::sum);
                }
            }
            directed.forEach((edge, uses) -> {
                assertThat(uses).as("directed edge used once").isEqualTo(1);
                long reverse = ((edge & 0xffffffffL) << 32) | (edge >>> 32);
                assertThat(directed).as("every edge has its twin").containsKey(reverse);
            });
            // Euler characteristic of a sphere: V - E + F = 2.
            long edges = directed.size() / 2;
            assertThat(mesh.vertices() - edges + mesh.faces()).isEqualTo(2);
        }
    }

    @Test
    void aPictureWithoutAClearSubjectStillGivesAModel() {
        BufferedImage flat = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        ImageToMesh.Model model = generator.generate(flat, 1000);
        assertThat(model.subjectFound()).isFalse();
        assertThat(model.faces()).isBetween(900, 1100);
    }

    @Test
    void theSameImageGivesTheSameModel() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(SampleImages.cutoutPng(7, 300, 300)));
        assertThat(generator.generate(image, 5000).glb()).isEqualTo(generator.generate(image, 5000).glb());
    }
}
