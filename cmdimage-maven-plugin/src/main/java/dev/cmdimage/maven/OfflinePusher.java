package dev.cmdimage.maven;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.RegistryPusher;
import java.util.function.Consumer;

/**
 * What Maven's offline mode ({@code -o}) allows of a pusher: pushes to a registry on this machine (loopback:
 * {@code localhost}, {@code 127.x.x.x}, {@code [::1]}); a push anywhere else fails, naming the registry and
 * {@code -o}, without a connection being made.
 */
final class OfflinePusher implements RegistryPusher {
    private final RegistryPusher pusher;

    OfflinePusher(RegistryPusher pusher) {
        this.pusher = pusher;
    }

    @Override
    public String push(ImageRef ref, Consumer<String> progress, Cancellation cancellation) throws PushException {
        if (!loopback(ref.domain())) {
            throw new OfflineException("Maven is offline (-o): not pushing to " + ref.domain() + ", which is not on"
                    + " this machine", ref.toString());
        }
        return pusher.push(ref, progress, cancellation);
    }

    @Override
    public String describePush(ImageRef ref) {
        return pusher.describePush(ref);
    }

    /** Whether {@code domain} ({@code host} or {@code host:port}) names this machine. */
    static boolean loopback(String domain) {
        String host = domain;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(1, end);
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.equalsIgnoreCase("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
                || host.equals("::1");
    }

    /** A push refused because Maven is offline. */
    static final class OfflineException extends PushException {
        private static final long serialVersionUID = 1L;

        OfflineException(String message, String ref) {
            super(message, ref);
        }
    }

    @Override
    public String toString() {
        return "OfflinePusher[" + pusher + "]";
    }
}
