package dev.cmdimage.core.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.core.internal.credentials.DockerConfigFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read Docker config never shows the credentials it holds when printed (a debugger, a log line, an assertion). */
class DockerConfigFileTest {
    @Test
    void toStringNamesTheAuthsEntriesButShowsNoSecret(@TempDir Path dir) throws Exception {
        String auth = Base64.getEncoder().encodeToString("ci:s3cret-Passw0rd".getBytes(StandardCharsets.UTF_8));
        Path file = Files.writeString(dir.resolve("config.json"), "{\"auths\": {"
                + "\"localhost:5000\": {\"auth\": \"" + auth + "\"},"
                + "\"registry.example.com\": {\"identitytoken\": \"tok-0123456789\"},"
                + "\"other.example.com\": {\"username\": \"me\", \"password\": \"hunter2-hunter2\"}},"
                + "\"credHelpers\": {\"gcr.io\": \"gcloud\"}}");

        String printed = DockerConfigFile.read(file).toString();

        assertThat(printed).contains("localhost:5000", "registry.example.com", "other.example.com", "gcloud")
                .doesNotContain(auth, "s3cret-Passw0rd", "tok-0123456789", "hunter2-hunter2");
    }
}
