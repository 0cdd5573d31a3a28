package com.image2model.devstack.persist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A stand-in's state kept in one JSON file of the devstack's data folder: written whenever it
 * changed (checked twice a second) and when the devstack stops, each time to a file aside that is
 * then moved into place, so the file is always whole. A kill -9 loses at most the last half
 * second of changes of that stand-in (the DynamoDB engine's journal loses nothing answered).
 */
public final class StateFile implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Supplier<JsonNode> state;
    private final ScheduledExecutorService saver;
    private String saved;

    public StateFile(Path file, Supplier<JsonNode> state) {
        this.file = file;
        this.state = state;
        this.saver = Executors.newSingleThreadScheduledExecutor(com.image2model.devstack.Daemons.named("state-" + file.getFileName()));
    }

    /** The state last saved, or null when there is none. */
    public static JsonNode load(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("The devstack's state file " + file + " cannot be read (remove it, or run reset)", e);
        }
    }

    public StateFile start() {
        saver.scheduleWithFixedDelay(this::saveIfChanged, 500, 500, TimeUnit.MILLISECONDS);
        return this;
    }

    public synchronized void saveIfChanged() {
        try {
            String now = JSON.writeValueAsString(state.get());
            if (now.equals(saved)) {
                return;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path aside = file.resolveSibling(file.getFileName() + ".saving");
            Files.writeString(aside, now, StandardCharsets.UTF_8);
            Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            saved = now;
        } catch (IOException | RuntimeException e) {
            System.err.println("[devstack] could not save " + file + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        saver.shutdownNow();
        saveIfChanged();
    }
}
