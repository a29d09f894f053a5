package dev.cmdimage.cli;

import picocli.CommandLine;

/**
 * A value of {@code --registry-cert HOST=CERT,KEY}: the client certificate (PEM, then any intermediates) and its
 * private key (PEM, PKCS#8 or RSA PKCS#1) for mutual TLS with one registry.
 *
 * @param registry    {@code host} (any port) or {@code host:port}, as in image refs
 * @param certificate the certificate file as given (relative to the working directory)
 * @param key         the key file as given (relative to the working directory)
 */
record RegistryCertOption(String registry, String certificate, String key) {
    /**
     * @throws IllegalArgumentException with a sentence saying what is expected
     */
    static RegistryCertOption parse(String text) {
        int eq = text.indexOf('=');
        int comma = text.lastIndexOf(',');
        if (eq <= 0 || comma < eq + 2 || comma == text.length() - 1) {
            throw new IllegalArgumentException("\"" + text + "\" is not HOST=CERT,KEY (e.g."
                    + " registry.example.com:5000=client.cert,client.key)");
        }
        String registry = text.substring(0, eq).trim();
        if (registry.contains("/")) {
            throw new IllegalArgumentException("\"" + registry + "\" is not a registry host[:port] (in " + text
                    + ")");
        }
        return new RegistryCertOption(registry, text.substring(eq + 1, comma), text.substring(comma + 1));
    }

    /** picocli's converter for the option. */
    static final class Converter implements CommandLine.ITypeConverter<RegistryCertOption> {
        @Override
        public RegistryCertOption convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
