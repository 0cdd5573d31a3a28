package com.image2model.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;

/**
 * Starts building the SDK clients of the function this Lambda runs as soon as Spring starts, on a
 * second thread, so that their set-up overlaps Spring's instead of following it. Registered in
 * META-INF/spring.factories: Spring Boot creates run listeners at the very start of a run, well
 * before it calls the application's initializers.
 */
public final class AwsClientsWarmUp implements SpringApplicationRunListener {

    public AwsClientsWarmUp(SpringApplication application, String[] args) {
        Settings.find(FunctionsApplication.DEFINITION_VARIABLE)
                .map(FunctionsApplication.functions()::get)
                .ifPresent(spec -> AwsClients.warmUp(spec.clients()));
    }
}
