package dev.cmdimage.core.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Named pipes for tests of what must never block on one. */
public final class Fifos {
    private Fifos() {}

    /** Makes a FIFO at {@code path} with {@code mkfifo}. */
    public static void make(Path path) throws IOException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mkfifo " + path + " did not finish in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for mkfifo " + path);
        }
        if (p.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " exited with " + p.exitValue());
        }
    }
}
