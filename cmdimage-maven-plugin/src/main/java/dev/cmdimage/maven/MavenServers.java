package dev.cmdimage.maven;

import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/** The {@code <servers>} of Maven's settings with a username and password, as registry credentials. */
final class MavenServers {
    private final Settings settings;
    private final SettingsDecrypter decrypter;

    MavenServers(Settings settings, SettingsDecrypter decrypter) {
        this.settings = settings;
        this.decrypter = decrypter;
    }

    /**
     * A provider answering from the servers (by id), then from {@code fallback}.
     *
     * @throws MojoExecutionException naming a server whose password cannot be decrypted (never the password)
     */
    CredentialsProvider credentials(CredentialsProvider fallback) throws MojoExecutionException {
        List<Server> servers = settings == null ? List.of() : settings.getServers();
        if (servers.isEmpty()) {
            return new SettingsCredentials(Map.of(), fallback);
        }
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(settings));
        for (SettingsProblem p : result.getProblems()) {
            if (p.getSeverity() != SettingsProblem.Severity.WARNING) {
                throw new MojoExecutionException("cmdimage: settings.xml: " + p.getMessage());
            }
        }
        Map<String, RegistryCredentials> byId = new LinkedHashMap<>();
        for (Server s : result.getServers()) {
            if (s.getId() != null && s.getPassword() != null && !s.getPassword().isEmpty()) {
                byId.put(s.getId(), RegistryCredentials.basic(s.getUsername(), s.getPassword()));
            }
        }
        return new SettingsCredentials(byId, fallback);
    }
}
