package com.image2model.devstack.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.image2model.devstack.Stack;
import com.image2model.devstack.template.SamTemplate;

/**
 * For every function of template.yaml: the time from starting a fresh JVM (the Lambda jar alone on
 * the class path, started as Lambda's java21 runtime starts it) to its first answer on its
 * events/ file, against two plain-Java RequestHandler baselines run the same way.
 */
public final class ColdStartBench {

    /** The JVM options Lambda's Java runtimes use by default. */
    private static final List<String> LAMBDA_JVM_OPTIONS = List.of(
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

    private static final double TARGET_NOOP_MS = 1000;
    private static final double TARGET_DYNAMODB_MS = 1500;
    private static final double MAX_RATIO = 1.5;

    private final Path root;
    private final int runs;
    private final String only;

    /** {@code only}: one function's logical id (null: every function). */
    public ColdStartBench(Path root, int runs, String only) {
        this.root = root;
        this.runs = runs;
        this.only = only;
    }

    public record Result(String name, List<Long> millis) {
        long median() {
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        long min() {
            return Collections.min(millis);
        }

        long max() {
            return Collections.max(millis);
        }
    }

    public void run(PrintStream out) throws Exception {
        Path jar = root.resolve("functions/target/image2model-functions.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Build the Lambda jar first (mvn -DskipTests package): " + jar + " is missing");
        }
        Path baselineClasses = baselineClasses();
        try (Stack stack = Stack.start(Stack.Options.forTests(root), false)) {
            Map<String, String> env = new LinkedHashMap<>(stack.functions().environment());
            env.keySet().removeIf(k -> k.startsWith("aws."));
            out.printf("Cold start: fresh JVM to first answer, %d runs each, %s, %d cores%n", runs,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            out.printf("JVM options (as Lambda's java runtimes): %s%n%n", String.join(" ", LAMBDA_JVM_OPTIONS));

            // Baselines are plain handlers with the whole SDK: the jar before ProGuard removed what the
            // functions never call (GetItem, for one).
            Path fullJar = root.resolve("functions/target/image2model-functions-unshrunk.jar");
            String classPath = fullJar + java.io.File.pathSeparator + baselineClasses;
            Path noopEvent = root.resolve("events/health.json");
            Result noop = measure("baseline: plain handler, touches nothing", env, List.of("-cp", classPath,
                    BaselineInvoke.class.getName(), NoopHandler.class.getName(), noopEvent.toString()));
            Result dynamo = measure("baseline: plain handler, reads DynamoDB once", env, List.of("-cp", classPath,
                    BaselineInvoke.class.getName(), DynamoReadHandler.class.getName(), noopEvent.toString()));
            Result threeServices = measure("baseline: plain handler, DynamoDB+S3+SQS (5 calls)", env, List.of("-cp", classPath,
                    BaselineInvoke.class.getName(), ThreeServicesReadHandler.class.getName(), noopEvent.toString()));
            List<Result> results = new ArrayList<>(List.of(noop, dynamo, threeServices));
            Map<String, Result> byFunction = new LinkedHashMap<>();
            for (SamTemplate.FunctionDef function : stack.template().functions()) {
                if (only != null && !only.equals(function.logicalId())) {
                    continue;
                }
                Path event = root.resolve("events/" + function.name() + ".json");
                if (!Files.isRegularFile(event)) {
                    out.println("No event file " + event + " for " + function.logicalId() + ": skipped");
                    continue;
                }
                Map<String, String> functionEnv = new LinkedHashMap<>(env);
                functionEnv.putAll(function.runtimeEnvironment());
                Result result = measure(function.logicalId() + " (" + function.name() + ")", functionEnv,
                        List.of("-cp", jar.toString(), "com.image2model.wiring.LocalInvoke", event.toString()));
                results.add(result);
                byFunction.put(function.logicalId(), result);
            }
            if (only != null && byFunction.isEmpty()) {
                throw new IllegalArgumentException("No function " + only + " in template.yaml");
            }
            out.printf("%-52s %8s %8s %8s%n", "", "median", "min", "max");
            for (Result r : results) {
                out.printf("%-52s %6d ms %5d ms %5d ms%n", r.name(), r.median(), r.min(), r.max());
            }
            out.println();
            out.printf("Baseline targets: touches nothing %s (target %.0f ms), reads DynamoDB %s (target %.0f ms)%n",
                    verdict(noop.median() <= TARGET_NOOP_MS), TARGET_NOOP_MS,
                    verdict(dynamo.median() <= TARGET_DYNAMODB_MS), TARGET_DYNAMODB_MS);
            byFunction.forEach((id, r) -> {
                // Its baseline is the plain handler doing the same AWS work: health reaches all three services.
                Result own = "HealthFunction".equals(id) ? threeServices : dynamo;
                double ratio = (double) r.median() / own.median();
                out.printf("%-22s %.2fx its baseline (%s): %s (at most %.1fx); %.2fx the DynamoDB-once baseline%n", id, ratio,
                        own.name().replace("baseline: ", ""), verdict(ratio <= MAX_RATIO), MAX_RATIO,
                        (double) r.median() / dynamo.median());
            });
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }

    private Result measure(String name, Map<String, String> env, List<String> arguments) throws IOException, InterruptedException {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(LAMBDA_JVM_OPTIONS);
            command.addAll(arguments);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
            builder.environment().putAll(env);
            // The function's own split (LocalInvoke's "timing:" line on stderr) is shown for a single function.
            Path errors = only == null ? null : Files.createTempFile("coldstart", ".err");
            builder.redirectError(errors == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(errors.toFile()));
            long start = System.nanoTime();
            Process process = builder.start();
            String answer = null;
            long elapsed;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                // Spring prints a few lines of its own on stdout before the answer.
                String line;
                while ((line = reader.readLine()) != null && !line.startsWith("{")) {
                    continue;
                }
                elapsed = (System.nanoTime() - start) / 1_000_000;
                answer = line;
            }
            String split = "";
            if (errors != null) {
                process.waitFor(30, TimeUnit.SECONDS);
                split = Files.readAllLines(errors).stream().filter(l -> l.startsWith("timing:")).map(l -> " (" + l + ")").findFirst().orElse("");
                Files.deleteIfExists(errors);
            }
            System.err.printf("  %s run %d: %d ms%s%n", name, i + 1, elapsed, split);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            if (answer == null || process.exitValue() != 0) {
                throw new IllegalStateException(name + " did not answer (exit " + process.exitValue() + "): " + answer);
            }
            millis.add(elapsed);
        }
        return new Result(name, millis);
    }

    /** The baseline classes, copied out of the devstack so nothing else of it is on their class path. */
    private static Path baselineClasses() throws IOException {
        Path dir = Files.createTempDirectory("coldstart-baselines");
        dir.toFile().deleteOnExit();
        for (Class<?> type : List.of(BaselineInvoke.class, NoopHandler.class, DynamoReadHandler.class, ThreeServicesReadHandler.class)) {
            String resource = type.getName().replace('.', '/') + ".class";
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            try (InputStream in = ColdStartBench.class.getClassLoader().getResourceAsStream(resource)) {
                Files.copy(in, target);
            }
        }
        return dir;
    }
}
