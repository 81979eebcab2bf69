package org.facemask.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content fingerprints: the sha256 of a file's bytes, lower-case hex (de-duplication, model provenance). */
public final class Sha256 {
    private Sha256() {
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** A digest to hash a stream as it is read or written (DigestInputStream, DigestOutputStream). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The hex sha256 of everything {@code digest} has seen (and resets it). */
    public static String finish(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
