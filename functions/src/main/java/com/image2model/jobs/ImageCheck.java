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

    /** Checks the first bytes of a file declared as {@code declared} (the whole file, as far as the check is concerned). */
    public Image check(byte[] head, Format declared) throws Rejected {
        return check(head, declared, head.length);
    }

    /** Checks the first bytes of a file of {@code fileSize} bytes declared as {@code declared}. */
    public Image check(byte[] head, Format declared, long fileSize) throws Rejected {
        Format actual = sniff(head);
        if (actual == null) {
            throw new Rejected("The file is not a JPEG, PNG or WebP image.");
        }
        if (declared != null && actual != declared) {
            throw new Rejected("The file was declared as " + declared.contentType() + " but is a " + actual.contentType() + " image.");
        }
        int[] size = actual == Format.WEBP ? webpSize(head, fileSize) : imageIoSize(head, actual);
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

    /**
     * WebP's RIFF container, walked chunk by chunk: the RIFF size must be the file's, every chunk
     * must lie within it, and the first frame's header must be whole, with its data present (a
     * lossy frame's first partition fits its chunk; a lossless frame has a valid header and data
     * after it). A file that is only a header, or whose chunks claim more than the file holds, is
     * refused here, before anything is spent at FAL.
     */
    static int[] webpSize(byte[] b, long fileSize) throws Rejected {
        if (b.length < 20) {
            throw new Rejected("The WebP image is damaged: its header is cut short.");
        }
        long riffEnd = 8 + le32(b, 4);
        if (riffEnd != fileSize || riffEnd < 20) {
            throw new Rejected("The WebP image is damaged: it says it has " + riffEnd + " bytes but the file has " + fileSize + ".");
        }
        int[] canvas = null;
        long offset = 12;
        while (offset + 8 <= riffEnd) {
            if (offset + 8 > b.length) {
                throw new Rejected("The WebP image has no picture in its first " + b.length + " bytes.");
            }
            int at = (int) offset;
            String chunk = new String(b, at, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long size = le32(b, at + 4);
            long dataEnd = offset + 8 + size;
            if (dataEnd > riffEnd) {
                throw new Rejected("The WebP image is damaged: its " + chunk.trim() + " chunk runs past the end of the file.");
            }
            int data = at + 8;
            switch (chunk) {
                case "VP8X" -> {
                    if (size < 10 || data + 10 > b.length) {
                        throw new Rejected("The WebP image is damaged: its extended header is cut short.");
                    }
                    if ((b[data] & 0x02) != 0) {
                        throw new Rejected("Animated WebP images are not accepted: upload a still image.");
                    }
                    canvas = new int[] {1 + le24(b, data + 4), 1 + le24(b, data + 7)};
                }
                case "VP8 " -> {
                    int[] frame = vp8Frame(b, data, size);
                    return canvas == null ? frame : canvas;
                }
                case "VP8L" -> {
                    int[] frame = vp8lFrame(b, data, size);
                    return canvas == null ? frame : canvas;
                }
                case "ANMF" -> throw new Rejected("Animated WebP images are not accepted: upload a still image.");
                default -> {
                    // ICCP, ALPH, EXIF, XMP and unknown chunks come before the picture and are skipped.
                }
            }
            offset = dataEnd + (size & 1);
        }
        throw new Rejected("The WebP image is damaged: it holds no picture.");
    }

    /** A lossy key frame: frame tag, start code, size, and the whole first partition within the chunk. */
    private static int[] vp8Frame(byte[] b, int data, long size) throws Rejected {
        if (size < 10 || data + 10 > b.length) {
            throw new Rejected("The WebP image is damaged: its frame header is cut short.");
        }
        int tag = (b[data] & 0xff) | (b[data + 1] & 0xff) << 8 | (b[data + 2] & 0xff) << 16;
        boolean keyFrame = (tag & 1) == 0;
        int version = (tag >>> 1) & 7;
        boolean shown = ((tag >>> 4) & 1) == 1;
        long firstPartition = tag >>> 5;
        if (!keyFrame || version > 3 || !shown) {
            throw new Rejected("The WebP image is damaged: its frame is not a shown key frame.");
        }
        if ((b[data + 3] & 0xff) != 0x9D || (b[data + 4] & 0xff) != 0x01 || (b[data + 5] & 0xff) != 0x2A) {
            throw new Rejected("The WebP image is damaged: bad frame start code.");
        }
        if (firstPartition == 0 || 10 + firstPartition >= size) {
            throw new Rejected("The WebP image is damaged: its picture data is missing or cut short.");
        }
        int width = ((b[data + 6] & 0xff) | (b[data + 7] & 0xff) << 8) & 0x3FFF;
        int height = ((b[data + 8] & 0xff) | (b[data + 9] & 0xff) << 8) & 0x3FFF;
        return new int[] {width, height};
    }

    /** A lossless frame: signature, size, version 0, and data after the 5-byte header. */
    private static int[] vp8lFrame(byte[] b, int data, long size) throws Rejected {
        if (size < 5 || data + 5 > b.length) {
            throw new Rejected("The WebP image is damaged: its lossless header is cut short.");
        }
        if ((b[data] & 0xff) != 0x2F) {
            throw new Rejected("The WebP image is damaged: bad lossless signature.");
        }
        long bits = le32(b, data + 1);
        if ((bits >>> 29) != 0) {
            throw new Rejected("The WebP image is damaged: unknown lossless version.");
        }
        if (size <= 6) {
            throw new Rejected("The WebP image is damaged: its picture data is missing.");
        }
        return new int[] {1 + (int) (bits & 0x3FFF), 1 + (int) ((bits >>> 14) & 0x3FFF)};
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    private static int le24(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16;
    }
}
