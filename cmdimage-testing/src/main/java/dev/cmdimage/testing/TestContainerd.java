package dev.cmdimage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opentest4j.AssertionFailedError;

/**
 * The test containerd that cmdimage's {@code scripts/services.d/containerd.sh} starts (a private socket and root, no
 * CRI plugin), and the real {@code ctr} to look into it, for tests of loading images into a cluster's containerd.
 * {@link #require()} follows {@link TestServices}' rule: skip with how to start it, fail when {@code CI=true}.
 */
public final class TestContainerd {
    /** Its socket: {@code CMDIMAGE_TEST_CONTAINERD_ADDRESS}, as the services script exports it. */
    public static final String ADDRESS = env("CMDIMAGE_TEST_CONTAINERD_ADDRESS",
            "/run/cmdimage-test/containerd/containerd.sock");
    /** The namespace the kubelet's images live in. */
    public static final String NAMESPACE = "k8s.io";

    private TestContainerd() {}

    /** Skips the running test, or with {@code CI=true} fails it, unless the containerd answers {@code ctr version}. */
    public static void require() {
        String problem;
        try {
            Result r = exec(List.of("ctr", "--address", ADDRESS, "version"));
            if (r.exit == 0) {
                return;
            }
            problem = "ctr version exited " + r.exit + ": " + r.output.strip();
        } catch (IOException e) {
            problem = e.toString();
        }
        TestServices.unavailable("the test containerd at " + ADDRESS + " does not answer (" + problem + ")");
    }

    /**
     * Runs {@code ctr --address <socket> -n k8s.io <args>} (bounded: 30 seconds).
     *
     * @return its output
     * @throws AssertionFailedError unless it exits 0
     */
    public static String ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("ctr", "--address", ADDRESS, "-n", NAMESPACE));
        argv.addAll(List.of(args));
        try {
            Result r = exec(argv);
            if (r.exit != 0) {
                throw new AssertionFailedError(String.join(" ", argv) + " exited " + r.exit + ": " + r.output);
            }
            return r.output;
        } catch (IOException e) {
            throw new AssertionFailedError(String.join(" ", argv) + ": " + e, e);
        }
    }

    /** The image names in the {@code k8s.io} namespace. */
    public static List<String> imageNames() {
        return ctr("images", "ls", "-q").lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Removes the images named, when present. */
    public static void remove(String... names) {
        for (String name : names) {
            if (imageNames().contains(name)) {
                ctr("images", "rm", name);
            }
        }
    }

    private record Result(int exit, String output) {}

    private static Result exec(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv + " did not finish within 30s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
