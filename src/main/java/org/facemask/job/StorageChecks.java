package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.config.ConfigError;
import org.facemask.config.FacesSettings;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;

/** Checks on configured locations, made through Hadoop's FileSystem before Spark starts. */
final class StorageChecks {
    private StorageChecks() {
    }

    static void requireFolder(String key, URI uri, Configuration conf) {
        FileSystem fs = fileSystem(key, uri, conf);
        try {
            FileStatus status = fs.getFileStatus(new Path(uri));
            if (!status.isDirectory()) {
                throw new ConfigError(key + " must be a folder, but " + shown(uri) + " is a file");
            }
            fs.listStatus(new Path(uri)); // proves it is readable
        } catch (FileNotFoundException e) {
            throw new ConfigError(key + ": no such folder " + shown(uri));
        } catch (IOException e) {
            throw new ConfigError(key + ": cannot read " + shown(uri) + " (" + e.getMessage() + ")", e);
        }
    }

    static void requireExists(String key, URI uri, Configuration conf) {
        FileSystem fs = fileSystem(key, uri, conf);
        try {
            if (!fs.exists(new Path(uri))) {
                throw new ConfigError(key + ": no such file or folder " + shown(uri));
            }
        } catch (IOException e) {
            throw new ConfigError(key + ": cannot check " + shown(uri) + " (" + e.getMessage() + ")", e);
        }
    }

    /** The face detector's model files exist (the Haar cascade needs none); returns the settings. */
    static FacesSettings requireDetectorFiles(FacesSettings faces, Configuration conf) {
        if (faces.model() != null) {
            requireExists("faces.model", faces.model(), conf);
        }
        if (faces.modelConfig() != null) {
            requireExists("faces.model-config", faces.modelConfig(), conf);
        }
        return faces;
    }

    static void requireNewOutput(String key, URI uri, boolean overwrite, String overwriteKey, Configuration conf) {
        FileSystem fs = fileSystem(key, uri, conf);
        try {
            if (fs.exists(new Path(uri)) && !overwrite) {
                throw new ConfigError(key + ": " + shown(uri) + " already exists; set " + overwriteKey
                        + "=true to replace it");
            }
        } catch (IOException e) {
            throw new ConfigError(key + ": cannot check " + uri + " (" + e.getMessage() + ")", e);
        }
    }

    /** Replacing an output that contains the input (or sits inside it) would delete or re-read the data itself. */
    static void requireApart(String inputKey, URI input, String outputKey, URI output) {
        String in = withSlash(input);
        String out = withSlash(output);
        if (in.startsWith(out) || out.startsWith(in)) {
            throw new ConfigError(outputKey + " (" + output + ") and " + inputKey + " (" + input
                    + ") must not contain one another");
        }
    }

    /** The location as the operator wrote it: no %20 for spaces. */
    private static String shown(URI uri) {
        return new Path(uri).toString();
    }

    private static String withSlash(URI uri) {
        String s = uri.normalize().toString();
        return s.endsWith("/") ? s : s + "/";
    }

    private static FileSystem fileSystem(String key, URI uri, Configuration conf) {
        try {
            return FileSystem.get(uri, conf);
        } catch (IOException | RuntimeException e) {
            throw new ConfigError(key + ": cannot open the file system of " + uri + " (" + e.getMessage() + ")", e);
        }
    }
}
