package org.facemask.testing;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What Java cannot make on its own: FIFOs, names whose bytes are not UTF-8. */
public final class Shell {
    private Shell() {
    }

    /** Runs a /bin/sh script with arguments ($1, $2, ...) and requires it to succeed. */
    public static void run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, p.waitFor(), script);
    }
}
