package dev.cmdimage.core.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cmdimage.core.testing.Fifos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a path is, without following or opening it, and bounded reads of regular files only. */
class RegularFilesTest {
    @TempDir
    Path dir;

    @Test
    void kindsAreReadWithoutFollowingOrOpening() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path fifo = dir.resolve("fifo");
        Fifos.make(fifo);
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);

        assertThat(FileState.of(file).kind()).isEqualTo(FileState.Kind.REGULAR);
        assertThat(FileState.of(dir).kind()).isEqualTo(FileState.Kind.DIRECTORY);
        assertThat(FileState.of(fifo).kind()).isEqualTo(FileState.Kind.FIFO);
        assertThat(FileState.of(link).kind()).isEqualTo(FileState.Kind.SYMLINK);
        assertThat(FileState.of(Path.of("/dev/null")).kind()).isEqualTo(FileState.Kind.CHARACTER_DEVICE);
        assertThat(FileState.of(dir.resolve("nothing"))).isEqualTo(FileState.MISSING);
    }

    @Test
    void aRegularFileIsReadWithItsState() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "app:v1");

        RegularFiles.Content content = RegularFiles.read(file, 4096);

        assertThat(new String(content.bytes(), StandardCharsets.UTF_8)).isEqualTo("app:v1");
        assertThat(content.state().unchanged(FileState.of(file))).isTrue();
    }

    @Test
    void anythingButARegularFileIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Fifos.make(fifo);
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.writeString(dir.resolve("file"), "x"));

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> RegularFiles.read(fifo, 10))
                .isInstanceOfSatisfying(FileRefusedException.class, e -> assertThat(e.getReason())
                        .isEqualTo("is a FIFO (named pipe), not a regular file")));
        assertThatThrownBy(() -> RegularFiles.read(dir, 10))
                .hasMessage(dir + " is a directory, not a regular file");
        assertThatThrownBy(() -> RegularFiles.read(link, 10))
                .hasMessage(link + " is a symlink, not a regular file");
        assertThatThrownBy(() -> RegularFiles.read(Path.of("/dev/zero"), 10))
                .hasMessage("/dev/zero is a character device, not a regular file");
        assertThatThrownBy(() -> RegularFiles.read(dir.resolve("nothing"), 10))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aFileLargerThanTheLimitIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "12345678901");

        assertThatThrownBy(() -> RegularFiles.read(file, 10)).hasMessage(file + " has more than 10 bytes");
        assertThat(RegularFiles.read(file, 11).bytes()).hasSize(11);
    }

    @Test
    void aRewriteIsAChangeAndAReplacementIsAnotherFile() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "app:v1");
        FileState before = FileState.of(file);

        Files.writeString(file, "app:v2-longer");
        FileState rewritten = FileState.of(file);
        Path other = Files.writeString(dir.resolve("other"), "app:v1");
        Files.setLastModifiedTime(other, before.modified());
        Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FileState replaced = FileState.of(file);

        assertThat(rewritten.sameFile(before)).isTrue();
        assertThat(rewritten.unchanged(before)).isFalse();
        assertThat(replaced.sameFile(before)).isFalse();
        assertThat(replaced.modified()).isEqualTo(before.modified());
        assertThat(replaced.unchanged(before)).isFalse();
        assertThat(FileState.MISSING.unchanged(FileState.MISSING)).isTrue();
    }
}
