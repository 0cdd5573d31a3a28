package com.image2model.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.image2model.credits.Credits;
import com.image2model.credits.Ledger;
import com.image2model.platform.ApiException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A project's budget and the bodies that make and change projects: plain rules, in milliseconds. */
class ProjectTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Project project(Long budget, long committed, long spent, String archivedAt) {
        return new Project("p0123456789abcdef", "Acme", "Acme Inc", budget, committed, spent, archivedAt, "t", "t");
    }

    @Test
    void workIsAdmittedUpToWhatTheBudgetLeavesAndTheRefusalSaysWhatIsLeft() {
        project(100L, 40, 10, null).admit(60);
        project(null, 1_000_000, 0, null).admit(Long.MAX_VALUE);
        assertThatThrownBy(() -> project(100L, 40, 10, null).admit(61)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(402);
            assertThat(e.code()).isEqualTo("project_budget_exceeded");
            assertThat(e.details()).containsEntry("remaining", 60L).containsEntry("needed", 61L).containsEntry("budget", 100L);
            assertThat(e.getMessage()).contains("\"Acme\" has 60 of its 100-credit budget left");
        });
        // A budget lowered below what is committed leaves nothing (never a negative remainder).
        assertThat(project(50L, 80, 80, null).remaining()).isZero();
        assertThatThrownBy(() -> project(50L, 80, 80, null).admit(1)).isInstanceOf(ApiException.class);
        // Archived takes no new work, whatever the budget.
        assertThatThrownBy(() -> project(null, 0, 0, "2026-12-01T00:00:00Z").admit(0))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("project_archived"));
    }

    @Test
    void theViewSaysHeldSpentAndRemaining() {
        assertThat(project(100L, 70, 30, null).view()).containsEntry("held", 40L).containsEntry("spent", 30L)
                .containsEntry("remaining", 30L).containsEntry("archived", false);
        assertThat(project(null, 0, 0, null).view()).containsEntry("remaining", null);
        assertThat(Project.general("t").projectId()).isEqualTo(Project.GENERAL);
    }

    @Test
    void idsThatAreNotProjectIdsAreRecognisedBeforeAnyRead() {
        assertThat(Project.wellFormed("general")).isTrue();
        assertThat(Project.wellFormed("p0123456789abcdef")).isTrue();
        for (String bad : new String[] {null, "", "General", "p0123", "p0123456789ABCDEF", "../jobs", "p0123456789abcdef#x"}) {
            assertThat(Project.wellFormed(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void bodiesAreReadStrictlyAndOnlyBudgetsAndArchivingNeedAnAdmin() {
        ProjectChange made = ProjectChange.forCreate(body("{\"name\": \"  Acme <spring>  \", \"client\": \"\", \"budget\": 500}"));
        assertThat(made.name()).isEqualTo("Acme _spring_");
        assertThat(made.client()).isNull();
        assertThat(made.budget()).isEqualTo(500L);
        assertThat(ProjectChange.forUpdate(body("{\"name\": \"x\"}")).needsAdmin()).isFalse();
        assertThat(ProjectChange.forUpdate(body("{\"budget\": null}")).needsAdmin()).isTrue();
        assertThat(ProjectChange.forUpdate(body("{\"budget\": null}")).budget()).isNull();
        assertThat(ProjectChange.forUpdate(body("{\"archived\": false}")).needsAdmin()).isTrue();
        assertThat(ProjectChange.nameKey("ACME   Spring")).isEqualTo(ProjectChange.nameKey("acme spring"));
        for (String[] bad : new String[][] {{"{}", "invalid_name"}, {"{\"name\": 5}", "invalid_name"}, {"{\"name\": \"\\u0000\"}", "invalid_name"},
                {"{\"name\": \"a\", \"budget\": 0}", "invalid_budget"}, {"{\"name\": \"a\", \"budget\": 1e3}", "invalid_budget"},
                {"{\"name\": \"a\", \"budget\": 9223372036854775808}", "invalid_budget"}, {"{\"name\": \"a\", \"client\": []}", "invalid_client"},
                {"{\"name\": \"a\", \"archived\": true}", "invalid_archived"}}) {
            assertThatThrownBy(() -> ProjectChange.forCreate(body(bad[0]))).as(bad[0])
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(bad[1]));
        }
        assertThatThrownBy(() -> ProjectChange.forUpdate(body("{\"other\": 1}")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("nothing_to_change"));
    }

    @Test
    void aHoldKeepsItsProjectThroughItsEnd() {
        Credits.Balance granted = Ledger.credit(Credits.Balance.EMPTY, Credits.EntryType.GRANT, 100, "t", "system", "t").after();
        Ledger.Movement reserve = Ledger.reserve(granted, java.util.List.of(new Credits.HoldRequest("h", 30)), 1, "u", "p0123456789abcdef", "t");
        Credits.Hold hold = reserve.opened().get(0);
        assertThat(hold.project()).isEqualTo("p0123456789abcdef");
        assertThat(Ledger.end(reserve.after(), hold, Credits.HoldStatus.RELEASED, "failed", "t").orElseThrow().ended().project())
                .isEqualTo("p0123456789abcdef");
    }

    private static JsonNode body(String json) {
        return JSON.readTree(json);
    }
}
