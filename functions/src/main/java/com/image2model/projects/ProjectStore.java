package com.image2model.projects;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.image2model.platform.ApiException;
import com.image2model.platform.TableKeys;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import static com.image2model.platform.DynamoItems.n;
import static com.image2model.platform.DynamoItems.num;
import static com.image2model.platform.DynamoItems.optNum;
import static com.image2model.platform.DynamoItems.s;
import static com.image2model.platform.DynamoItems.str;

/**
 * Projects in the company's partition: {@code PROJECT#<id>} (see {@link TableKeys#project}; the
 * credits keep its {@code committed} and {@code spent} counters) and {@code PROJECTNAME#<name key>},
 * the claim that keeps two projects of a company from sharing a name. A project and its name claim
 * are written in one transaction. "General" is written the first time it is needed.
 */
public final class ProjectStore {

    private static final String NAME = "PROJECTNAME#";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;

    public ProjectStore(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    /** The company's project, read consistently (General even before it was written); empty for ids it does not have. */
    public Optional<Project> project(String companyId, String projectId) {
        if (!Project.wellFormed(projectId)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = item(companyId, projectId);
        if (item == null || str(item, "name") == null) {
            return projectId.equals(Project.GENERAL) ? Optional.of(withCounters(Project.general(now()), item)) : Optional.empty();
        }
        return Optional.of(toProject(item));
    }

    /** The project work will draw on, General written first if it never was (its budget condition needs the item). */
    public Project forWork(String companyId, String projectId) {
        if (!Project.wellFormed(projectId)) {
            throw ApiException.notFound("Project " + projectId);
        }
        Map<String, AttributeValue> item = item(companyId, projectId);
        if (item != null && str(item, "name") != null) {
            return toProject(item);
        }
        if (!projectId.equals(Project.GENERAL)) {
            throw ApiException.notFound("Project " + projectId);
        }
        // Once per company: the first job in General writes its item.
        ensureGeneral(companyId);
        return project(companyId, projectId).orElseThrow();
    }

    private Map<String, AttributeValue> item(String companyId, String projectId) {
        Map<String, AttributeValue> item = db.getItem(g -> g.tableName(table).key(key(companyId, TableKeys.project(projectId)))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** All of the company's projects: General first, then by name. */
    public List<Project> projects(String companyId) {
        List<Project> projects = new ArrayList<>();
        db.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("PK = :pk AND begins_with(SK, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.company(companyId)), ":p", s(TableKeys.project("")))))
                .items().forEach(item -> {
                    if (str(item, "name") != null) {
                        projects.add(toProject(item));
                    }
                });
        if (projects.stream().noneMatch(p -> p.projectId().equals(Project.GENERAL))) {
            projects.add(Project.general(now()));
        }
        projects.sort(Comparator.comparing((Project p) -> !p.projectId().equals(Project.GENERAL))
                .thenComparing(p -> ProjectChange.nameKey(p.name())));
        return projects;
    }

    /** A new project with its name claimed; 409 {@code project_exists} when the company has one of that name. */
    public Project create(String companyId, ProjectChange change) {
        if (projects(companyId).size() >= Project.MAX_PROJECTS) {
            throw ApiException.conflict("too_many_projects", "A company may have " + Project.MAX_PROJECTS
                    + " projects, archived ones included. Rename an archived project and use it again.");
        }
        if (ProjectChange.nameKey(change.name()).equals(ProjectChange.nameKey(Project.GENERAL_NAME))) {
            throw nameTaken(change.name());
        }
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String projectId = "p" + HexFormat.of().formatHex(random);
        String at = now();
        Map<String, AttributeValue> item = new HashMap<>(key(companyId, TableKeys.project(projectId)));
        item.put("projectId", s(projectId));
        item.put("name", s(change.name()));
        if (change.client() != null) {
            item.put("client", s(change.client()));
        }
        if (change.budget() != null) {
            item.put("budget", n(change.budget()));
        }
        item.put("committed", n(0));
        item.put("spent", n(0));
        item.put("createdAt", s(at));
        item.put("updatedAt", s(at));
        try {
            db.transactWriteItems(t -> t.transactItems(put(item), put(nameClaim(companyId, change.name(), projectId))));
        } catch (TransactionCanceledException e) {
            throw nameTaken(change.name());
        }
        return toProject(item);
    }

    /**
     * Applies a change to a project, against the version read: a rename moves the name claim in the
     * same transaction; a concurrent change makes it 409 {@code project_changed} (read and try again).
     */
    public Project update(String companyId, String projectId, ProjectChange change) {
        Project read = project(companyId, projectId).orElseThrow(() -> ApiException.notFound("Project " + projectId));
        boolean general = read.projectId().equals(Project.GENERAL);
        if (general && change.name() != null && !change.name().equals(read.name())) {
            throw ApiException.conflict("general_project", "General is where jobs go when no project is chosen: it keeps its name.");
        }
        if (general && Boolean.TRUE.equals(change.archived())) {
            throw ApiException.conflict("general_project", "General is where jobs go when no project is chosen: it cannot be archived.");
        }
        if (general) {
            ensureGeneral(companyId);
        }
        Project current = general ? project(companyId, projectId).orElseThrow() : read;
        String at = now();
        Map<String, String> names = new HashMap<>(Map.of("#name", "name"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":at", s(at), ":seen", s(current.updatedAt())));
        List<String> set = new ArrayList<>(List.of("updatedAt = :at"));
        List<String> remove = new ArrayList<>();
        boolean renamed = change.name() != null && !change.name().equals(current.name());
        if (renamed) {
            set.add("#name = :name");
            values.put(":name", s(change.name()));
        }
        if (change.clientGiven()) {
            if (change.client() == null) {
                remove.add("client");
            } else {
                set.add("client = :client");
                values.put(":client", s(change.client()));
            }
        }
        if (change.budgetGiven()) {
            if (change.budget() == null) {
                remove.add("budget");
            } else {
                set.add("budget = :budget");
                values.put(":budget", n(change.budget()));
            }
        }
        if (change.archived() != null) {
            if (change.archived()) {
                set.add("archivedAt = if_not_exists(archivedAt, :at)");
            } else {
                remove.add("archivedAt");
            }
        }
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(companyId, TableKeys.project(current.projectId())))
                .updateExpression(expression).conditionExpression("attribute_exists(#name) AND updatedAt = :seen")
                .expressionAttributeNames(names).expressionAttributeValues(values)).build());
        boolean sameKey = renamed && ProjectChange.nameKey(change.name()).equals(ProjectChange.nameKey(current.name()));
        if (renamed && !sameKey) {
            if (ProjectChange.nameKey(change.name()).equals(ProjectChange.nameKey(Project.GENERAL_NAME))) {
                throw nameTaken(change.name());
            }
            writes.add(put(nameClaim(companyId, change.name(), current.projectId())));
            writes.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(companyId, NAME
                    + ProjectChange.nameKey(current.name())))).build());
        }
        try {
            db.transactWriteItems(t -> t.transactItems(writes));
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().size() > 1 && "ConditionalCheckFailed".equals(e.cancellationReasons().get(1).code())) {
                throw nameTaken(change.name());
            }
            throw ApiException.conflict("project_changed", "Someone changed this project a moment ago: reload it and try again.");
        }
        return project(companyId, current.projectId()).orElseThrow();
    }

    private void ensureGeneral(String companyId) {
        String at = now();
        Map<String, AttributeValue> values = Map.of(":name", s(Project.GENERAL_NAME), ":id", s(Project.GENERAL), ":at", s(at),
                ":zero", n(0));
        try {
            // An update, not a put: the credits may have counted on the item already (a release writes its counters unconditionally).
            db.updateItem(u -> u.tableName(table).key(key(companyId, TableKeys.project(Project.GENERAL)))
                    .updateExpression("SET #name = :name, projectId = :id, createdAt = :at, updatedAt = :at,"
                            + " committed = if_not_exists(committed, :zero), spent = if_not_exists(spent, :zero)")
                    .conditionExpression("attribute_not_exists(#name)").expressionAttributeNames(Map.of("#name", "name"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException written) {
            // There already.
        }
    }

    private Map<String, AttributeValue> nameClaim(String companyId, String name, String projectId) {
        Map<String, AttributeValue> claim = new HashMap<>(key(companyId, NAME + ProjectChange.nameKey(name)));
        claim.put("projectId", s(projectId));
        return claim;
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(PK)")).build();
    }

    private static ApiException nameTaken(String name) {
        return ApiException.conflict("project_exists", "There is already a project called \"" + name + "\": choose another name.");
    }

    private static Project toProject(Map<String, AttributeValue> item) {
        return new Project(str(item, "projectId"), str(item, "name"), str(item, "client"), optNum(item, "budget"), num(item, "committed"),
                num(item, "spent"), str(item, "archivedAt"), str(item, "createdAt"), str(item, "updatedAt"));
    }

    private static Project withCounters(Project general, Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return general;
        }
        return new Project(general.projectId(), general.name(), null, null, num(item, "committed"), num(item, "spent"), null,
                general.createdAt(), general.updatedAt());
    }

    private String now() {
        return clock.instant().toString();
    }

    private static Map<String, AttributeValue> key(String companyId, String sk) {
        return Map.of("PK", s(TableKeys.company(companyId)), "SK", s(sk));
    }
}
