package com.image2model.devstack.metrics;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What CloudWatch does with the functions' Embedded Metric Format lines, for the devstack: the
 * functions run in this JVM and print their EMF lines to standard output; this collector stands
 * between them and the console (every line is still printed) and keeps, per metric and dimension,
 * the sum and the number of data points. The front shows them at {@code /_devstack/metrics}.
 */
public final class EmfCollector {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmfCollector installed;

    private final Map<String, double[]> totals = new TreeMap<>();

    private EmfCollector() {
    }

    /** Puts the collector in front of System.out (once per JVM); answers it. */
    public static synchronized EmfCollector install() {
        if (installed == null) {
            EmfCollector collector = new EmfCollector();
            PrintStream console = System.out;
            System.setOut(new PrintStream(new LineTee(console, collector), true, StandardCharsets.UTF_8));
            installed = collector;
        }
        return installed;
    }

    synchronized void line(String line) {
        if (!line.startsWith("{\"_aws\"")) {
            return;
        }
        try {
            JsonNode node = JSON.readTree(line);
            for (JsonNode directive : node.at("/_aws/CloudWatchMetrics")) {
                for (JsonNode metric : directive.path("Metrics")) {
                    String name = metric.path("Name").asText();
                    StringBuilder key = new StringBuilder(name);
                    for (JsonNode set : directive.path("Dimensions")) {
                        for (JsonNode dimension : set) {
                            if (!dimension.asText().equals("Service")) {
                                key.append('|').append(dimension.asText()).append('=').append(node.path(dimension.asText()).asText());
                            }
                        }
                    }
                    double[] total = totals.computeIfAbsent(key.toString(), k -> new double[2]);
                    total[0] += node.path(name).asDouble();
                    total[1]++;
                }
            }
        } catch (java.io.IOException notEmf) {
            // A log line that only looks like EMF: printed, not counted.
        }
    }

    /** {"metrics": {"ImagesDone": {"sum": 3, "samples": 3}, "ImagesFailed|Reason=invalid_image": {...}}}. */
    public synchronized ObjectNode totals() {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode metrics = out.putObject("metrics");
        totals.forEach((key, total) -> metrics.putObject(key).put("sum", total[0]).put("samples", (long) total[1]));
        return out;
    }

    /** Passes every byte on, and each whole line to the collector. */
    private static final class LineTee extends OutputStream {
        private final OutputStream out;
        private final EmfCollector collector;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineTee(OutputStream out, EmfCollector collector) {
            this.out = out;
            this.collector = collector;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            out.write(b);
            if (b == '\n') {
                collector.line(line.toString(StandardCharsets.UTF_8).trim());
                line.reset();
            } else if (line.size() < 1 << 20) {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            out.flush();
        }
    }
}
