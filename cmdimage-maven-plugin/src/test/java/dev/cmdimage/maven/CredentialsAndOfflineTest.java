package dev.cmdimage.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import dev.cmdimage.spi.RegistryPusher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.junit.jupiter.api.Test;

class CredentialsAndOfflineTest {
    private static final RegistryCredentials DOCKER = RegistryCredentials.basic("docker-user", "docker-secret");
    private static final CredentialsProvider DOCKER_CONFIG = r -> r.equals("docker.io") ? Optional.of(DOCKER)
            : Optional.empty();

    @Test
    void theServerWhoseIdIsTheRegistryHostGivesItsDecryptedPasswordOtherRegistriesAskDockersConfig()
            throws Exception {
        Settings settings = settings(server("localhost:5000", "me", "{encrypted}"), server("other", null, null));
        CredentialsProvider p = new MavenServers(settings, decrypter(List.of())).credentials(DOCKER_CONFIG);

        assertThat(p.find("LOCALHOST:5000")).contains(RegistryCredentials.basic("me", "decrypted"));
        assertThat(p.find("docker.io")).contains(DOCKER);
        assertThat(p.find("other")).isEmpty(); // no password: not credentials
        assertThat(p.find("localhost:5001")).isEmpty();
        assertThat(p.toString()).contains("localhost:5000").doesNotContain("decrypted").doesNotContain("encrypted}");
    }

    @Test
    void aPasswordThatCannotBeDecryptedFailsNamingTheServerNotTheSecret() {
        Settings settings = settings(server("registry.example.com", "me", "{broken}"));
        SettingsProblem problem = new org.apache.maven.settings.building.DefaultSettingsProblem(
                "Failed to decrypt password for server registry.example.com: bad master password",
                SettingsProblem.Severity.ERROR, "server: registry.example.com", -1, -1, null);

        assertThatThrownBy(() -> new MavenServers(settings, decrypter(List.of(problem))).credentials(DOCKER_CONFIG))
                .hasMessageContaining("settings.xml: Failed to decrypt password for server registry.example.com")
                .hasMessageNotContaining("{broken}");
    }

    @Test
    void offlineOnlyLoopbackRegistriesArePushedTo() throws Exception {
        List<String> pushed = new ArrayList<>();
        RegistryPusher real = (ref, progress, cancellation) -> {
            pushed.add(ref.toString());
            return "sha256:0";
        };
        OfflinePusher offline = new OfflinePusher(real);

        for (String ok : List.of("localhost:5000/a:t", "127.0.0.1:5001/a:t", "[::1]:5000/a:t")) {
            offline.push(ImageRef.parse(ok), l -> { }, new Cancellation());
        }
        assertThatThrownBy(() -> offline.push(ImageRef.parse("registry.example.com/a:t"), l -> { },
                new Cancellation()))
                .isInstanceOf(PushException.class)
                .hasMessage("Maven is offline (-o): not pushing to registry.example.com, which is not on this machine");
        assertThat(pushed).hasSize(3).noneMatch(r -> r.contains("example"));
        assertThat(OfflinePusher.loopback("localhost.example.com")).isFalse();
        assertThat(OfflinePusher.loopback("127.0.0.1.nip.io:80")).isFalse();
    }

    private static Server server(String id, String user, String password) {
        Server s = new Server();
        s.setId(id);
        s.setUsername(user);
        s.setPassword(password);
        return s;
    }

    private static Settings settings(Server... servers) {
        Settings s = new Settings();
        for (Server server : servers) {
            s.addServer(server);
        }
        return s;
    }

    /** Replaces {encrypted} by "decrypted", as Maven's decrypter does with a master password, with the problems. */
    private static SettingsDecrypter decrypter(List<SettingsProblem> problems) {
        return new SettingsDecrypter() {
            @Override
            public SettingsDecryptionResult decrypt(SettingsDecryptionRequest request) {
                List<Server> out = new ArrayList<>();
                for (Server s : request.getServers()) {
                    Server c = s.clone();
                    if ("{encrypted}".equals(c.getPassword())) {
                        c.setPassword("decrypted");
                    }
                    out.add(c);
                }
                return new SettingsDecryptionResult() {
                    @Override
                    public Server getServer() {
                        return out.isEmpty() ? null : out.get(0);
                    }

                    @Override
                    public List<Server> getServers() {
                        return out;
                    }

                    @Override
                    public org.apache.maven.settings.Proxy getProxy() {
                        return null;
                    }

                    @Override
                    public List<org.apache.maven.settings.Proxy> getProxies() {
                        return List.of();
                    }

                    @Override
                    public List<SettingsProblem> getProblems() {
                        return problems;
                    }
                };
            }
        };
    }

}
