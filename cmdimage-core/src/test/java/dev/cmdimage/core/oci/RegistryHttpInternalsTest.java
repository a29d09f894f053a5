package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.core.internal.oci.Digests;
import dev.cmdimage.core.internal.registryhttp.Challenge;
import dev.cmdimage.core.internal.registryhttp.PushSettings;
import dev.cmdimage.core.internal.registryhttp.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryHttpInternalsTest {
    @Test
    void bearerChallengeWithACommaInsideAQuotedScope() {
        List<Challenge> cs = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:samalba/my-app:pull,push\"");

        assertThat(cs).singleElement().satisfies(c -> {
            assertThat(c.scheme()).isEqualTo("bearer");
            assertThat(c.params()).isEqualTo(Map.of("realm", "https://auth.docker.io/token",
                    "service", "registry.docker.io", "scope", "repository:samalba/my-app:pull,push"));
        });
    }

    @Test
    void severalChallengesEscapesAndBareTokens() {
        List<Challenge> cs = Challenge.parse("Basic realm=\"a \\\"quoted\\\" realm\", Bearer realm=x, error=insufficient_scope");

        assertThat(cs).hasSize(2);
        assertThat(cs.get(0).scheme()).isEqualTo("basic");
        assertThat(cs.get(0).param("realm")).isEqualTo("a \"quoted\" realm");
        assertThat(cs.get(1).param("realm")).isEqualTo("x");
        assertThat(cs.get(1).param("error")).isEqualTo("insufficient_scope");
        assertThat(Challenge.parse(null)).isEmpty();
        assertThat(Challenge.parse("   ")).isEmpty();
    }

    @Test
    void loopbackAndListedHostsMayUsePlainHttp() {
        PushSettings s = new PushSettings(Set.of("registry.lan", "10.0.0.5:5000"), Duration.ofSeconds(1), 1, 1,
                Duration.ZERO);

        assertThat(s.allowsPlainHttp("127.0.0.1:5000")).isTrue();
        assertThat(s.allowsPlainHttp("127.1.2.3")).isTrue();
        assertThat(s.allowsPlainHttp("localhost:5000")).isTrue();
        assertThat(s.allowsPlainHttp("[::1]:5000")).isTrue();
        assertThat(s.allowsPlainHttp("registry.lan:443")).isTrue();
        assertThat(s.allowsPlainHttp("10.0.0.5:5000")).isTrue();

        assertThat(s.allowsPlainHttp("10.0.0.5:5001")).isFalse();
        assertThat(s.allowsPlainHttp("127.0.0.1.example.com")).isFalse();
        assertThat(s.allowsPlainHttp("128.0.0.1")).isFalse();
        assertThat(s.allowsPlainHttp("127.0.0.300")).isFalse();
        assertThat(s.allowsPlainHttp("localhost.evil.com")).isFalse();
        assertThat(s.allowsPlainHttp("docker.io")).isFalse();
    }

    @Test
    void verifyingStreamPassesGoodBytesAndRefusesOthers() throws Exception {
        byte[] good = "hello blob".getBytes();
        String digest = Digests.of(good);
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(good), digest, good.length)) {
            assertThat(in.readAllBytes()).isEqualTo(good);
        }

        byte[] bad = "hellO blob".getBytes();
        VerifyingInputStream corrupt = new VerifyingInputStream(new ByteArrayInputStream(bad), digest, good.length);
        assertThatThrownBy(() -> corrupt.transferTo(OutputStream.nullOutputStream()))
                .hasMessageContaining("is corrupt: its content hashes to " + Digests.of(bad));
        assertThat(corrupt.failure()).isNotNull();

        VerifyingInputStream shortOne = new VerifyingInputStream(new ByteArrayInputStream(good, 0, 5), digest, good.length);
        assertThatThrownBy(() -> shortOne.transferTo(OutputStream.nullOutputStream())).hasMessageContaining("has 5 bytes");

        VerifyingInputStream longOne = new VerifyingInputStream(new ByteArrayInputStream(good), digest, 5);
        assertThatThrownBy(() -> longOne.transferTo(OutputStream.nullOutputStream())).hasMessageContaining("larger than");
    }
}
