package com.image2model.generation;

import java.util.Locale;

/** Which side of the object a view shows; a model of several views has a front and up to three others. */
public enum ViewRole {
    FRONT, LEFT, BACK, RIGHT;

    /** As the API and the catalog spell it. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role of a word ({@code front}, {@code left}...), or null for anything else. */
    public static ViewRole of(String word) {
        for (ViewRole role : values()) {
            if (role.word().equals(word)) {
                return role;
            }
        }
        return null;
    }
}
