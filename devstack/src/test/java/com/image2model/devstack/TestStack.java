package com.image2model.devstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One devstack for the whole test JVM: the functions' SDK clients are built once per JVM (as in
 * Lambda), so every test must talk to the same emulators. Free ports: it runs beside a devstack.
 */
public final class TestStack {

    private static Stack stack;

    private TestStack() {
    }

    public static synchronized Stack get() {
        if (stack == null) {
            try {
                stack = Stack.start(Stack.Options.forTests(root()));
            } catch (Exception e) {
                throw new IllegalStateException("The devstack did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stack.close();
                } catch (Exception ignored) {
                    // The JVM is ending.
                }
            }));
        }
        return stack;
    }

    /** A setting as the devstack gives it to its functions (the stack is started first). */
    public static String setting(String name) {
        String value = get().functions().environment().get(name);
        return value != null ? value : com.image2model.platform.Settings.get(name);
    }

    /** The project folder (tests run in devstack/). */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("No template.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
