package dev.cmdimage.core.internal.registryhttp;

import java.net.URI;
import java.net.URISyntaxException;

/** What a registry's address ({@code host[:port]}) must look like for the HTTP pusher to connect to it. */
public final class RegistryAddress {
    private RegistryAddress() {
    }

    /**
     * Why the pusher cannot connect to {@code domain}, or {@code null} when it can. The JDK's HTTP client takes a
     * host only as {@link URI} parses it: an IPv4 address with four numbers, an IPv6 address in brackets, or a
     * name whose last label starts with a letter. Short forms that some tools accept ({@code 127.1}) are not
     * addresses to it.
     */
    public static String problem(String domain) {
        String host = PushSettings.hostOf(domain);
        URI uri;
        try {
            uri = new URI("http://" + domain + "/");
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null) {
            return "\"" + host + "\" is neither an IP address nor a host name whose last label starts with a letter,"
                    + " so the registry client cannot connect to it; write the address in full (e.g. 127.0.0.1)";
        }
        if (uri.getPort() > 65535) {
            return "port " + uri.getPort() + " is not a TCP port (1 to 65535)";
        }
        return null;
    }
}
