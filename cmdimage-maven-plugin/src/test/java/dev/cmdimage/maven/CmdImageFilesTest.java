package dev.cmdimage.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CmdImageFilesTest {
    @Test
    void byDefaultEveryYamlFileOfSrcMainCmdimageByName(@TempDir Path project) throws Exception {
        Path dir = Files.createDirectories(project.resolve("src/main/cmdimage"));
        for (String f : List.of("b.yaml", "a.yaml", "notes.txt", "c.yml")) {
            Files.writeString(dir.resolve(f), "");
        }
        Files.createDirectories(dir.resolve("d.yaml"));

        assertThat(CmdImageFiles.resolve(project, null)).containsExactly(dir.resolve("a.yaml"), dir.resolve("b.yaml"));
        assertThat(CmdImageFiles.resolve(project.resolve("elsewhere"), List.of())).isEmpty();
    }

    @Test
    void configuredFilesResolveAgainstTheProjectAndMustBeRegularFiles(@TempDir Path project) throws Exception {
        Files.writeString(project.resolve("images.yaml"), "");
        Files.createDirectories(project.resolve("dir"));

        assertThat(CmdImageFiles.resolve(project, List.of(new File("images.yaml"))))
                .containsExactly(project.resolve("images.yaml"));
        assertThatThrownBy(() -> CmdImageFiles.resolve(project, List.of(new File("missing.yaml"))))
                .hasMessage("cmdimage: <files> names missing.yaml, which does not exist");
        assertThatThrownBy(() -> CmdImageFiles.resolve(project, List.of(new File("dir"))))
                .hasMessage("cmdimage: <files> names dir, which is not a regular file");
    }
}
