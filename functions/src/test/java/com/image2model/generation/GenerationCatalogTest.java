package com.image2model.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.image2model.credits.Catalog;
import com.image2model.generation.ModelOptions.TextureQuality;
import com.image2model.generation.ModelOptions.Topology;

/** The catalog turns a model's options into what FAL is sent and what it costs: one place, checked here. */
class GenerationCatalogTest {

    private static final GenerationCatalog MODELS = Catalog.load().models();

    private static ModelOptions preset(String name) {
        return MODELS.preset(name).orElseThrow();
    }

    @Test
    void thePresetsCostWhatTheyAlwaysDidAndSendTheirFaceLimit() {
        assertThat(Catalog.load().costs()).isEqualTo(Map.of("low", 35L, "medium", 52L, "high", 70L));
        GenerationPlan medium = MODELS.plan(preset("medium"), 1);
        assertThat(medium.app()).isEqualTo("tripo3d/tripo/v2.5/image-to-3d");
        assertThat(medium.falCostCents()).isEqualTo(15);
        assertThat(medium.credits()).isEqualTo(52);
        assertThat(medium.input().path("face_limit").asInt()).isEqualTo(5000);
        assertThat(medium.input().path("pbr").asBoolean()).isFalse();
        assertThat(medium.input().path("quad").asBoolean()).isFalse();
        assertThat(medium.input().path("texture").asString()).isEqualTo("standard");
        assertThat(medium.inputWith(Map.of(ViewRole.FRONT, "https://x/f.png")).path("image_url").asString()).isEqualTo("https://x/f.png");
    }

    @Test
    void eachOptionAddsItsInputAndItsCostAndThePriceIsThreeAndAHalfTimesFalsCostRoundedDown() {
        ModelOptions all = preset("high").withPbr(true).withTopology(Topology.QUADS).withTextureQuality(TextureQuality.DETAILED);
        GenerationPlan plan = MODELS.plan(all, 1);
        assertThat(plan.input().path("pbr").asBoolean()).isTrue();
        assertThat(plan.input().path("quad").asBoolean()).isTrue();
        assertThat(plan.input().path("texture").asString()).isEqualTo("HD");
        assertThat(plan.input().path("face_limit").asInt()).isEqualTo(10000);
        assertThat(plan.falCostCents()).isEqualTo(20 + 5 + 5 + 10);
        assertThat(plan.credits()).isEqualTo(140);
        assertThat(plan.typicalSeconds()).isEqualTo(90 + 10 + 10 + 20);
        // A polycount is priced by its band: 12,000 faces is above high's 10,000.
        GenerationPlan custom = MODELS.plan(preset("low").withPolycount(12000), 1);
        assertThat(custom.falCostCents()).isEqualTo(30);
        assertThat(custom.credits()).isEqualTo(105);
        assertThat(custom.input().path("face_limit").asInt()).isEqualTo(12000);
        assertThat(MODELS.plan(preset("low").withPolycount(1000), 1).credits()).isEqualTo(35);
        assertThat(MODELS.plan(preset("low").withPolycount(1001), 1).credits()).isEqualTo(52);
        assertThat(MODELS.plan(preset("low").withPbr(true), 1).credits()).as("15 cents: 52.5 rounded down").isEqualTo(52);
    }

    @Test
    void severalViewsGoToTheMultiviewAppWithAFieldPerView() {
        GenerationPlan plan = MODELS.plan(preset("medium"), 3);
        assertThat(plan.app()).isEqualTo("tripo3d/tripo/v2.5/multiview-to-3d");
        assertThat(plan.falCostCents()).isEqualTo(25);
        assertThat(plan.credits()).isEqualTo(87);
        var input = plan.inputWith(Map.of(ViewRole.FRONT, "f", ViewRole.LEFT, "l", ViewRole.BACK, "b"));
        assertThat(input.path("front_image_url").asString()).isEqualTo("f");
        assertThat(input.path("left_image_url").asString()).isEqualTo("l");
        assertThat(input.path("back_image_url").asString()).isEqualTo("b");
        assertThat(input.has("right_image_url")).isFalse();
        assertThat(input.has("image_url")).isFalse();
        assertThat(MODELS.apps()).containsExactly("tripo3d/tripo/v2.5/image-to-3d", "tripo3d/tripo/v2.5/multiview-to-3d");
        assertThatThrownBy(() -> MODELS.plan(preset("medium"), 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MODELS.plan(preset("medium").withPolycount(30001), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCatalogWhoseBandsDoNotCoverItsBoundsIsRefusedAtLoad() {
        var json = tools.jackson.databind.json.JsonMapper.builder().build();
        var section = (tools.jackson.databind.node.ObjectNode) json.valueToTree(
                json.readTree(Catalog.class.getResourceAsStream("/catalog.json")).path("generation"));
        ((tools.jackson.databind.node.ObjectNode) section.path("polycount")).put("max", 40000);
        assertThatThrownBy(() -> new GenerationCatalog(section)).isInstanceOf(IllegalStateException.class).hasMessageContaining("cover");
    }
}
