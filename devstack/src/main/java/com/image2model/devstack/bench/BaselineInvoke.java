package com.image2model.devstack.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.image2model.platform.LocalContext;

/**
 * Runs a plain {@link RequestHandler} once in a fresh JVM, as Lambda's Java runtime would:
 * deserialise the event, call the handler, print the answer. Its class path is the Lambda jar plus
 * these few classes, so a baseline pays for the same jar as the functions do.
 */
public final class BaselineInvoke {
    private BaselineInvoke() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        RequestHandler<Map<String, Object>, String> handler = (RequestHandler<Map<String, Object>, String>)
                Class.forName(args[0]).getDeclaredConstructor().newInstance();
        Map<String, Object> event = new ObjectMapper().readValue(Files.readAllBytes(Path.of(args[1])), Map.class);
        System.out.println(handler.handleRequest(event, new LocalContext("baseline", 1024, 30)));
        System.out.flush();
        System.exit(0);
    }
}
