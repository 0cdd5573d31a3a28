package com.image2model.generation;

import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

/**
 * What the catalog makes of one model's options and views: the FAL app and its input (without the
 * images), the input field of each view's image URL, the output field of the GLB, what FAL charges
 * us (US cents), its price (credits) and how long it usually takes.
 */
public record GenerationPlan(String app, ObjectNode input, Map<ViewRole, String> imageFields, String resultField, long falCostCents,
                             long credits, long typicalSeconds) {

    /** The input to send: a copy of {@link #input()} with each view's presigned image URL in its field. */
    public ObjectNode inputWith(Map<ViewRole, String> imageUrls) {
        ObjectNode out = input.deepCopy();
        imageUrls.forEach((role, url) -> {
            String field = imageFields.get(role);
            if (field == null) {
                throw new IllegalArgumentException("The plan of " + app + " takes no " + role.word() + " view");
            }
            out.put(field, url);
        });
        return out;
    }
}
