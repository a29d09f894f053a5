package dev.cmdimage.testing;

import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link CredentialsProvider} holding credentials per registry in memory: records every registry asked for, and
 * fails on demand (as a missing credential helper would). Thread-safe.
 *
 * <pre>{@code
 * FakeCredentialsProvider credentials = new FakeCredentialsProvider().basic(registry.host(), "alice", "s3cret");
 * ...
 * assertThat(credentials.lookups()).containsExactly(registry.host());
 * }</pre>
 */
public final class FakeCredentialsProvider implements CredentialsProvider {
    private final Map<String, RegistryCredentials> credentials = new ConcurrentHashMap<>();
    private final Map<String, CredentialsException> failures = new ConcurrentHashMap<>();
    private final List<String> lookups = new CopyOnWriteArrayList<>();

    /** Answers {@code registry} (as in a ref: {@code localhost:5000}, {@code docker.io}) with {@code creds}. */
    public FakeCredentialsProvider put(String registry, RegistryCredentials creds) {
        credentials.put(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(creds, "creds"));
        return this;
    }

    /** Answers {@code registry} with a user name and password. */
    public FakeCredentialsProvider basic(String registry, String username, String password) {
        return put(registry, RegistryCredentials.basic(username, password));
    }

    /** Makes lookups of {@code registry} throw {@code e}. */
    public FakeCredentialsProvider fail(String registry, CredentialsException e) {
        failures.put(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(e, "e"));
        return this;
    }

    /** Every registry asked for, in order. */
    public List<String> lookups() {
        return List.copyOf(lookups);
    }

    @Override
    public Optional<RegistryCredentials> find(String registry) throws CredentialsException {
        lookups.add(registry);
        CredentialsException failure = failures.get(registry);
        if (failure != null) {
            throw failure;
        }
        return Optional.ofNullable(credentials.get(registry));
    }

    /** Names the registries it knows, never a secret. */
    @Override
    public String toString() {
        return "FakeCredentialsProvider" + credentials.keySet();
    }
}
