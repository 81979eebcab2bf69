package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.config.ConfigError;
import org.facemask.config.FacesSettings;
import org.facemask.storage.Location;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/** Checks on configured locations, made through Hadoop's FileSystem before Spark starts. */
final class StorageChecks {
    private StorageChecks() {
    }

    static void requireFolder(String key, URI uri, Configuration conf) {
        FileSystem fs = fileSystem(key, uri, conf);
        try {
            FileStatus status = fs.getFileStatus(new Path(uri));
            if (!status.isDirectory()) {
                throw new ConfigError(key + " must be a folder, but " + Location.shown(uri) + " is a file");
            }
            fs.listStatus(new Path(uri)); // proves it is readable
        } catch (FileNotFoundException e) {
            throw new ConfigError(key + ": no such folder " + Location.shown(uri));
        } catch (IOException e) {
            throw new ConfigError(key + ": cannot read " + Location.shown(uri) + " (" + e.getMessage() + ")", e);
        }
    }

    static void requireExists(String key, URI uri, Configuration conf) {
        FileSystem fs = fileSystem(key, uri, conf);
        try {
            if (!fs.exists(new Path(uri))) {
                throw new ConfigError(key + ": no such file or folder " + Location.shown(uri));
            }
        } catch (IOException e) {
            throw new ConfigError(key + ": cannot check " + Location.shown(uri) + " (" + e.getMessage() + ")", e);
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

    /** The detector's model files, as locations an output must keep apart from. */
    static List<Location> detectorFiles(FacesSettings faces) {
        return List.of(new Location("faces.model", faces.model()), new Location("faces.model-config", faces.modelConfig()));
    }

    private static FileSystem fileSystem(String key, URI uri, Configuration conf) {
        try {
            return FileSystem.get(uri, conf);
        } catch (IOException | RuntimeException e) {
            throw new ConfigError(key + ": cannot open the file system of " + uri + " (" + e.getMessage() + ")", e);
        }
    }
}
