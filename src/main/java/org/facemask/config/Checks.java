package org.facemask.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;

import java.math.BigDecimal;

/**
 * Range checks for typed settings, each failing with the full key name.
 *
 * <p>The readers taking a section's {@link Config} and a full key ({@code train.epochs}) read the key's path
 * below its section ({@code epochs}).
 */
final class Checks {
    private Checks() {
    }

    /** A whole number between min and max (inclusive); see {@link #wholeNumber(String, ConfigValue)}. */
    static int intIn(Config section, String key, int min, int max) {
        return intIn(key, section.getValue(pathInSection(key)), min, max);
    }

    /** One whole-number value, e.g. an element of a list setting. */
    static int intIn(String key, ConfigValue value, int min, int max) {
        long number = wholeNumber(key, value);
        if (number < min || number > max) {
            throw new ConfigError(key + " must be between " + min + " and " + max + ", got " + number);
        }
        return (int) number;
    }

    /** Any whole number (a 64-bit seed). */
    static long wholeNumber(Config section, String key) {
        return wholeNumber(key, section.getValue(pathInSection(key)));
    }

    static long positive(Config section, String key) {
        long value = wholeNumber(section, key);
        if (value <= 0) {
            throw new ConfigError(key + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * Every integer setting is read here rather than with Typesafe Config's getInt/getLong: those drop a fraction
     * ({@code train.epochs=1.5} ran 1 epoch) and clamp a double beyond the long range. A number with a fraction,
     * one beyond 64 bits, or a value that is no number is refused naming the key; 1e3 or 30.0 are whole numbers.
     */
    static long wholeNumber(String key, ConfigValue value) {
        // numbers from a file are Integer, Long or Double; from the command line they are still strings
        String text = String.valueOf(value.unwrapped()).trim();
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new ConfigError(key + " must be a whole number, got '" + text + "'");
        }
        try {
            return number.longValueExact();
        } catch (ArithmeticException e) {
            boolean fraction = number.stripTrailingZeros().scale() > 0;
            throw new ConfigError(key + (fraction ? " must be a whole number" : " is beyond the 64-bit range")
                    + ", got " + text);
        }
    }

    private static String pathInSection(String key) {
        return key.substring(key.indexOf('.') + 1);
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
