package com.image2model.devstack.dynamodb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the engine keeps its data when the devstack keeps its data: an append-only log of the
 * writes, one line per request (all of a request's changes, a transaction's among them, in one
 * line), written before the request is answered. A process killed mid-write leaves at most a
 * partial last line, which replay skips: only the unanswered request is lost. At start the log
 * is replayed and rewritten compacted (a snapshot written aside, then moved into place).
 */
public interface Journal {

    /** The in-memory engine: nothing kept. */
    Journal NONE = new Journal() {
        @Override
        public void replay(Consumer<JsonNode> apply) {
        }

        @Override
        public void append(List<ObjectNode> mutations) {
        }

        @Override
        public void compact(List<ObjectNode> snapshot) {
        }
    };

    void replay(Consumer<JsonNode> apply);

    void append(List<ObjectNode> mutations);

    void compact(List<ObjectNode> snapshot);

    /** A journal in {@code file} (created with its folder when missing). */
    static Journal file(Path file) {
        return new FileJournal(file);
    }

    final class FileJournal implements Journal {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Path file;
        private FileChannel channel;

        FileJournal(Path file) {
            this.file = file;
        }

        @Override
        public void replay(Consumer<JsonNode> apply) {
            if (!Files.exists(file)) {
                return;
            }
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode entry;
                    try {
                        entry = JSON.readTree(line);
                    } catch (IOException torn) {
                        // The last line of a process that was killed while writing it: that request was never answered.
                        break;
                    }
                    for (JsonNode mutation : entry.path("m")) {
                        apply.accept(mutation);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }

        /** One request's writes as one line of the journal. */
        private static String line(List<ObjectNode> mutations) throws IOException {
            ObjectNode entry = JSON.createObjectNode();
            entry.putArray("m").addAll(mutations);
            return JSON.writeValueAsString(entry) + "\n";
        }

        @Override
        public synchronized void append(List<ObjectNode> mutations) {
            try {
                if (channel == null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                }
                byte[] line = line(mutations).getBytes(StandardCharsets.UTF_8);
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + file, e);
            }
        }

        @Override
        public synchronized void compact(List<ObjectNode> snapshot) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path aside = file.resolveSibling(file.getFileName() + ".compacting");
                StringBuilder out = new StringBuilder();
                for (ObjectNode mutation : snapshot) {
                    out.append(line(List.of(mutation)));
                }
                Files.writeString(aside, out, StandardCharsets.UTF_8);
                try (FileChannel sync = FileChannel.open(aside, StandardOpenOption.WRITE)) {
                    sync.force(true);
                }
                if (channel != null) {
                    channel.close();
                    channel = null;
                }
                Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot compact " + file, e);
            }
        }
    }
}
