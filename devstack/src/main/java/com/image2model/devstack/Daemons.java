package com.image2model.devstack;

import java.util.concurrent.ThreadFactory;

/** Threads of the devstack's servers and timers: named, and daemons, so that they never keep the JVM alive. */
public final class Daemons {

    private Daemons() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
