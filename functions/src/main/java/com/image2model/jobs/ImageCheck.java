package com.image2model.jobs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Looks at an uploaded image's real bytes, not at its name or declared type: the format from its
 * magic bytes, the size from a header that must decode, and bounds on both sides and on the pixel
 * count (a small file can claim a huge picture: a decompression bomb). Only the header is read.
 */
public final class ImageCheck {

    public enum Format {
        JPEG("image/jpeg", "jpg"), PNG("image/png", "png"), WEBP("image/webp", "webp");

        private final String contentType;
        private final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        public String contentType() {
            return contentType;
        }

        public String extension() {
            return extension;
        }

        public static Format ofContentType(String contentType) {
            for (Format format : values()) {
                if (format.contentType.equalsIgnoreCase(contentType == null ? "" : contentType.trim())) {
                    return format;
                }
            }
            return null;
        }
    }

    public record Image(Format format, int width, int height) {
    }

    /** Why an image is refused, in words for the user. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /** How many leading bytes the check needs (JPEG headers may follow a large EXIF block). */
    public static final int HEADER_BYTES = 256 * 1024;

    private final int minSide;
    private final int maxSide;
    private final long maxPixels;

    public ImageCheck(int minSide, int maxSide, long maxPixels) {
        this.minSide = minSide;
        this.maxSide = maxSide;
        this.maxPixels = maxPixels;
    }

    /** Checks the first bytes of a file declared as {@code declared}. */
    public Image check(byte[] head, Format declared) throws Rejected {
        Format actual = sniff(head);
        if (actual == null) {
            throw new Rejected("The file is not a JPEG, PNG or WebP image.");
        }
        if (declared != null && actual != declared) {
            throw new Rejected("The file was declared as " + declared.contentType() + " but is a " + actual.contentType() + " image.");
        }
        int[] size = actual == Format.WEBP ? webpSize(head) : imageIoSize(head, actual);
        int width = size[0];
        int height = size[1];
        if (width < minSide || height < minSide) {
            throw new Rejected("The image is " + width + " x " + height + " pixels; each side must be at least " + minSide + ".");
        }
        if (width > maxSide || height > maxSide) {
            throw new Rejected("The image is " + width + " x " + height + " pixels; each side must be at most " + maxSide + ".");
        }
        if ((long) width * height > maxPixels) {
            throw new Rejected("The image has " + ((long) width * height) + " pixels; at most " + maxPixels + " are accepted.");
        }
        return new Image(actual, width, height);
    }

    /** The format the leading bytes show, or null. */
    public static Format sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return Format.JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D && b[5] == 0x0A
                && b[6] == 0x1A && b[7] == 0x0A) {
            return Format.PNG;
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B'
                && b[11] == 'P') {
            return Format.WEBP;
        }
        return null;
    }

    private static int[] imageIoSize(byte[] head, Format format) throws Rejected {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(format.contentType());
        if (!readers.hasNext()) {
            throw new IllegalStateException("No " + format + " reader in this JVM");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(head))) {
            reader.setInput(in, true, true);
            return new int[] {reader.getWidth(0), reader.getHeight(0)};
        } catch (IOException | RuntimeException e) {
            throw new Rejected("The " + format.name() + " image is damaged: its header cannot be read.");
        } finally {
            reader.dispose();
        }
    }

    /** WebP's RIFF container: the size is in the VP8X, VP8L or VP8 chunk header. */
    private static int[] webpSize(byte[] b) throws Rejected {
        if (b.length < 30) {
            throw new Rejected("The WebP image is damaged: its header is cut short.");
        }
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        switch (chunk) {
            case "VP8X" -> {
                int width = 1 + ((b[24] & 0xff) | (b[25] & 0xff) << 8 | (b[26] & 0xff) << 16);
                int height = 1 + ((b[27] & 0xff) | (b[28] & 0xff) << 8 | (b[29] & 0xff) << 16);
                return new int[] {width, height};
            }
            case "VP8L" -> {
                if ((b[20] & 0xff) != 0x2F) {
                    throw new Rejected("The WebP image is damaged: bad lossless signature.");
                }
                int bits = (b[21] & 0xff) | (b[22] & 0xff) << 8 | (b[23] & 0xff) << 16 | (b[24] & 0xff) << 24;
                return new int[] {1 + (bits & 0x3FFF), 1 + ((bits >>> 14) & 0x3FFF)};
            }
            case "VP8 " -> {
                if ((b[23] & 0xff) != 0x9D || (b[24] & 0xff) != 0x01 || (b[25] & 0xff) != 0x2A) {
                    throw new Rejected("The WebP image is damaged: bad frame start code.");
                }
                int width = ((b[26] & 0xff) | (b[27] & 0xff) << 8) & 0x3FFF;
                int height = ((b[28] & 0xff) | (b[29] & 0xff) << 8) & 0x3FFF;
                return new int[] {width, height};
            }
            default -> throw new Rejected("The WebP image is damaged: unknown chunk '" + chunk.trim() + "'.");
        }
    }
}
