package com.image2model.devstack;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.image2model.devstack.aws.FreePort;

/**
 * The devstack as its own process ({@code java ... DevStack up ...}), as a person starts it, on
 * free ports: for the tests that start, kill and restart it, or start it the way a first deploy is.
 */
public final class DevstackProcess implements AutoCloseable {

    /** The variables that place every server of a devstack. */
    public static final List<String> PORT_VARIABLES = List.of("DEVSTACK_PORT", "DEVSTACK_COGNITO_PORT", "DEVSTACK_DYNAMODB_PORT",
            "DEVSTACK_SQS_PORT", "DEVSTACK_S3_PORT", "DEVSTACK_FAL_PORT", "DEVSTACK_STRIPE_PORT", "DEVSTACK_SECRETS_PORT");

    private final Process process;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private DevstackProcess(Process process) {
        this.process = process;
    }

    /** A free port for each of {@link #PORT_VARIABLES}. */
    public static Map<String, String> freePorts() throws java.io.IOException {
        Map<String, String> ports = new LinkedHashMap<>();
        for (String name : PORT_VARIABLES) {
            ports.put(name, String.valueOf(FreePort.find()));
        }
        return ports;
    }

    /** Runs the devstack's command line ({@code up ...}, {@code reset ...}) with these ports. */
    public static DevstackProcess start(Map<String, String> ports, String... command) throws java.io.IOException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "com.image2model.devstack.DevStack"));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().put("IMAGE2MODEL_ROOT", TestStack.root().toString());
        builder.environment().putAll(ports);
        DevstackProcess running = new DevstackProcess(builder.start());
        Thread reader = new Thread(running::read, "devstack-process-output");
        reader.setDaemon(true);
        reader.start();
        return running;
    }

    private void read() {
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (log) {
                    log.write(buffer, 0, n);
                }
            }
        } catch (java.io.IOException ignored) {
            // The process ended.
        }
    }

    public Process process() {
        return process;
    }

    /** Everything it printed so far. */
    public String text() {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }

    /** The secrets a devstack started with --secrets-unset asks for in its banner: name to the stand-in's value. */
    public Map<String, String> secretsToPut() {
        Map<String, String> toPut = new LinkedHashMap<>();
        java.util.regex.Matcher put = java.util.regex.Pattern.compile("put-secret-value --secret-id (\\S+) --secret-string '([^']+)'")
                .matcher(text());
        while (put.find()) {
            toPut.put(put.group(1), put.group(2));
        }
        return toPut;
    }

    /** Puts {@code secrets} through Secrets Manager's API at the devstack's port, as an operator does. */
    public static void putSecrets(Map<String, String> ports, Map<String, String> secrets) {
        try (var client = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                .endpointOverride(java.net.URI.create("http://localhost:" + ports.get("DEVSTACK_SECRETS_PORT")))
                .region(software.amazon.awssdk.regions.Region.of(com.image2model.devstack.aws.LocalAws.REGION))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(com.image2model.devstack.aws.LocalAws.ACCESS_KEY,
                                com.image2model.devstack.aws.LocalAws.SECRET_KEY)))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            secrets.forEach((name, value) -> client.putSecretValue(r -> r.secretId(name).secretString(value)));
        }
    }

    /** Waits for the whole banner ("is ready in N ms" ... "Press Ctrl-C to stop") and answers N. */
    public long awaitReady() throws InterruptedException {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until && process.isAlive()) {
            String text = text();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("is ready in (\\d+) ms").matcher(text);
            if (m.find() && text.indexOf("Press Ctrl-C to stop", m.end()) > 0) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The devstack did not start:\n" + text());
    }

    /** SIGKILL: nothing gets to save on the way out. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** Stops it as Ctrl-C does. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
