package com.image2model.privacy;

import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.image2model.platform.SqsBatch;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The erasure queue's worker: each message names a company whose deletion was asked for; {@link CompanyErasure} carries it out. */
public final class ErasureFunction implements Function<Map<String, Object>, SQSBatchResponse> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CompanyErasure erasure;

    public ErasureFunction(CompanyErasure erasure) {
        this.erasure = erasure;
    }

    @Override
    public SQSBatchResponse apply(Map<String, Object> event) {
        // Every step can run again: a failure half-way is finished by SQS's next delivery.
        return SqsBatch.process(event, message -> erasure.erase(companyOf(message.body())));
    }

    private static String companyOf(String body) {
        try {
            JsonNode node = JSON.readTree(String.valueOf(body));
            String companyId = node.path("companyId").asString("");
            if (!companyId.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("no company id");
            }
            return companyId;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The message is not an erasure request: " + e.getMessage(), e);
        }
    }
}
