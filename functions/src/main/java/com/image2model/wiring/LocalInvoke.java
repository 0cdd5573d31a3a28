package com.image2model.wiring;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import com.image2model.platform.LocalContext;
import com.image2model.platform.Metrics;

/**
 * Runs this jar's Lambda entry point once, outside Lambda:
 * {@code java -cp image2model-functions.jar com.image2model.wiring.LocalInvoke event.json [more.json ...]}, with
 * SPRING_CLOUD_FUNCTION_DEFINITION naming the function, or {@code _HANDLER} a plain handler class (as Lambda sets it). Prints each answer on one line of stdout, in order,
 * every event after the first going to the same warm function (as later invocations of one Lambda do).
 * The devstack's cold-start benchmark starts a fresh JVM with this and nothing else.
 */
public final class LocalInvoke {

    private LocalInvoke() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LocalInvoke <event.json> [more.json ...]  (SPRING_CLOUD_FUNCTION_DEFINITION names the function)");
            System.exit(2);
        }
        long mainStarted = System.currentTimeMillis();
        // Before Log4j starts (with FunctionInvoker): logs to stderr, the answer alone on stdout.
        System.setProperty("lambda.log.target", "SYSTEM_ERR");
        // Metrics (EMF lines) go to standard output in Lambda; here to stderr with the logs: stdout is the answers'.
        java.io.PrintStream answers = System.out;
        System.setOut(System.err);
        byte[] event = Files.readAllBytes(Path.of(args[0]));
        RequestStreamHandler invoker = handler(System.getenv("_HANDLER"));
        long initialised = System.currentTimeMillis();
        answers.println(invoke(invoker, event));
        long answered = System.currentTimeMillis();
        for (int i = 1; i < args.length; i++) {
            answers.println(invoke(invoker, Files.readAllBytes(Path.of(args[i]))));
        }
        // On stderr, so that stdout carries the answer alone.
        System.err.printf("timing: init %d ms, first invoke %d ms%n", initialised - mainStarted, answered - initialised);
        answers.flush();
        System.exit(0);
    }

    /**
     * The entry point {@code _HANDLER} names (Lambda's runtime sets it to the function's Handler):
     * a plain handler class of this jar; Spring Cloud Function's FunctionInvoker when it names that or nothing.
     */
    private static RequestStreamHandler handler(String handler) {
        String type = handler == null || handler.isBlank() ? FunctionInvoker.class.getName()
                : handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        return type.equals(FunctionInvoker.class.getName()) ? new FunctionInvoker() : plainHandler(type);
    }

    /**
     * A plain handler class of this jar, built as Lambda's runtime builds it (its public no-argument
     * constructor: the init phase). A failing init throws its own exception, as Lambda reports it.
     */
    public static RequestStreamHandler plainHandler(String type) {
        try {
            return Class.forName(type).asSubclass(RequestStreamHandler.class).getConstructor().newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(type + " is no RequestStreamHandler of the jar", e);
        }
    }

    private static String invoke(RequestStreamHandler invoker, byte[] event) throws java.io.IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (InputStream in = new java.io.ByteArrayInputStream(event)) {
            invoker.handleRequest(in, answer, new LocalContext(System.getenv().getOrDefault("SPRING_CLOUD_FUNCTION_DEFINITION", "local"), 1024, 30));
        } catch (RuntimeException e) {
            // Lambda reports a failed invocation as an error object: so does this, on its own line.
            return "{\"errorType\":\"" + e.getClass().getName() + "\"}";
        }
        return answer.toString(StandardCharsets.UTF_8).replace("\n", " ");
    }
}
