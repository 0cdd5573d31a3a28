package com.image2model.platform;

/**
 * Names people give (files, jobs, companies) as they are stored and shown back: no control or
 * markup characters, no folders, at most 100 characters. The web app renders text safely, but the
 * API must not rely on every client doing so.
 */
public final class DisplayNames {

    public static final int MAX_LENGTH = 100;

    private DisplayNames() {
    }

    /** A file name: the last part of a path, cleaned. */
    public static String fileName(String raw) {
        String name = raw.replace('\\', '/');
        return text(name.substring(name.lastIndexOf('/') + 1));
    }

    /** A job or company name, cleaned ('/' becomes '_', like other characters that are not letters, digits or simple punctuation). */
    public static String text(String raw) {
        // Quotes of every kind (the single quote too) become '_': a name is never code in a page, a CSV or a shell.
        String name = raw.replaceAll("[\\p{Cntrl}]", "").replaceAll("[^\\p{L}\\p{N} ._()&\\-]", "_").replaceAll("\\s+", " ").trim();
        name = name.replaceAll("^\\.+", "");
        return name.length() > MAX_LENGTH ? name.substring(0, MAX_LENGTH).trim() : name;
    }
}
