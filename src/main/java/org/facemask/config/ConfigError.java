package org.facemask.config;

/**
 * A configuration or command-line problem found before any Spark work starts. The message always names the key,
 * file or path at fault, so the operator can fix it without reading a stack trace.
 */
public final class ConfigError extends RuntimeException {
    public ConfigError(String message) {
        super(message);
    }

    public ConfigError(String message, Throwable cause) {
        super(message, cause);
    }
}
