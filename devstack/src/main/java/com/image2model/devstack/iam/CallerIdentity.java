package com.image2model.devstack.iam;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which function is calling an AWS stand-in, as Lambda's credentials tell AWS: every function of the
 * devstack runs in this JVM with the same access key, but with a session token of its own, as each
 * Lambda has its role's session. The SDK's default credentials read {@code aws.sessionToken} from
 * the system properties on every request; here that one property answers per thread (inherited by
 * the threads a function starts), with the token of the function the thread is running.
 * The stand-ins read the token from the signed request and know the function.
 */
public final class CallerIdentity {

    static final String SESSION_TOKEN_PROPERTY = "aws.sessionToken";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();
    private static final Map<String, String> FUNCTION_BY_TOKEN = new ConcurrentHashMap<>();
    private static final Map<String, String> TOKEN_BY_FUNCTION = new ConcurrentHashMap<>();

    private CallerIdentity() {
    }

    /** System properties whose session token is the current thread's function's. */
    static final class ThreadScopedProperties extends Properties {
        ThreadScopedProperties(Properties original) {
            putAll(original);
        }

        @Override
        public String getProperty(String key) {
            if (SESSION_TOKEN_PROPERTY.equals(key)) {
                String token = CURRENT.get();
                if (token != null) {
                    return token;
                }
            }
            return super.getProperty(key);
        }

        @Override
        public String getProperty(String key, String defaultValue) {
            String value = getProperty(key);
            return value == null ? defaultValue : value;
        }
    }

    /** Makes {@code aws.sessionToken} answer per thread (once per JVM). */
    public static synchronized void install() {
        if (!(System.getProperties() instanceof ThreadScopedProperties)) {
            System.setProperties(new ThreadScopedProperties(System.getProperties()));
        }
    }

    /** The function's session token (made once, random: a caller cannot guess another function's). */
    public static String tokenOf(String functionId) {
        return TOKEN_BY_FUNCTION.computeIfAbsent(functionId, id -> {
            byte[] bytes = new byte[18];
            RANDOM.nextBytes(bytes);
            String token = "devstack-session-" + HexFormat.of().formatHex(bytes);
            FUNCTION_BY_TOKEN.put(token, id);
            return token;
        });
    }

    /** The function a request's session token belongs to; empty for none (the devstack's own clients, tools). */
    public static Optional<String> functionOf(String sessionToken) {
        return sessionToken == null ? Optional.empty() : Optional.ofNullable(FUNCTION_BY_TOKEN.get(sessionToken));
    }

    /** Runs {@code work} on this thread as {@code functionId} (the threads it starts inherit it). */
    public static <T, E extends Exception> T as(String functionId, Work<T, E> work) throws E {
        install();
        String before = CURRENT.get();
        CURRENT.set(tokenOf(functionId));
        try {
            return work.run();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** Work that may throw. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }
}
