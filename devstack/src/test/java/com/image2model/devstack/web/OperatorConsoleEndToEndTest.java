package com.image2model.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.image2model.devstack.TestStack;
import com.image2model.devstack.identity.Api;

/**
 * The operator console in headless Chromium: dashboard, CSV, company search, a confirmed grant of
 * 500 credits with its ledger and audit entries, a suspension; the suspended company's admin is
 * then refused at sign-in. Screenshots of every operator page go to devstack/target/screenshots/.
 */
class OperatorConsoleEndToEndTest {

    @Test
    void anOperatorGrantsCreditsAndSuspendsACompanyWhoseAdminIsThenRefused() throws Exception {
        assertThat(TestStack.root().resolve("static-site/vendor/chart.umd.min.js")).as("Chart.js copied by the build").exists();
        String operator = "console-ops@" + Api.domain("console-ops");
        Api.signUp(operator, "Console Ops");
        TestStack.get().cognito().addToGroup(operator, "operators");
        String name = "Operated Studio " + Long.toHexString(System.nanoTime());
        String admin = "owner@" + Api.domain("operated-studio");
        Api.signUp(admin, name);

        BrowserWalk.run("e2e-operator.cjs", 3, operator, name, admin);

        assertThat(BrowserWalk.screenshotsNamed("ops-")).isGreaterThanOrEqualTo(8);
    }
}
