package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.core.internal.oci.Digests;
import dev.cmdimage.core.internal.registryhttp.Challenge;
import dev.cmdimage.core.internal.registryhttp.CredentialMask;
import dev.cmdimage.core.internal.registryhttp.PushSettings;
import dev.cmdimage.core.internal.registryhttp.RegistryAddress;
import dev.cmdimage.core.internal.registryhttp.RegistryAuthenticator;
import dev.cmdimage.core.internal.registryhttp.VerifyingInputStream;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            registry-1.docker.io | auth.docker.io      | true
            docker.io            | auth.docker.io      | true
            registry.gitlab.com  | gitlab.com          | true
            registry.example.com | gitlab.example.com  | true
            ghcr.io              | ghcr.io             | true
            example.com          | auth.example.com    | true
            127.0.0.1            | 127.0.0.1           | true
            Registry.Example.COM | registry.example.com | true
            127.0.0.1            | localhost           | false
            localhost            | 127.0.0.1           | false
            10.0.0.5             | 10.0.0.6            | false
            ghcr.io              | evil.io             | false
            example.com          | auth.example.org    | false
            registry.example.com | example.com.evil.net | false
            registry.example.com | evilexample.com     | false
            [::1]                | localhost           | false
            """)
    void credentialsGoOnlyToATokenServiceOnTheRegistrysHostOrDomain(String registry, String realm, boolean allowed) {
        assertThat(RegistryAuthenticator.mayReceiveCredentials(registry, realm)).isEqualTo(allowed);
    }

    @Test
    void onlyPullAndPushOnTheRepositoryAreWithinAPush() {
        assertThat(RegistryAuthenticator.withinPush("repository:team/app:pull,push", "team/app")).isTrue();
        assertThat(RegistryAuthenticator.withinPush("repository:team/app:pull", "team/app")).isTrue();
        assertThat(RegistryAuthenticator.withinPush(" repository:team/app:push  repository:team/app:pull ", "team/app"))
                .isTrue();

        assertThat(RegistryAuthenticator.withinPush("repository:team/app:*", "team/app")).isFalse();
        assertThat(RegistryAuthenticator.withinPush("repository:team/app:pull,delete", "team/app")).isFalse();
        assertThat(RegistryAuthenticator.withinPush("repository:team/other:pull", "team/app")).isFalse();
        assertThat(RegistryAuthenticator.withinPush("repository:team/app:pull registry:catalog:*", "team/app"))
                .isFalse();
        assertThat(RegistryAuthenticator.withinPush("registry:catalog:*", "team/app")).isFalse();
        assertThat(RegistryAuthenticator.withinPush("repository:team/app", "team/app")).isFalse();
    }

    @Test
    void theMaskHidesEveryFormOfTheCredentialsAndTheTokensReceived() {
        String secret = "p@ss w0rd+/=";
        CredentialMask mask = new CredentialMask(RegistryCredentials.basic("bob", secret));
        String basic = Base64.getEncoder().encodeToString(("bob:" + secret).getBytes(StandardCharsets.UTF_8));
        mask.add("tok-123456");

        String masked = mask.mask("Authorization: Basic " + basic + "; form: refresh_token=p%40ss+w0rd%2B%2F%3D;"
                + " raw " + secret + "; unpadded " + basic.replaceAll("=+$", "") + "; Bearer tok-123456; user bob");

        assertThat(masked).isEqualTo("Authorization: Basic <redacted>; form: refresh_token=<redacted>; raw"
                + " <redacted>; unpadded <redacted>; Bearer <redacted>; user bob");
        assertThat(new CredentialMask(null).mask("nothing to hide")).isEqualTo("nothing to hide");
        assertThat(mask.toString()).doesNotContain(secret).doesNotContain("tok-123456");
    }

    @Test
    void registryAddressesTheHttpClientCannotUseAreNamed() {
        assertThat(RegistryAddress.problem("127.0.0.1:5000")).isNull();
        assertThat(RegistryAddress.problem("localhost:5000")).isNull();
        assertThat(RegistryAddress.problem("[::1]:5000")).isNull();
        assertThat(RegistryAddress.problem("registry-1.docker.io")).isNull();
        assertThat(RegistryAddress.problem("kind-registry:5000")).isNull();

        assertThat(RegistryAddress.problem("127.1:5000")).startsWith("\"127.1\" is neither an IP address nor a host"
                + " name whose last label starts with a letter");
        assertThat(RegistryAddress.problem("10.0.0.300")).startsWith("\"10.0.0.300\" is neither");
        assertThat(RegistryAddress.problem("registry.example.1abc:5000")).startsWith("\"registry.example.1abc\"");
        assertThat(RegistryAddress.problem("localhost:99999")).isEqualTo("port 99999 is not a TCP port (1 to 65535)");
    }
}
