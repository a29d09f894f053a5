package dev.cmdimage.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks for external tools a test needs: missing ones fail the test when CI=true, else skip it. */
final class Tools {
    private Tools() {}

    static void require(String... tools) {
        for (String tool : tools) {
            boolean found = false;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    found = true;
                }
            }
            if (!found) {
                dev.cmdimage.testing.TestServices.unavailable(tool + " is not on the PATH", "install it"
                        + " (scripts/services.sh installs it on Debian: source scripts/services.sh && services_start)");
            }
        }
    }
}
