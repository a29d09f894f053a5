package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs openssl in a directory to make test keys and certificates; skips (fails with CI=true) without openssl. */
final class Openssl {
    private final Path dir;

    Openssl(Path dir) {
        boolean have = List.of("/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl").stream()
                .anyMatch(p -> Files.isExecutable(Path.of(p)));
        if (!have && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("openssl is needed to make test certificates and CI=true");
        }
        assumeTrue(have, "openssl is needed to make test certificates");
        this.dir = dir;
    }

    /** Runs {@code openssl args...} in the directory; fails the test unless it exits 0. */
    void run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", cmd, out).isZero();
    }

    /** A self-signed CA: {@code name.pem} and {@code name-key.pem}. */
    void ca(String name) throws Exception {
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".pem",
                "-days", "2", "-subj", "/CN=" + name);
    }

    /**
     * A certificate {@code name.pem} with key {@code name-key.pem} (RSA, PKCS#8) signed by CA {@code ca}, valid for
     * {@code days} (-1: expired), with the extensions in {@code ext} (e.g. {@code subjectAltName=IP:127.0.0.1}).
     */
    void cert(String name, String ca, int days, String ext) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), ext + "\n");
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr",
                "-subj", "/CN=" + name);
        run("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + "-key.pem", "-CAcreateserial",
                "-out", name + ".pem", "-days", String.valueOf(days), "-extfile", name + ".ext");
    }
}
