package com.image2model.models;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A ZIP of stored (uncompressed) files written in the order given, each file's data starting at a
 * multiple of {@code alignment} bytes (padding in the local header's extra field): what a USDZ
 * package must be, so that a reader can map each file in place.
 */
final class StoredZip {

    private record Entry(String name, int offset, int crc, int size) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Entry> entries = new ArrayList<>();
    private final int alignment;

    StoredZip(int alignment) {
        this.alignment = alignment;
    }

    StoredZip add(String name, byte[] data) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        int offset = out.size();
        int dataStart = offset + 30 + nameBytes.length;
        int padding = 0;
        if (alignment > 1 && dataStart % alignment != 0) {
            padding = alignment - dataStart % alignment;
            if (padding < 4) {
                padding += alignment; // an extra field needs its 4-byte header
            }
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        ByteBuffer header = ByteBuffer.allocate(30 + nameBytes.length + padding).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                .putInt((int) crc.getValue()).putInt(data.length).putInt(data.length).putShort((short) nameBytes.length)
                .putShort((short) padding).put(nameBytes);
        if (padding > 0) {
            header.putShort((short) 0x1986).putShort((short) (padding - 4)); // a private extra field of zeros: alignment only
        }
        out.writeBytes(header.array());
        out.writeBytes(data);
        entries.add(new Entry(name, offset, (int) crc.getValue(), data.length));
        return this;
    }

    byte[] bytes() {
        int directoryStart = out.size();
        for (Entry entry : entries) {
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer central = ByteBuffer.allocate(46 + name.length).order(ByteOrder.LITTLE_ENDIAN);
            central.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0x0800).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0x21).putInt(entry.crc()).putInt(entry.size()).putInt(entry.size()).putShort((short) name.length)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(entry.offset()).put(name);
            out.writeBytes(central.array());
        }
        int directorySize = out.size() - directoryStart;
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size()).putShort((short) entries.size())
                .putInt(directorySize).putInt(directoryStart).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }
}
