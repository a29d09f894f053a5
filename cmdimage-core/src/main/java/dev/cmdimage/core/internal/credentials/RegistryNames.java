package dev.cmdimage.core.internal.credentials;

import java.util.Locale;
import java.util.Set;

/** How the Docker config names registries: keys may be bare hosts or URLs, and Docker Hub has several names. */
public final class RegistryNames {
    /** The key {@code docker login} uses for Docker Hub, and the server URL credential helpers know it by. */
    public static final String HUB_SERVER_ADDRESS = "https://index.docker.io/v1/";

    private static final Set<String> HUB_HOSTS =
            Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

    private RegistryNames() {}

    /**
     * The host part of a config key or a registry: scheme and path removed, e.g. {@code https://index.docker.io/v1/}
     * gives {@code index.docker.io}, {@code localhost:5000} stays.
     */
    public static String hostname(String keyOrRegistry) {
        String s = keyOrRegistry.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            s = s.substring("https://".length());
        } else if (lower.startsWith("http://")) {
            s = s.substring("http://".length());
        }
        int slash = s.indexOf('/');
        return slash < 0 ? s : s.substring(0, slash);
    }

    /** Whether the key or registry names Docker Hub under any of its aliases. */
    public static boolean isHub(String keyOrRegistry) {
        return HUB_HOSTS.contains(hostname(keyOrRegistry).toLowerCase(Locale.ROOT));
    }

    /** Whether two keys or registries name the same registry (Docker Hub aliases are one registry). */
    public static boolean same(String a, String b) {
        if (isHub(a) || isHub(b)) {
            return isHub(a) && isHub(b);
        }
        return hostname(a).equalsIgnoreCase(hostname(b));
    }

    /** The server address a registry is stored under by {@code docker login}: the Hub URL, or the bare host. */
    public static String serverAddress(String registry) {
        return isHub(registry) ? HUB_SERVER_ADDRESS : hostname(registry);
    }
}
