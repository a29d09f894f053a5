package dev.cmdimage.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks for external tools a test needs: missing ones fail the test when CI=true, else skip it. */
final class Tools {
    private Tools() {}

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static void require(String... tools) {
        for (String tool : tools) {
            boolean found = false;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    found = true;
                }
            }
            String message = tool + " is not on the PATH; install it (scripts/services.sh installs it on Debian:"
                    + " source scripts/services.sh && services_start)";
            if (ci()) {
                if (!found) {
                    throw new AssertionError(message);
                }
            } else {
                assumeTrue(found, message);
            }
        }
    }
}
