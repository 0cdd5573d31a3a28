package com.image2model.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.image2model.credits.Catalog;
import com.image2model.platform.ApiException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Options as a request gives them: at the job, overridden per model; anything wrong is a 400 naming the field. */
class OptionsReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final OptionsReader READER = new OptionsReader(Catalog.load().models());

    private static JsonNode json(String text) {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static void refused(Runnable read, String code, String field) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(field);
        });
    }

    @Test
    void aJobsOptionsAndAModelsOverride() {
        ModelOptions job = READER.job(json("{'quality':'high','pbr':true,'topology':'quads','textureQuality':'detailed'}"));
        assertThat(job).isEqualTo(new ModelOptions("high", 10000, true, ModelOptions.Topology.QUADS, ModelOptions.TextureQuality.DETAILED));
        ModelOptions model = READER.override(json("{'polycount':20000,'pbr':false}"), job, "files[0].");
        assertThat(model).isEqualTo(new ModelOptions(null, 20000, false, ModelOptions.Topology.QUADS, ModelOptions.TextureQuality.DETAILED));
        assertThat(model.quality()).isEqualTo("custom");
        assertThat(READER.override(json("{'quality':'LOW'}"), model, "files[1].").polycount()).isEqualTo(1000);
        assertThat(READER.job(json("{'polycount':500}")).polycount()).isEqualTo(500);
    }

    @Test
    void invalidOptionsAndCombinationsNameTheirField() {
        refused(() -> READER.job(json("{}")), "invalid_quality", "polycount");
        refused(() -> READER.job(json("{'quality':'ultra'}")), "invalid_quality", "quality");
        refused(() -> READER.job(json("{'quality':'low','polycount':2000}")), "conflicting_options", "polycount");
        refused(() -> READER.job(json("{'polycount':499}")), "invalid_polycount", "polycount");
        refused(() -> READER.job(json("{'polycount':30001}")), "invalid_polycount", "polycount");
        refused(() -> READER.job(json("{'polycount':1e4}")), "invalid_polycount", "polycount");
        refused(() -> READER.job(json("{'polycount':'5000'}")), "invalid_polycount", "polycount");
        refused(() -> READER.job(json("{'polycount':99999999999999999999}")), "invalid_polycount", "polycount");
        refused(() -> READER.job(json("{'quality':'low','pbr':'yes'}")), "invalid_pbr", "pbr");
        refused(() -> READER.job(json("{'quality':'low','topology':'ngons'}")), "invalid_topology", "topology");
        refused(() -> READER.job(json("{'quality':'low','textureQuality':4}")), "invalid_texture_quality", "textureQuality");
        ModelOptions job = READER.job(json("{'quality':'low'}"));
        refused(() -> READER.override(json("{'quality':'low','polycount':900}"), job, "files[3]."), "conflicting_options", "files[3].polycount");
    }

    @Test
    void aModelsViewsHaveDistinctRolesOneOfThemTheFront() {
        List<OptionsReader.ViewRequest> views = READER.views(json(
                "{'views':[{'role':'left','name':'l.png'},{'role':'front','name':'f.png'},{'role':'back','name':'b.png'}]}"), "files[0]");
        assertThat(views).extracting(OptionsReader.ViewRequest::role).containsExactly(ViewRole.FRONT, ViewRole.LEFT, ViewRole.BACK);
        assertThat(views.get(1).where()).isEqualTo("files[0].views[0]");
        assertThat(READER.views(json("{'name':'a.png'}"), "files[0]")).hasSize(1);
        refused(() -> READER.views(json("{'views':[]}"), "files[0]"), "invalid_views", "files[0].views");
        refused(() -> READER.views(json("{'views':{'role':'front'}}"), "files[0]"), "invalid_views", "files[0].views");
        refused(() -> READER.views(json("{'views':[{'role':'front'},{'role':'left'},{'role':'back'},{'role':'right'},{'role':'top'}]}"),
                "files[0]"), "invalid_views", "files[0].views");
        refused(() -> READER.views(json("{'views':[{'role':'front'},{'role':'top'}]}"), "files[2]"), "invalid_view_role", "files[2].views[1].role");
        refused(() -> READER.views(json("{'views':[{'role':'front'},{'role':'front'}]}"), "files[0]"), "duplicate_view_role", "views[1]");
        refused(() -> READER.views(json("{'views':[{'role':'left'},{'role':'back'}]}"), "files[0]"), "missing_front_view", "front");
        refused(() -> READER.views(json("{'views':[{'role':'front'}],'contentType':'image/png'}"), "files[0]"), "conflicting_views", "files[0]");
        refused(() -> READER.views(json("{'views':[[1]]}"), "files[0]"), "invalid_views", "files[0].views[0]");
    }
}
