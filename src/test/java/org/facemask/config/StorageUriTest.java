package org.facemask.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageUriTest {
    @TempDir
    Path tmp;

    @Test
    void everySpellingOfOneLocalFolderIsOneUri() {
        String d = tmp.resolve("d").toString();
        URI expected = URI.create("file://" + d);
        for (String spelling : List.of(d, d + "/", "file:" + d, "file://" + d, "file://" + d + "/",
                "file://localhost" + d, "FILE://LOCALHOST" + d, d + "/x/..", "file:" + d + "/./x/../")) {
            assertEquals(expected, StorageUri.parse("k", spelling), spelling);
        }
        assertEquals("file:///", StorageUri.parse("k", "/").toString());
        assertEquals("file://" + tmp.resolve("a%20b"), StorageUri.parse("k", tmp.resolve("a b").toString()).toString());
    }

    @Test
    void otherSchemesKeepTheirAuthorityAndLoseDotsAndTheTrailingSlash() {
        assertEquals(URI.create("hdfs://nn:8020/data/b"), StorageUri.parse("k", "HDFS://nn:8020/data/a/../b/"));
        assertEquals(URI.create("s3a://bucket/faces"), StorageUri.parse("k", "s3a://bucket/faces/"));
        assertEquals(URI.create("hdfs://nn:8020/logs/user@host"), StorageUri.parse("k", "hdfs://nn:8020/logs/user@host"));
        assertEquals(URI.create("s3a://cams/2026-11-2*"), StorageUri.parse("k", "s3a://cams/2026-11-2*/"));
    }

    @Test
    void aFileUriNamingAnotherHostOrARelativePathIsAClearError() {
        ConfigError host = assertThrows(ConfigError.class, () -> StorageUri.parse("prepare.input", "file://server/d"));
        assertTrue(host.getMessage().contains("prepare.input") && host.getMessage().contains("file:///path"), host.getMessage());
        ConfigError opaque = assertThrows(ConfigError.class, () -> StorageUri.parse("prepare.input", "file:d"));
        assertTrue(opaque.getMessage().contains("prepare.input"), opaque.getMessage());
        ConfigError above = assertThrows(ConfigError.class, () -> StorageUri.parse("prepare.input", "file:///../etc"));
        assertTrue(above.getMessage().contains("absolute"), above.getMessage());
    }

    /** Credentials in a location are refused, and never repeated in the message, even when the secret has a '/'. */
    @Test
    void credentialsInAUriAreRefusedAndMasked() {
        for (String secret : List.of("wJalrXUtnFEMI", "wJalr/XUtn+FEMI", "12345")) {
            for (String value : List.of("s3a://AKIAEXAMPLE:" + secret + "@bucket/faces", "s3a://AKIAEXAMPLE:" + secret + "@bucket")) {
                ConfigError e = assertThrows(ConfigError.class, () -> StorageUri.parse("score.input", value), value);
                assertFalse(e.getMessage().contains(secret), e.getMessage());
                assertTrue(e.getMessage().contains("score.input") && e.getMessage().contains("fs.s3a.secret.key"), e.getMessage());
                assertTrue(e.getMessage().contains("s3a://***@bucket"), e.getMessage());
            }
        }
        ConfigError user = assertThrows(ConfigError.class, () -> StorageUri.parse("k", "s3a://AKIAEXAMPLE@bucket/x"));
        assertFalse(user.getMessage().contains("AKIAEXAMPLE"), user.getMessage());
        assertEquals("hdfs://nn:8020/logs/user@host", StorageUri.masked("hdfs://nn:8020/logs/user@host"));
        assertEquals("s3a://bucket/a@b", StorageUri.masked("s3a://bucket/a@b"));
    }
}
