package com.image2model.devstack.lambda;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import com.image2model.devstack.template.Intrinsics;
import com.image2model.devstack.template.SamTemplate;
import com.image2model.platform.LocalContext;

/**
 * The template's functions, run in this JVM through the entry point Lambda uses (their Handler:
 * {@link FunctionInvoker#handleRequest}, or a plain {@link RequestStreamHandler} class built as
 * Lambda's runtime builds it), each started on its first invocation like a cold Lambda.
 *
 * <p>All functions share this JVM's system properties, so their environments (from the template,
 * Globals merged) must agree wherever they name the same variable; a clash stops the devstack.
 */
public final class LocalFunctions {

    private final Map<String, SamTemplate.FunctionDef> functions = new LinkedHashMap<>();
    private final Map<String, RequestStreamHandler> started = new ConcurrentHashMap<>();
    private final Map<String, String> environment;
    private final Map<String, Stats> stats = new ConcurrentHashMap<>();

    /** Invocations of one function and the time Lambda would bill for them (each rounded up to 1 ms). */
    public static final class Stats {
        private final java.util.concurrent.atomic.LongAdder invocations = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder billedMillis = new java.util.concurrent.atomic.LongAdder();

        void add(long nanos) {
            invocations.increment();
            billedMillis.add((nanos + 999_999) / 1_000_000);
        }

        public long invocations() {
            return invocations.sum();
        }

        public long billedMillis() {
            return billedMillis.sum();
        }
    }

    public LocalFunctions(List<SamTemplate.FunctionDef> definitions, Intrinsics intrinsics, Map<String, String> endpoints) {
        Map<String, String> merged = new TreeMap<>();
        Map<String, String> owner = new LinkedHashMap<>();
        for (SamTemplate.FunctionDef function : definitions) {
            functions.put(function.logicalId(), function);
            function.environment().forEach((name, raw) -> {
                if (name.equals(SamTemplate.FUNCTION_DEFINITION_VARIABLE)) {
                    return;
                }
                String value = intrinsics.evaluateString(raw);
                String previous = merged.putIfAbsent(name, value);
                if (previous != null && !previous.equals(value)) {
                    throw new IllegalStateException("The devstack runs all functions in one JVM, but " + name + " is '"
                            + previous + "' for " + owner.get(name) + " and '" + value + "' for " + function.logicalId());
                }
                owner.putIfAbsent(name, function.logicalId());
            });
        }
        merged.putAll(endpoints);
        this.environment = Map.copyOf(merged);
    }

    /** Makes this JVM look like the functions' Lambda environment (system properties win over env in Settings). */
    public void applyEnvironment() {
        environment.forEach(System::setProperty);
    }

    public Map<String, String> environment() {
        return environment;
    }

    public SamTemplate.FunctionDef function(String logicalId) {
        SamTemplate.FunctionDef function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException("No function " + logicalId + " in template.yaml; there are " + functions.keySet());
        }
        return function;
    }

    public Map<String, SamTemplate.FunctionDef> functions() {
        return functions;
    }

    /**
     * Runs every function's init now, as Lambda does when it publishes a version with SnapStart:
     * each in a context of its own function only (as {@code SPRING_CLOUD_FUNCTION_DEFINITION} makes it
     * in Lambda), built at once, under its own role, one after the other. A function whose init fails
     * stops the devstack here, as it would fail the deploy. Answers each function's init time in ms.
     */
    public Map<String, Long> initialiseAll() {
        Map<String, Long> millis = new LinkedHashMap<>();
        // Spring Cloud Function prints its sources ("======> SOURCE: ...") at every start: kept off the devstack's banner.
        java.io.PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            initialiseEach(millis);
        } finally {
            System.setOut(out);
            printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(line -> !line.startsWith("======> SOURCE:"))
                    .forEach(out::println);
        }
        return millis;
    }

    private void initialiseEach(Map<String, Long> millis) {
        for (SamTemplate.FunctionDef function : functions.values()) {
            long begin = System.nanoTime();
            started.computeIfAbsent(function.logicalId(), id -> {
                try {
                    return com.image2model.devstack.iam.CallerIdentity.as(id, () -> initialise(function));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(id + " failed its init (a deploy would fail to publish it): " + e.getMessage(), e);
                }
            });
            millis.put(function.logicalId(), (System.nanoTime() - begin) / 1_000_000);
        }
    }

    private static RequestStreamHandler initialise(SamTemplate.FunctionDef function) {
        String id = function.logicalId();
        if (!function.springInvoker()) {
            // As Lambda's runtime does: the Handler's class, built once.
            return com.image2model.wiring.LocalInvoke.plainHandler(function.handlerClass());
        }
        String definition = function.definition();
        if (definition == null || definition.isBlank()) {
            throw new IllegalStateException(id + " has no " + SamTemplate.FUNCTION_DEFINITION_VARIABLE + " in template.yaml");
        }
        // One definition at a time: the variable is this JVM's, shared by every function.
        synchronized (LocalFunctions.class) {
            String before = System.getProperty(SamTemplate.FUNCTION_DEFINITION_VARIABLE);
            System.setProperty(SamTemplate.FUNCTION_DEFINITION_VARIABLE, definition);
            try {
                return new FunctionInvoker(definition);
            } finally {
                if (before == null) {
                    System.clearProperty(SamTemplate.FUNCTION_DEFINITION_VARIABLE);
                } else {
                    System.setProperty(SamTemplate.FUNCTION_DEFINITION_VARIABLE, before);
                }
            }
        }
    }

    /** Invokes a function with an event (JSON bytes) and returns its answer (JSON bytes). */
    public byte[] invoke(String logicalId, byte[] event) throws IOException {
        return invoke(logicalId, event, 0);
    }

    /**
     * The same with the invocation's deadline {@code timeoutSeconds} away instead of the template's
     * Timeout (0: the template's), as Lambda's context tells it; the function is not cut off.
     */
    public byte[] invoke(String logicalId, byte[] event, int timeoutSeconds) throws IOException {
        SamTemplate.FunctionDef function = function(logicalId);
        RequestStreamHandler invoker = started.computeIfAbsent(logicalId, id -> initialise(function));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int memory = Integer.parseInt(String.valueOf(function.properties().getOrDefault("MemorySize", 1024)));
        int timeout = timeoutSeconds > 0 ? timeoutSeconds : Integer.parseInt(String.valueOf(function.properties().getOrDefault("Timeout", 20)));
        long started = System.nanoTime();
        try {
            // As its own Lambda role: the AWS stand-ins see this function's session token (the devstack's IAM).
            com.image2model.devstack.iam.CallerIdentity.as(logicalId, () -> {
                invoker.handleRequest(new ByteArrayInputStream(event), out, new LocalContext(logicalId, memory, timeout));
                return null;
            });
        } finally {
            stats.computeIfAbsent(logicalId, id -> new Stats()).add(System.nanoTime() - started);
        }
        return out.toByteArray();
    }

    /** Per function: invocations so far and their billed time (a snapshot for benchmarks). */
    public Map<String, long[]> stats() {
        Map<String, long[]> snapshot = new TreeMap<>();
        stats.forEach((id, s) -> snapshot.put(id, new long[] {s.invocations(), s.billedMillis()}));
        return snapshot;
    }
}
