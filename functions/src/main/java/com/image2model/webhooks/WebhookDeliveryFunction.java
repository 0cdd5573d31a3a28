package com.image2model.webhooks;

import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.image2model.platform.SqsBatch;

/** The deliveries queue's consumer: one attempt per message (see {@link WebhookDeliveries}). */
public final class WebhookDeliveryFunction implements Function<Map<String, Object>, SQSBatchResponse> {

    /** An attempt may take its whole 10 s: one is started only with this much of the invocation left. */
    static final long LEAVE_WHEN_LESS_MILLIS = 15_000;

    private final WebhookDeliveries deliveries;

    public WebhookDeliveryFunction(WebhookDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public SQSBatchResponse apply(Map<String, Object> event) {
        return SqsBatch.process(event, LEAVE_WHEN_LESS_MILLIS, message -> deliveries.handle(message.body()));
    }
}
