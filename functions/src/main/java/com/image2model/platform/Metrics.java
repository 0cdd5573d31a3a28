package com.image2model.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Business and health metrics as CloudWatch Embedded Metric Format: one JSON line on standard
 * output per data point, which CloudWatch turns into a metric of the {@code Image2Model}
 * namespace (dimension {@code Service}, and one more where a metric has it). Nothing else to run
 * or to call: the line is the metric.
 */
public final class Metrics {

    public static final String NAMESPACE = "Image2Model";
    private static final String SERVICE = Settings.find("POWERTOOLS_SERVICE_NAME").orElse("image2model");

    private Metrics() {
    }

    public static void count(String name, long value) {
        emit(name, value, "Count", null, null);
    }

    public static void count(String name, long value, String dimension, String dimensionValue) {
        emit(name, value, "Count", dimension, dimensionValue);
    }

    public static void milliseconds(String name, long value) {
        emit(name, value, "Milliseconds", null, null);
    }

    public static void seconds(String name, long value) {
        emit(name, value, "Seconds", null, null);
    }

    private static void emit(String name, long value, String unit, String dimension, String dimensionValue) {
        if (value == 0 && unit.equals("Count")) {
            return;
        }
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("Name", name);
        metric.put("Unit", unit);
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", List.of(dimension == null ? List.of("Service") : List.of("Service", dimension)));
        directive.put("Metrics", List.of(metric));
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", System.currentTimeMillis());
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", aws);
        line.put("Service", SERVICE);
        if (dimension != null) {
            line.put(dimension, dimensionValue);
        }
        line.put(name, value);
        String json = ApiResponses.JSON.writeValueAsString(line);
        synchronized (System.out) {
            System.out.println(json);
        }
    }
}
