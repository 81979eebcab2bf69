package org.facemask.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Turns a configured location into a URI Hadoop's FileSystem understands; plain paths become {@code file://}. */
public final class StorageUri {
    private StorageUri() {
    }

    public static URI parse(String key, String value) {
        String v = Checks.nonBlank(key, value);
        if (!v.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return Path.of(v).toAbsolutePath().normalize().toUri();
        }
        try {
            URI uri = new URI(v);
            if (uri.getPath() == null || uri.getPath().isEmpty()) {
                throw new ConfigError(key + " must be a path or a URI with a path, got '" + v + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigError(key + " is not a valid URI: '" + v + "' (" + e.getReason() + ")", e);
        }
    }
}
