package com.image2model.devstack.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.image2model.devstack.template.SamTemplate;

/** EventBridge's {@code rate(...)} schedules of the template's {@code Type: Schedule} events, run in this JVM. */
public final class Schedules implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    private final LocalFunctions functions;
    private final List<String[]> schedules = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(com.image2model.devstack.Daemons.named("schedules"));

    public Schedules(LocalFunctions functions, SamTemplate template) {
        this.functions = functions;
        for (SamTemplate.FunctionDef function : template.functions()) {
            if (function.properties().get("Events") instanceof Map<?, ?> events) {
                for (Object value : events.values()) {
                    if (value instanceof Map<?, ?> event && "Schedule".equals(event.get("Type"))
                            && event.get("Properties") instanceof Map<?, ?> properties) {
                        schedules.add(new String[] {function.logicalId(), String.valueOf(properties.get("Schedule"))});
                    }
                }
            }
        }
    }

    public Schedules start() {
        for (String[] schedule : schedules) {
            Matcher rate = RATE.matcher(schedule[1]);
            if (!rate.matches()) {
                LOG.warn("{}: only rate(...) schedules run in the devstack, not {}", schedule[0], schedule[1]);
                continue;
            }
            long minutes = Long.parseLong(rate.group(1)) * (rate.group(2).startsWith("hour") ? 60 : rate.group(2).startsWith("day") ? 1440 : 1);
            timer.scheduleAtFixedRate(() -> fire(schedule[0]), minutes, minutes, TimeUnit.MINUTES);
        }
        return this;
    }

    private void fire(String functionId) {
        String event = "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
                + "\"account\":\"000000000000\",\"time\":\"" + Instant.now().toString().replaceAll("\\.\\d+Z$", "Z")
                + "\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{}}";
        try {
            byte[] answer = functions.invoke(functionId, event.getBytes(StandardCharsets.UTF_8));
            LOG.info("{} (scheduled): {}", functionId, new String(answer, StandardCharsets.UTF_8));
        } catch (Exception e) {
            LOG.warn("{} (scheduled) failed: {}", functionId, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
