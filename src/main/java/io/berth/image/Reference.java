package io.berth.image;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference normalised by docker's rules: {@code busybox} is
 * {@code docker.io/library/busybox:latest}, {@code index.docker.io} is {@code docker.io}, a first
 * component with a dot, a colon or the name {@code localhost} is a registry, and a reference with
 * neither tag nor digest gets the tag {@code latest}.
 */
public final class Reference {
    private static final String DEFAULT_DOMAIN = "docker.io";
    private static final String LEGACY_DOMAIN = "index.docker.io";
    private static final String OFFICIAL_PREFIX = "library/";
    private static final int NAME_MAX = 255;

    private static final String DOMAIN_COMPONENT =
            "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[0-9a-fA-F:]+\\])"
                    + "(?::[0-9]+)?");
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH =
            Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile(
            "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

    private final String domain;
    private final String path;
    private final String tag;
    private final String digest;

    private Reference(String domain, String path, String tag, String digest) {
        this.domain = domain;
        this.path = path;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Parses and normalises a reference the way the docker CLI does.
     *
     * @throws IllegalArgumentException with docker's "invalid reference format" sentence
     */
    public static Reference parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (IDENTIFIER.matcher(reference).matches()) {
            throw invalid(reference, "cannot specify 64-byte hexadecimal strings");
        }
        int at = reference.indexOf('@');
        String named = at < 0 ? reference : reference.substring(0, at);
        String digest = at < 0 ? null : reference.substring(at + 1);
        int colon = named.lastIndexOf(':');
        String tag = colon > named.lastIndexOf('/') ? named.substring(colon + 1) : null;
        String name = tag == null ? named : named.substring(0, colon);
        return build(reference, name, tag, digest);
    }

    private static Reference build(String reference, String name, String tag, String digest) {
        int slash = name.indexOf('/');
        String domain = DEFAULT_DOMAIN;
        String path = name;
        if (slash >= 0 && isDomain(name.substring(0, slash))) {
            domain = name.substring(0, slash);
            path = name.substring(slash + 1);
        }
        if (domain.equals(LEGACY_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
        }
        if (domain.equals(DEFAULT_DOMAIN) && path.indexOf('/') < 0) {
            path = OFFICIAL_PREFIX + path;
        }
        validate(reference, domain, path, tag, digest);
        return new Reference(domain, path, tag == null && digest == null ? "latest" : tag,
                digest);
    }

    /** Docker's rule: a first component is a registry if it looks like a host, not a user. */
    private static boolean isDomain(String first) {
        return first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(java.util.Locale.ROOT));
    }

    private static void validate(String reference, String domain, String path, String tag,
            String digest) {
        if (!path.equals(path.toLowerCase(java.util.Locale.ROOT))) {
            throw invalid(reference, "repository name (" + path + ") must be lowercase");
        }
        if (!DOMAIN.matcher(domain).matches() || !PATH.matcher(path).matches()
                || (tag != null && !TAG.matcher(tag).matches())
                || (digest != null && !validDigest(digest))) {
            throw invalid(reference, null);
        }
        if (domain.length() + 1 + path.length() > NAME_MAX) {
            throw invalid(reference, "repository name must not be more than 255 characters");
        }
    }

    private static boolean validDigest(String digest) {
        return DIGEST.matcher(digest).matches()
                && (!digest.startsWith("sha256:") || Digest.isSha256(digest));
    }

    private static IllegalArgumentException invalid(String reference, String why) {
        return new IllegalArgumentException("invalid reference format"
                + (why == null ? "" : ": " + why) + ": \"" + reference + "\"");
    }

    /** As docker shows it: {@code busybox:latest}, {@code quay.io/x/y:1}, {@code a@sha256:..}. */
    public String familiar() {
        return suffixed(familiarRepository());
    }

    /** Fully qualified: {@code docker.io/library/busybox:latest}. */
    public String canonical() {
        return suffixed(repository());
    }

    /** The fully qualified name without tag or digest: {@code docker.io/library/busybox}. */
    public String repository() {
        return domain + "/" + path;
    }

    /** The name as docker shows it in the REPOSITORY column: {@code busybox}. */
    public String familiarRepository() {
        if (!domain.equals(DEFAULT_DOMAIN)) {
            return repository();
        }
        if (!path.startsWith(OFFICIAL_PREFIX)) {
            return path;
        }
        String rest = path.substring(OFFICIAL_PREFIX.length());
        return rest.indexOf('/') < 0 ? rest : path;
    }

    /** The registry host (and port): {@code docker.io}, {@code localhost:5000}. */
    public String domain() {
        return domain;
    }

    /** The repository path on the registry: {@code library/busybox}. */
    public String path() {
        return path;
    }

    /** The tag; {@code latest} when the reference named neither tag nor digest; else null. */
    public String tag() {
        return tag;
    }

    /** The digest ({@code sha256:...}) or null. */
    public String digest() {
        return digest;
    }

    /** The same name with another tag and no digest. */
    public Reference withTag(String newTag) {
        return build(repository() + ":" + newTag, repository(), newTag, null);
    }

    /** The same name with a digest and no tag. */
    public Reference withDigest(String newDigest) {
        return build(repository() + "@" + newDigest, repository(), null, newDigest);
    }

    private String suffixed(String name) {
        return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reference r && canonical().equals(r.canonical());
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
