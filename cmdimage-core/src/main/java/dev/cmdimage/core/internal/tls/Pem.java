package dev.cmdimage.core.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files read with the JDK alone: X.509 certificates with {@link CertificateFactory}; private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}, RSA or EC) with {@link KeyFactory}, and RSA keys in PKCS#1 ({@code BEGIN RSA PRIVATE
 * KEY}, what {@code openssl genrsa} wrote before OpenSSL 3), which are wrapped into PKCS#8 first. Other key forms
 * ({@code EC PRIVATE KEY}, {@code ENCRYPTED PRIVATE KEY}) are refused with a sentence saying how to convert them.
 * Every failure is a {@link PemException} naming the file.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final int MAX_FILE = 1024 * 1024;
    // DER of AlgorithmIdentifier { rsaEncryption, NULL }
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {}

    /** A file that is not usable as TLS material; the message names the file and what is wrong. */
    public static final class PemException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message names the file and what is wrong with it */
        public PemException(String message) {
            super(message);
        }
    }

    /** Every certificate in {@code file} (a bundle may hold several); at least one. */
    public static List<X509Certificate> certificates(Path file) throws PemException {
        byte[] bytes = read(file);
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new PemException(file + " holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(out);
        } catch (CertificateException e) {
            throw new PemException(file + " is not a PEM X.509 certificate file: " + e.getMessage());
        }
    }

    /** The private key in {@code file}. */
    public static PrivateKey privateKey(Path file) throws PemException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new PemException(file + ": the " + type + " block is not valid base64");
            }
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(file, der);
                case "RSA PRIVATE KEY":
                    return pkcs8(file, rsaPkcs1ToPkcs8(der));
                case "EC PRIVATE KEY":
                case "ENCRYPTED PRIVATE KEY":
                    throw new PemException(file + " holds an " + type + ", which cmdimage does not read; convert it"
                            + " to an unencrypted PKCS#8 key with: openssl pkcs8 -topk8 -nocrypt -in " + file
                            + " -out KEYFILE");
                default:
                    // parameters, certificates: look further
            }
        }
        throw new PemException(file + " holds no private key (expected PEM: -----BEGIN PRIVATE KEY----- or"
                + " -----BEGIN RSA PRIVATE KEY-----)");
    }

    /** Fails unless {@code key} is the private key of {@code certificate}'s public key. */
    public static void checkPair(X509Certificate certificate, Path certificateFile, PrivateKey key, Path keyFile)
            throws PemException {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            throw new PemException(keyFile + " (" + key.getAlgorithm() + ") is not the key of " + certificateFile
                    + " (" + certificate.getPublicKey().getAlgorithm() + ")");
        }
        byte[] probe = "cmdimage client key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(certificate.getPublicKey());
            v.update(probe);
            if (!v.verify(signature)) {
                throw new PemException(keyFile + " is not the private key of the certificate in " + certificateFile);
            }
        } catch (GeneralSecurityException e) {
            throw new PemException(keyFile + " cannot be checked against " + certificateFile + ": " + e.getMessage());
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws PemException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new PemException(file + " holds a private key that is neither RSA nor EC (PKCS#8)");
    }

    /** PKCS#8 {@code PrivateKeyInfo { 0, rsaEncryption, OCTET STRING { pkcs1 } }}. */
    private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        if (length < 0x100) {
            return new byte[] {(byte) 0x81, (byte) length};
        }
        if (length < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
        }
        return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
    }

    private static byte[] read(Path file) throws PemException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new PemException(Files.exists(file) ? file + " is not a regular file" : file + " does not exist");
            }
            if (Files.size(file) > MAX_FILE) {
                throw new PemException(file + " is larger than 1 MiB; not a PEM file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PemException(file + " does not exist");
        } catch (IOException e) {
            throw new PemException("cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
