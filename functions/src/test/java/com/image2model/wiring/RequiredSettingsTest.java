package com.image2model.wiring;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.image2model.platform.Settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fail closed at init: for every function of the jar and every required setting it reads, the
 * function built without that one setting (all the others given) fails before anything is built,
 * with one line naming the variable. Nothing of the devstack is a default any more.
 */
class RequiredSettingsTest {

    private final List<String> set = new ArrayList<>();

    @AfterEach
    void clear() {
        set.forEach(System::clearProperty);
    }

    @Test
    void everyFunctionMissingARequiredSettingFailsAtInitNamingIt() {
        int cases = 0;
        for (FunctionsApplication.FunctionSpec spec : FunctionsApplication.functions().values()) {
            List<String> required = spec.settings().stream().filter(Settings::required).toList();
            assertThat(required).as(spec.name() + " requires something (at least its table)").isNotEmpty();
            for (String missing : required) {
                for (String name : required) {
                    if (!name.equals(missing)) {
                        System.setProperty(name, "given");
                        set.add(name);
                    }
                }
                System.clearProperty(missing);
                assertThatThrownBy(spec::build).as(spec.name() + " without " + missing)
                        .isInstanceOf(Settings.Missing.class)
                        .hasMessage("Missing configuration: set the environment variable " + missing + " (it is unset or empty)");
                cases++;
            }
            set.forEach(System::clearProperty);
        }
        System.out.println("RequiredSettingsTest: " + cases + " functions x missing settings, each failing at init");
    }

    @Test
    void anEmptyValueIsMissingAndNoDevstackValueIsADefault() {
        System.setProperty(Settings.TABLE_NAME, "   ");
        set.add(Settings.TABLE_NAME);
        assertThatThrownBy(() -> Settings.get(Settings.TABLE_NAME)).isInstanceOf(Settings.Missing.class);
        for (String value : Settings.DEFAULTS.values()) {
            assertThat(value).doesNotContain("localhost").doesNotContain("devstack").doesNotContain("127.0.0.1");
        }
        for (String name : List.of(Settings.TABLE_NAME, Settings.UPLOADS_BUCKET, Settings.USER_POOL_ID, Settings.SITE_ORIGIN,
                Settings.FAL_WEBHOOK_URL, Settings.STRIPE_SECRET_KEY_ARN, Settings.STRIPE_WEBHOOK_SECRET_ARN, Settings.FAL_KEY_ARN,
                Settings.NOTIFY_FROM, Settings.JOBS_QUEUE_URL)) {
            assertThat(Settings.required(name)).as(name).isTrue();
        }
    }
}
