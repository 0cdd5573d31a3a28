package com.image2model.projects;

import java.util.LinkedHashMap;
import java.util.Map;

import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.ApiResponses;
import com.image2model.tenancy.MemberRoutes;
import com.image2model.tenancy.TenantContext;

/**
 * The projects routes: GET /projects, POST /projects, GET /projects/{id}, PATCH /projects/{id}.
 * Any member may start a project and name it; its budget and whether it is archived are an
 * admin's to change.
 */
public final class ProjectsApi {

    private final ProjectStore store;

    public ProjectsApi(ProjectStore store) {
        this.store = store;
    }

    public Map<String, MemberRoutes.Route> routes() {
        Map<String, MemberRoutes.Route> routes = new LinkedHashMap<>();
        routes.put("GET /projects", (caller, event) -> ApiResponses.json(200,
                Map.of("projects", store.projects(caller.companyId()).stream().map(Project::view).toList())));
        routes.put("POST /projects", (caller, event) -> {
            // A member may cap a project they start (a cap only limits spending); raising or removing it is an admin's.
            ProjectChange change = ProjectChange.forCreate(ApiRequests.jsonBody(event));
            return ApiResponses.json(201, store.create(caller.companyId(), change).view());
        });
        routes.put("GET /projects/{id}", (caller, event) -> ApiResponses.json(200, find(caller, MemberRoutes.pathId(event)).view()));
        routes.put("PATCH /projects/{id}", (caller, event) -> {
            ProjectChange change = ProjectChange.forUpdate(ApiRequests.jsonBody(event));
            if (change.needsAdmin()) {
                caller.requireAdmin();
            }
            String projectId = find(caller, MemberRoutes.pathId(event)).projectId();
            return ApiResponses.json(200, store.update(caller.companyId(), projectId, change).view());
        });
        return routes;
    }

    private Project find(TenantContext caller, String projectId) {
        return store.project(caller.companyId(), projectId).orElseThrow(() -> ApiException.notFound("Project " + projectId));
    }
}
