package com.image2model.platform;

import org.slf4j.MDC;

/** The keys every log line of an invocation carries where they are known (Powertools writes MDC keys into each line). */
public final class LogKeys {

    public static final String COMPANY = "company_id";
    public static final String JOB = "job_id";
    public static final String FILE = "file_id";

    private LogKeys() {
    }

    public static void company(String companyId) {
        put(COMPANY, companyId);
    }

    public static void job(String companyId, String jobId, String fileId) {
        put(COMPANY, companyId);
        put(JOB, jobId);
        put(FILE, fileId);
    }

    private static void put(String key, String value) {
        if (value != null && !value.isBlank()) {
            MDC.put(key, value);
        }
    }
}
