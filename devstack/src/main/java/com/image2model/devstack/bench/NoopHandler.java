package com.image2model.devstack.bench;

import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** Baseline: the cheapest possible Java Lambda, touching nothing. */
public final class NoopHandler implements RequestHandler<Map<String, Object>, String> {
    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        return "{\"statusCode\":200,\"body\":\"ok\"}";
    }
}
