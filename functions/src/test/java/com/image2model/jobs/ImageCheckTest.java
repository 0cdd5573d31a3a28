package com.image2model.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ImageCheckTest {

    private static final ImageCheck CHECK = new ImageCheck(64, 8192, 40_000_000);

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ImageCheckTest.class.getResourceAsStream("/webp/" + name)) {
            return in.readAllBytes();
        }
    }

    private static ImageCheck.Image check(byte[] file) throws ImageCheck.Rejected {
        return CHECK.check(file, ImageCheck.Format.WEBP, file.length);
    }

    @Test
    void realWebpFilesOfEveryKindPass() throws Exception {
        for (String name : new String[] {"lossy.webp", "lossless.webp", "alpha.webp"}) {
            ImageCheck.Image image = check(resource(name));
            assertThat(image.width()).as(name).isEqualTo(96);
            assertThat(image.height()).as(name).isEqualTo(80);
        }
    }

    @Test
    void aWebpThatIsOnlyAHeaderIsRefused() throws Exception {
        byte[] lossy = resource("lossy.webp");
        // RIFF, VP8 chunk header and the 10-byte frame header, sizes rewritten to match: no picture data.
        byte[] headerOnly = Arrays.copyOf(lossy, 30);
        setLe32(headerOnly, 4, 22);
        setLe32(headerOnly, 16, 10);
        assertThatThrownBy(() -> check(headerOnly)).isInstanceOf(ImageCheck.Rejected.class).hasMessageContaining("picture data");
        // The same bytes with the original sizes: the file is shorter than it says.
        byte[] cut = Arrays.copyOf(lossy, 30);
        assertThatThrownBy(() -> check(cut)).isInstanceOf(ImageCheck.Rejected.class).hasMessageContaining("bytes but the file has");
        byte[] lossless = Arrays.copyOf(resource("lossless.webp"), 25);
        setLe32(lossless, 4, 17);
        setLe32(lossless, 16, 5);
        assertThatThrownBy(() -> check(lossless)).isInstanceOf(ImageCheck.Rejected.class).hasMessageContaining("missing");
        // An extended header with nothing after it.
        byte[] extended = Arrays.copyOf(resource("alpha.webp"), 30);
        setLe32(extended, 4, 22);
        assertThatThrownBy(() -> check(extended)).isInstanceOf(ImageCheck.Rejected.class).hasMessageContaining("no picture");
    }

    @Test
    void aTruncatedOrPaddedFileIsRefused() throws Exception {
        byte[] lossy = resource("lossy.webp");
        assertThatThrownBy(() -> CHECK.check(lossy, ImageCheck.Format.WEBP, lossy.length - 1)).isInstanceOf(ImageCheck.Rejected.class);
        assertThatThrownBy(() -> CHECK.check(lossy, ImageCheck.Format.WEBP, lossy.length + 100)).isInstanceOf(ImageCheck.Rejected.class);
        byte[] chunkTooLong = lossy.clone();
        setLe32(chunkTooLong, 16, 100_000);
        assertThatThrownBy(() -> check(chunkTooLong)).isInstanceOf(ImageCheck.Rejected.class).hasMessageContaining("runs past the end");
    }

    @Test
    void anAnimatedWebpIsRefused() throws Exception {
        byte[] alpha = resource("alpha.webp");
        alpha[20] |= 0x02;
        assertThatThrownBy(() -> check(alpha)).isInstanceOf(ImageCheck.Rejected.class).hasMessageContaining("Animated");
    }

    private static void setLe32(byte[] b, int at, long value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
