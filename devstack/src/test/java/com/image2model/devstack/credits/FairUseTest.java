package com.image2model.devstack.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.image2model.credits.Catalog;
import com.image2model.credits.FairUse;
import com.image2model.devstack.TestStack;
import com.image2model.platform.AwsClients;
import com.image2model.platform.Settings;

class FairUseTest {

    static {
        TestStack.get();
    }

    private final Catalog catalog = Catalog.load();
    private final FairUse fairUse = new FairUse(AwsClients.dynamoDb(), com.image2model.devstack.TestStack.setting(Settings.TABLE_NAME),
            catalog.fairUseImagesPerMonth(), catalog.fairUseWarnAtPercent(), Clock.systemUTC());

    @Test
    void theUnlimitedPlanWarnsAtEightyPercentAndStopsAtTheCapWithAMessage() {
        String company = "fair-" + UUID.randomUUID();
        assertThat(catalog.fairUseImagesPerMonth()).isEqualTo(200);
        for (int i = 0; i < 159; i++) {
            assertThat(fairUse.count(company, "w" + i, 1).warning()).isFalse();
        }
        assertThat(fairUse.count(company, "w159", 1).warning()).as("160 of 200 is 80%").isTrue();
        assertThat(fairUse.count(company, "w159", 1).used()).as("the same work counts once").isEqualTo(160);
        assertThat(fairUse.count(company, "batch", 40).used()).isEqualTo(200);

        assertThatThrownBy(() -> fairUse.count(company, "one-more", 1))
                .isInstanceOf(FairUse.CapReached.class)
                .hasMessageContaining("200 images").hasMessageContaining("Buy a credit pack");
        assertThat(fairUse.standing(company)).extracting(FairUse.Standing::used, FairUse.Standing::reached).containsExactly(200L, true);
    }
}
