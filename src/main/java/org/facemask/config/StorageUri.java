package org.facemask.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a configured location into the one URI form Hadoop's FileSystem understands and every check compares:
 * scheme in lower case, an absolute path without {@code .} or {@code ..} segments and without a trailing slash,
 * plain paths as {@code file:///...}. {@code /d}, {@code file:/d}, {@code file:///d/}, {@code file://localhost/d}
 * and {@code /e/../d} are all {@code file:///d}.
 *
 * <p>Credentials never belong in a location: a URI with user info ({@code s3a://key:secret@bucket/}) is refused,
 * and every message shows it with the credentials masked.
 */
public final class StorageUri {
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    /**
     * {@code scheme://user:password@}: what stands between {@code ://} and the first {@code @} when it has a colon
     * not followed by a port number. A secret may hold a '/' (AWS secret keys do), which makes the URI parser
     * see no user info at all, so this is looked for in the text.
     */
    private static final Pattern CREDENTIALS = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^@]*)@");

    private StorageUri() {
    }

    public static URI parse(String key, String value) {
        String v = Checks.nonBlank(key, value);
        if (!SCHEME.matcher(v).matches()) {
            return canonical(key, Path.of(v).toAbsolutePath().normalize().toUri(), v);
        }
        if (!masked(v).equals(v)) {
            throw credentialsRefused(key, v);
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new ConfigError(key + " is not a valid URI: '" + v + "' (" + e.getReason() + ")", e);
        }
        if (uri.getRawUserInfo() != null) {
            throw credentialsRefused(key, v);
        }
        if (uri.isOpaque() || uri.getPath() == null || uri.getPath().isEmpty()) {
            throw new ConfigError(key + " must be a path or a URI with an absolute path, got '" + v + "'");
        }
        return canonical(key, uri, v);
    }

    /**
     * The text with the credentials of a {@code scheme://user:password@host} URI replaced by {@code ***}, for
     * messages and logs; anything else unchanged.
     */
    public static String masked(String location) {
        Matcher m = CREDENTIALS.matcher(location);
        if (!m.find()) {
            return location;
        }
        String beforeAt = m.group(2);
        int slash = beforeAt.indexOf('/');
        if (slash >= 0) {
            String authority = beforeAt.substring(0, slash);
            int colon = authority.indexOf(':');
            if (colon < 0 || authority.substring(colon + 1).matches("\\d*")) {
                return location; // host[:port], and an '@' in the path (hdfs://nn:8020/logs/user@host)
            }
        }
        return m.group(1) + "***@" + location.substring(m.end());
    }

    private static ConfigError credentialsRefused(String key, String value) {
        return new ConfigError(key + ": '" + masked(value) + "' carries credentials in the URI; remove them and "
                + "set them as Hadoop settings instead, e.g. spark.conf.\"spark.hadoop.fs.s3a.access.key\" and "
                + "spark.conf.\"spark.hadoop.fs.s3a.secret.key\" (or a credentials provider)");
    }

    private static URI canonical(String key, URI uri, String value) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String authority = uri.getAuthority();
        if (scheme.equals("file")) {
            // file://localhost/d is the RFC 8089 spelling of file:///d; Hadoop's local file system takes only the latter
            if (authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
                throw new ConfigError(key + ": '" + value + "' names the host '" + authority + "', but file: URIs are "
                        + "read on the machine running the job; write file:///path (or a plain path)");
            }
            authority = "";
        }
        String path = uri.normalize().getPath();
        if (!path.startsWith("/") || path.equals("/..") || path.startsWith("/../")) {
            throw new ConfigError(key + " must be an absolute path, got '" + value + "'");
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(scheme, authority, path, uri.getQuery(), uri.getFragment());
        } catch (URISyntaxException e) {
            throw new ConfigError(key + " is not a valid URI: '" + value + "' (" + e.getReason() + ")", e);
        }
    }
}
