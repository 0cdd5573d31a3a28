package com.image2model.wiring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;

import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

/**
 * What a Lambda of this jar does at the very start of Spring's run, before any bean exists.
 * Registered in META-INF/spring.factories: Spring Boot creates run listeners first thing.
 */
public final class LambdaStartup implements SpringApplicationRunListener {

    static final String JODA_PROVIDER = "org.joda.time.DateTimeZone.Provider";

    public LambdaStartup(SpringApplication application, String[] args) {
        // The jar ships no Joda time-zone database (only UTC is used); without this Joda first looks
        // for it, prints an error, and only then falls back to UTC.
        if (System.getProperty(JODA_PROVIDER) == null) {
            System.setProperty(JODA_PROVIDER, "org.joda.time.tz.UTCProvider");
        }
        // The SDK clients of this Lambda's function are built on a second thread while Spring starts.
        Settings.find(FunctionsApplication.DEFINITION_VARIABLE)
                .map(FunctionsApplication.functions()::get)
                .ifPresent(spec -> AwsClients.warmUp(spec.clients()));
    }
}
