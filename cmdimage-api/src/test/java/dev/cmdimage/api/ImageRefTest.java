package dev.cmdimage.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageRefTest {
    private static final String HEX64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # input                              | domain          | path              | tag     | familiar form              | full form
            busybox                              | docker.io       | library/busybox   | -       | busybox                    | docker.io/library/busybox
            busybox:1.36                         | docker.io       | library/busybox   | 1.36    | busybox:1.36               | docker.io/library/busybox:1.36
            library/busybox                      | docker.io       | library/busybox   | -       | busybox                    | docker.io/library/busybox
            docker.io/busybox                    | docker.io       | library/busybox   | -       | busybox                    | docker.io/library/busybox
            docker.io/library/busybox:latest     | docker.io       | library/busybox   | latest  | busybox:latest             | docker.io/library/busybox:latest
            index.docker.io/library/busybox      | docker.io       | library/busybox   | -       | busybox                    | docker.io/library/busybox
            index.docker.io/foo/bar              | docker.io       | foo/bar           | -       | foo/bar                    | docker.io/foo/bar
            user/repo:v2                         | docker.io       | user/repo         | v2      | user/repo:v2               | docker.io/user/repo:v2
            library/foo/bar                      | docker.io       | library/foo/bar   | -       | library/foo/bar            | docker.io/library/foo/bar
            localhost/x                          | localhost       | x                 | -       | localhost/x                | localhost/x
            localhost:5000/x                     | localhost:5000  | x                 | -       | localhost:5000/x           | localhost:5000/x
            localhost:5000/x:tilt-1              | localhost:5000  | x                 | tilt-1  | localhost:5000/x:tilt-1    | localhost:5000/x:tilt-1
            [::1]:5000/x                         | [::1]:5000      | x                 | -       | [::1]:5000/x               | [::1]:5000/x
            127.0.0.1:5000/a/b                   | 127.0.0.1:5000  | a/b               | -       | 127.0.0.1:5000/a/b         | 127.0.0.1:5000/a/b
            gcr.io/foo/bar:dev                   | gcr.io          | foo/bar           | dev     | gcr.io/foo/bar:dev         | gcr.io/foo/bar:dev
            my.registry.example:443/a/b/c        | my.registry.example:443 | a/b/c     | -       | my.registry.example:443/a/b/c | my.registry.example:443/a/b/c
            Foo/bar                              | Foo             | bar               | -       | Foo/bar                    | Foo/bar
            localhost:5000                       | docker.io       | library/localhost | 5000    | localhost:5000             | docker.io/library/localhost:5000
            a_b-c__d/e.f---g                     | docker.io       | a_b-c__d/e.f---g  | -       | a_b-c__d/e.f---g           | docker.io/a_b-c__d/e.f---g
            """)
    void parsesAndNormalizes(String input, String domain, String path, String tag, String familiar, String full) {
        ImageRef ref = ImageRef.parse(input);
        assertThat(ref.domain()).isEqualTo(domain);
        assertThat(ref.path()).isEqualTo(path);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.digest()).isNull();
        assertThat(ref.familiarString()).isEqualTo(familiar);
        assertThat(ref.toString()).isEqualTo(familiar);
        assertThat(ref.fullString()).isEqualTo(full);
        // the familiar form parses back to the same ref
        assertThat(ImageRef.parse(familiar)).isEqualTo(ref);
    }

    @Test
    void digests() {
        ImageRef d = ImageRef.parse("busybox@sha256:" + HEX64);
        assertThat(d.tag()).isNull();
        assertThat(d.digest()).isEqualTo("sha256:" + HEX64);
        assertThat(d.familiarString()).isEqualTo("busybox@sha256:" + HEX64);
        assertThat(d.isTaggedOrDigested()).isTrue();

        ImageRef both = ImageRef.parse("localhost:5000/app:v1@sha256:" + HEX64);
        assertThat(both.domain()).isEqualTo("localhost:5000");
        assertThat(both.tag()).isEqualTo("v1");
        assertThat(both.digest()).isEqualTo("sha256:" + HEX64);
        assertThat(both.fullString()).isEqualTo("localhost:5000/app:v1@sha256:" + HEX64);
        assertThat(both.withTag("v2").toString()).isEqualTo("localhost:5000/app:v2");
        assertThat(both.withoutTag().toString()).isEqualTo("localhost:5000/app");
        assertThat(ImageRef.parse("busybox").isTaggedOrDigested()).isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Foo Bar                 | repository name must be lowercase
            BusyBox                 | repository name must be lowercase
            gcr.io/Foo/bar          | repository name must be lowercase
            ''                      | repository name must have at least one component
            :tag                    | repository name must have at least one component
            busybox:                | invalid tag ""
            busybox:-x              | invalid tag "-x"
            busybox@sha256:abc      | invalid digest format
            busybox@                | invalid digest format
            http://localhost/x      | invalid registry domain "http:"
            a/b//c                  | invalid reference format
            -foo                    | invalid reference format
            foo-                    | invalid reference format
            localhost:5000/         | invalid reference format
            gcr.io/foo bar          | invalid reference format
            -bad.example:5000/x     | invalid registry domain
            a_b.example/x           | invalid registry domain "a_b.example"
            """)
    void rejects(String input, String message) {
        assertThatThrownBy(() -> ImageRef.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejects64HexIdentifiers() {
        assertThatThrownBy(() -> ImageRef.parse(HEX64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot specify 64-byte hexadecimal strings");
        // 63 hex characters are a normal name
        assertThat(ImageRef.parse(HEX64.substring(1)).familiarName()).isEqualTo(HEX64.substring(1));
    }

    @Test
    void checksDigestAlgorithmsLikeGoDigest() {
        assertThatThrownBy(() -> ImageRef.parse("busybox@sha256:" + HEX64.toUpperCase()))
                .hasMessage("invalid sha256 digest \"sha256:" + HEX64.toUpperCase()
                        + "\": want 64 lowercase hex characters");
        assertThatThrownBy(() -> ImageRef.parse("busybox@sha256:" + HEX64 + "00"))
                .hasMessageContaining("want 64 lowercase hex characters");
        assertThatThrownBy(() -> ImageRef.parse("busybox@md5:0123456789abcdef0123456789abcdef"))
                .hasMessage("unsupported digest algorithm \"md5\" (supported: sha256, sha384, sha512)");
        String hex128 = HEX64 + HEX64;
        assertThat(ImageRef.parse("busybox@sha512:" + hex128).digest()).isEqualTo("sha512:" + hex128);
        assertThat(ImageRef.parse("busybox@sha384:" + hex128.substring(0, 96)).digest()).startsWith("sha384:");
        assertThatThrownBy(() -> ImageRef.parse("busybox@sha512:" + HEX64))
                .hasMessageContaining("want 128 lowercase hex characters");
    }

    @Test
    void limitsTagAndNameLength() {
        assertThat(ImageRef.isValidTag("a".repeat(128))).isTrue();
        assertThat(ImageRef.isValidTag("a".repeat(129))).isFalse();
        assertThatThrownBy(() -> ImageRef.parse("busybox:" + "a".repeat(129))).hasMessageContaining("invalid tag");
        String longPath = "a".repeat(240) + "/" + "b".repeat(10);
        assertThatThrownBy(() -> ImageRef.parse("example.com/" + longPath))
                .hasMessageContaining("must not be more than 255 characters");
    }

    @ParameterizedTest
    @CsvSource({"latest,true", "_x,true", "v1.2.3-rc_1,true", ".x,false", "-x,false", "a b,false", "a/b,false",
            "a:b,false"})
    void validTags(String tag, boolean valid) {
        assertThat(ImageRef.isValidTag(tag)).isEqualTo(valid);
    }

    @ParameterizedTest
    @CsvSource({"localhost:5000,true", "gcr.io,true", "[::1]:5000,true", "my-reg.example.com,true",
            "http://x,false", "gcr.io/x,false", "-x.com,false", "x.com:port,false"})
    void validDomains(String domain, boolean valid) {
        assertThat(ImageRef.isValidDomain(domain)).isEqualTo(valid);
    }
}
