package org.facemask.config;

/** Range checks for typed settings, each failing with the full key name. */
final class Checks {
    private Checks() {
    }

    static int intIn(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigError(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static long positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigError(key + " must be positive, got " + value);
        }
        return value;
    }

    static double fraction(String key, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new ConfigError(key + " must be between 0 and 1, got " + value);
        }
        return value;
    }

    /**
     * An enum constant by its lower-case name, with '-' for '_' ({@code end-to-end} is END_TO_END); an unknown
     * value fails with the key and every allowed value.
     */
    static <E extends Enum<E>> E oneOf(String key, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, value.trim().replace('-', '_').toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E v : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ")
                        .append(v.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
            throw new ConfigError(key + " must be one of " + allowed + ", got '" + value + "'");
        }
    }

    static String nonBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigError(key + " must be set (it is empty)");
        }
        return value.trim();
    }
}
