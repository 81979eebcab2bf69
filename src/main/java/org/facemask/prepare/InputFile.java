package org.facemask.prepare;

import java.io.Serializable;

/**
 * One file found under the input.
 *
 * @param path             full path as the file system names it
 * @param label            name of the class folder directly under the input; null for a file outside any class folder
 * @param sizeBytes        length in bytes
 * @param modificationTime milliseconds since the epoch
 */
public record InputFile(String path, String label, long sizeBytes, long modificationTime) implements Serializable {
}
