package com.image2model.jobs;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

import com.image2model.credits.Catalog;
import com.image2model.platform.ApiException;
import com.image2model.platform.ApiRequests;
import com.image2model.platform.DisplayNames;
import com.image2model.projects.Project;

import tools.jackson.databind.JsonNode;

/** A POST /jobs body, read and checked: a 4xx naming the field for anything malformed, before anything is held or stored. */
record JobRequest(String quality, long costPerImage, String name, List<JobStore.NewFile> files, String projectId) {

    private static final SecureRandom RANDOM = new SecureRandom();

    static JobRequest read(JsonNode body, Catalog catalog, int maxFiles, long maxFileBytes) {
        String quality = ApiRequests.optionalText(body, "quality", "quality");
        OptionalLong perImage = catalog.costPerImage(quality);
        if (perImage.isEmpty()) {
            throw ApiException.badRequest("invalid_quality", "quality must be one of " + catalog.costs().keySet() + ".");
        }
        String name = name(body);
        JsonNode files = body.path("files");
        if (!files.isArray() || files.isEmpty() || files.size() > maxFiles) {
            throw ApiException.badRequest("invalid_files", "files must be a list of 1 to " + maxFiles + " images.");
        }
        List<JobStore.NewFile> newFiles = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            newFiles.add(newFile(files.get(i), i, maxFileBytes));
        }
        String project = ApiRequests.optionalText(body, "projectId", "project");
        return new JobRequest(quality.toLowerCase(Locale.ROOT), perImage.getAsLong(), name == null ? defaultName(newFiles) : name,
                newFiles, project == null || project.isBlank() ? Project.GENERAL : project);
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

    private static JobStore.NewFile newFile(JsonNode file, int index, long maxFileBytes) {
        String where = "files[" + index + "]";
        if (!file.isObject()) {
            throw ApiException.badRequest("invalid_file", where + " must be an object with name, contentType and size.");
        }
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
            name = "image-" + (index + 1) + "." + format.extension();
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
