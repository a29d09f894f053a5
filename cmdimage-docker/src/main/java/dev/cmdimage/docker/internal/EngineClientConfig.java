package dev.cmdimage.docker.internal;

import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import java.net.URI;

/**
 * A docker-java client configuration holding only what cmdimage decided: the address, the API version and TLS.
 * Unlike docker-java's default configuration it reads no file and no environment, and carries no credentials
 * (they are passed per push).
 *
 * <p>docker-java's {@code DockerClientConfig} still speaks its deprecated {@code core.SSLConfig}; there is no other
 * way to hand it TLS settings.
 */
@SuppressWarnings("deprecation")
public final class EngineClientConfig implements DockerClientConfig {
    private final URI host;
    private final RemoteApiVersion apiVersion;
    private final SSLConfig sslConfig;

    public EngineClientConfig(URI host, RemoteApiVersion apiVersion, SSLConfig sslConfig) {
        this.host = host;
        this.apiVersion = apiVersion;
        this.sslConfig = sslConfig;
    }

    @Override
    public URI getDockerHost() {
        return host;
    }

    @Override
    public RemoteApiVersion getApiVersion() {
        return apiVersion;
    }

    @Override
    public String getRegistryUsername() {
        return null;
    }

    @Override
    public String getRegistryPassword() {
        return null;
    }

    @Override
    public String getRegistryEmail() {
        return null;
    }

    @Override
    public String getRegistryUrl() {
        return null;
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
        return new AuthConfig();
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
        return new AuthConfigurations();
    }

    @Override
    public SSLConfig getSSLConfig() {
        return sslConfig;
    }
}
