package com.image2model.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.image2model.platform.ApiException;

import tools.jackson.databind.json.JsonMapper;

class JobRequestTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JobStore.NewFile file(String name) {
        return new JobStore.NewFile("f001", name, "image/png", 1000);
    }

    @Test
    void aJobNobodyNamedIsCalledAfterItsFirstImage() {
        assertThat(JobRequest.defaultName(List.of(file("chair.jpg")))).isEqualTo("chair");
        assertThat(JobRequest.defaultName(List.of(file("chair.jpg"), file("table.png"), file("lamp.webp")))).isEqualTo("chair and 2 more");
        assertThat(JobRequest.defaultName(List.of(file("no-extension")))).isEqualTo("no-extension");
    }

    @Test
    void aNameIsTextCleanedAndNeverBlank() {
        assertThat(JobRequest.name(JSON.readTree("{\"name\": \"  Chair <b>oak</b>  \"}"))).doesNotContain("<").startsWith("Chair");
        assertThat(JobRequest.name(JSON.readTree("{\"name\": \"   \"}"))).isNull();
        assertThat(JobRequest.name(JSON.readTree("{\"name\": null}"))).isNull();
        assertThat(JobRequest.name(JSON.readTree("{}"))).isNull();
        assertThatThrownBy(() -> JobRequest.name(JSON.readTree("{\"name\": [1]}"))).isInstanceOf(ApiException.class);
    }
}
