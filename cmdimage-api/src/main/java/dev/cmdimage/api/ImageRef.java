package dev.cmdimage.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed, normalized Docker image reference: {@code [domain[:port]/]path[:tag][@digest]}, following the grammar
 * of distribution/reference. Short names are normalized ({@code busybox} is {@code docker.io/library/busybox});
 * {@link #toString()} prints the familiar (short) form.
 *
 * @param domain the registry domain, e.g. {@code docker.io}, {@code localhost:5000}, {@code [::1]:5000}
 * @param path   the repository path, e.g. {@code library/busybox}
 * @param tag    the tag, or {@code null}
 * @param digest the digest ({@code sha256:...}), or {@code null}
 */
public record ImageRef(String domain, String path, @Nullable String tag, @Nullable String digest) {
    /** The domain of Docker Hub. */
    public static final String DOCKER_HUB = "docker.io";
    private static final String LEGACY_HUB = "index.docker.io";
    private static final String OFFICIAL_PREFIX = "library/";
    private static final int NAME_MAX = 255;

    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String IPV6 = "\\[[a-fA-F0-9:]+\\]";
    private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|" + IPV6 + ")";
    private static final Pattern DOMAIN = Pattern.compile(HOST + "(?::[0-9]+)?");
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST =
            Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    /** The digest algorithms distribution (go-digest) accepts, with their hex lengths. */
    private static final java.util.Map<String, Integer> DIGEST_HEX_LENGTHS =
            java.util.Map.of("sha256", 64, "sha384", 96, "sha512", 128);
    private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");
    private static final Pattern ANCHORED_ID = Pattern.compile("[a-f0-9]{64}");

    /**
     * Takes the parts as given, without checking them (use {@link #parse(String)} for text); an empty tag or digest
     * becomes {@code null}.
     *
     * @throws NullPointerException when {@code domain} or {@code path} is {@code null}
     */
    public ImageRef {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(path, "path");
        tag = Strings.emptyToNull(tag);
        digest = Strings.emptyToNull(digest);
    }

    /**
     * Parses and normalizes a reference.
     *
     * @throws IllegalArgumentException with a sentence saying why when {@code text} is not a valid reference
     */
    public static ImageRef parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("repository name must have at least one component");
        }
        if (ANCHORED_ID.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "invalid repository name (" + text + "), cannot specify 64-byte hexadecimal strings");
        }
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("invalid digest format \"" + digest + "\"");
            }
            String algorithm = digest.substring(0, digest.indexOf(':'));
            String hex = digest.substring(digest.indexOf(':') + 1);
            Integer length = DIGEST_HEX_LENGTHS.get(algorithm);
            if (length == null) {
                throw new IllegalArgumentException("unsupported digest algorithm \"" + algorithm
                        + "\" (supported: sha256, sha384, sha512)");
            }
            if (hex.length() != length || !LOWER_HEX.matcher(hex).matches()) {
                throw new IllegalArgumentException("invalid " + algorithm + " digest \"" + digest + "\": want "
                        + length + " lowercase hex characters");
            }
        }
        String tag = null;
        int lastColon = rest.lastIndexOf(':');
        if (lastColon >= 0 && rest.indexOf('/', lastColon) < 0) {
            tag = rest.substring(lastColon + 1);
            rest = rest.substring(0, lastColon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("invalid tag \"" + tag + "\"");
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("repository name must have at least one component");
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost")
                && first.toLowerCase(Locale.ROOT).equals(first))) {
            domain = DOCKER_HUB;
            path = rest;
        } else {
            domain = first;
            path = rest.substring(slash + 1);
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException("invalid registry domain \"" + domain + "\"");
        }
        if (domain.equals(LEGACY_HUB)) {
            domain = DOCKER_HUB;
        }
        if (!path.toLowerCase(Locale.ROOT).equals(path)) {
            throw new IllegalArgumentException("repository name must be lowercase");
        }
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("invalid reference format: repository name \"" + path
                    + "\" may only hold lowercase letters, digits and separators (. _ __ -) between components");
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = OFFICIAL_PREFIX + path;
        }
        if (domain.length() + 1 + path.length() > NAME_MAX) {
            throw new IllegalArgumentException("repository name must not be more than " + NAME_MAX + " characters");
        }
        return new ImageRef(domain, path, tag, digest);
    }

    /** Whether {@code text} is a valid tag ({@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}). */
    public static boolean isValidTag(@Nullable String text) {
        return text != null && TAG.matcher(text).matches();
    }

    /** Whether {@code text} is a valid registry domain ({@code host[:port]}, no scheme, no path). */
    public static boolean isValidDomain(@Nullable String text) {
        return text != null && DOMAIN.matcher(text).matches();
    }

    /** The full repository name, e.g. {@code docker.io/library/busybox}. */
    public String name() {
        return domain + "/" + path;
    }

    /** The short repository name users write, e.g. {@code busybox}, {@code localhost:5000/app}. */
    public String familiarName() {
        if (!domain.equals(DOCKER_HUB)) {
            return name();
        }
        if (path.startsWith(OFFICIAL_PREFIX) && path.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
            return path.substring(OFFICIAL_PREFIX.length());
        }
        return path;
    }

    /** The full form with tag and digest, e.g. {@code docker.io/library/busybox:1.36}. */
    public String fullString() {
        return suffixed(name());
    }

    /** The familiar form with tag and digest, e.g. {@code busybox:1.36}. */
    public String familiarString() {
        return suffixed(familiarName());
    }

    /**
     * The same repository with another tag (the digest is dropped).
     *
     * @throws IllegalArgumentException when {@code newTag} is not a valid tag
     */
    public ImageRef withTag(String newTag) {
        if (!isValidTag(newTag)) {
            throw new IllegalArgumentException("invalid tag \"" + newTag + "\"");
        }
        return new ImageRef(domain, path, newTag, null);
    }

    /** The bare repository: no tag, no digest. */
    public ImageRef withoutTag() {
        return new ImageRef(domain, path, null, null);
    }

    /** Whether this ref names an exact image (a tag or a digest). */
    public boolean isTaggedOrDigested() {
        return tag != null || digest != null;
    }

    private String suffixed(String name) {
        StringBuilder sb = new StringBuilder(name);
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    /** The familiar form, e.g. {@code busybox:1.36}. */
    @Override
    public String toString() {
        return familiarString();
    }
}
