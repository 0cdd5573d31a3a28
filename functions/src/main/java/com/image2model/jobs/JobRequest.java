package com.image2model.jobs;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.image2model.credits.Catalog;
import com.image2model.generation.GenerationPlan;
import com.image2model.generation.ModelOptions;
import com.image2model.generation.OptionsReader;
import com.image2model.generation.ViewRole;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.DisplayNames;
import com.image2model.projects.Project;

import tools.jackson.databind.JsonNode;

/**
 * A POST /jobs body, read and checked: a 4xx naming the field for anything malformed, before
 * anything is held or stored. Each entry of {@code files} is one model: one image, or its
 * {@code views} (1 to 4 images of one object); the job's options apply to each unless the entry
 * sets its own. Each model's price comes from the catalog by its options and views.
 */
record JobRequest(ModelOptions options, long costPerImage, String name, List<JobStore.NewFile> files, String projectId, long falCents) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The job's quality as lists show it: its preset, or "custom" for a polycount. */
    String quality() {
        return options.quality();
    }

    /** Credits the whole job holds. */
    long total() {
        return files.stream().mapToLong(JobStore.NewFile::cost).reduce(0, Math::addExact);
    }

    static JobRequest read(JsonNode body, Catalog catalog, int maxFiles, long maxFileBytes) {
        OptionsReader reader = new OptionsReader(catalog.models());
        ModelOptions options = reader.job(body);
        String name = name(body);
        JsonNode files = body.path("files");
        if (!files.isArray() || files.isEmpty() || files.size() > maxFiles) {
            throw ApiException.badRequest("invalid_files", "files must be a list of 1 to " + maxFiles + " images.");
        }
        List<JobStore.NewFile> newFiles = new ArrayList<>();
        long falCents = 0;
        for (int i = 0; i < files.size(); i++) {
            JsonNode file = files.get(i);
            String where = "files[" + i + "]";
            if (!file.isObject()) {
                throw ApiException.badRequest("invalid_file", where + " must be an object with name, contentType and size.");
            }
            ModelOptions own = reader.override(file, options, where + ".");
            List<OptionsReader.ViewRequest> views = reader.views(file, where);
            JobStore.NewFile front = newFile(views.get(0).node(), views.get(0).where(), i, maxFileBytes, null);
            List<Jobs.View> others = new ArrayList<>();
            for (OptionsReader.ViewRequest view : views.subList(1, views.size())) {
                JobStore.NewFile image = newFile(view.node(), view.where(), i, maxFileBytes, view.role());
                others.add(new Jobs.View(view.role(), image.name(), image.contentType(), image.size()));
            }
            GenerationPlan plan = catalog.models().plan(own, views.size());
            falCents += plan.falCostCents();
            String modelName = views.size() > 1 || file.has("views") ? modelName(file, front.name()) : front.name();
            newFiles.add(new JobStore.NewFile(front.fileId(), modelName, front.contentType(), front.size(), own, List.copyOf(others),
                    plan.credits()));
        }
        String project = ApiRequests.optionalText(body, "projectId", "project");
        return new JobRequest(options, catalog.models().plan(options, 1).credits(), name == null ? defaultName(newFiles) : name,
                newFiles, project == null || project.isBlank() ? Project.GENERAL : project, falCents);
    }

    /** A model of views is called by its own {@code name} when it has one, else by its front view's. */
    private static String modelName(JsonNode file, String frontName) {
        String raw = ApiRequests.optionalText(file, "name", "name");
        String name = raw == null ? null : DisplayNames.fileName(raw);
        return name == null || name.isEmpty() ? frontName : name;
    }

    /** The body's {@code name}, cleaned like every shown name; null when absent, JSON null or blank after cleaning. */
    static String name(JsonNode body) {
        if (!body.has("name") || body.get("name").isNull()) {
            return null;
        }
        if (!body.get("name").isString()) {
            throw ApiException.badRequest("invalid_name", "name must be text.");
        }
        String name = DisplayNames.text(body.get("name").asString());
        return name.isBlank() ? null : name;
    }

    /** A job nobody named is called after its first image: "chair" or "chair and 2 more". */
    static String defaultName(List<JobStore.NewFile> files) {
        String first = files.get(0).name();
        String stem = first == null ? "Images" : first.replaceFirst("\\.[A-Za-z0-9]{1,5}$", "");
        return files.size() == 1 ? stem : stem + " and " + (files.size() - 1) + " more";
    }

    private static JobStore.NewFile newFile(JsonNode file, String where, int index, long maxFileBytes, ViewRole role) {
        ImageCheck.Format format = ImageCheck.Format.ofContentType(ApiRequests.optionalText(file, "contentType", "content_type"));
        if (format == null) {
            throw ApiException.badRequest("unsupported_type", where + ": contentType must be image/jpeg, image/png or image/webp.");
        }
        long size = ApiRequests.wholeNumber(file.get("size"), where + ".size (the file's size in bytes)", "size", 1, Long.MAX_VALUE);
        if (size > maxFileBytes) {
            throw new ApiException(413, "file_too_large", where + " is " + size + " bytes; at most "
                    + maxFileBytes + " bytes (" + maxFileBytes / (1024 * 1024) + " MB) per image.");
        }
        String rawName = ApiRequests.optionalText(file, "name", "name");
        String name = rawName == null ? null : DisplayNames.fileName(rawName);
        if (name == null || name.isEmpty()) {
            name = "image-" + (index + 1) + (role == null ? "" : "-" + role.word()) + "." + format.extension();
        }
        return new JobStore.NewFile(String.format("f%03d", index + 1), name, format.contentType(), size);
    }

    static String newJobId() {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        // Time first: ids sort by creation, which gives GET /jobs its newest-first order.
        return JobStore.jobIdAt(System.currentTimeMillis(), HexFormat.of().formatHex(random));
    }
}
