package org.facemask.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only shared folder (real weights, golden outputs, datasets), at {@code ../shared} from the repository
 * root or wherever the Maven property {@code shared.dir} points. In CI it must be there ({@code CI=true}: a missing
 * file fails the test); on a user's machine without it, tests that need it are skipped with a message saying how.
 */
public final class SharedFiles {
    private SharedFiles() {
    }

    public static Path root() {
        return Path.of(System.getProperty("facemask.shared.dir", "../shared")).toAbsolutePath().normalize();
    }

    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String how = "needs " + p + ": put the shared folder beside the repository or run mvn with "
                    + "-Dshared.dir=/path/to/shared";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI " + how);
            }
            Assumptions.abort(how);
        }
        return p;
    }

    public static Path weights035() {
        return require("models/mobilenet_v2_0.35_224/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5");
    }

    public static Path wholeModel035() {
        return require("models/mobilenet_v2_0.35_224/mobilenet_v2_0.35_224_no_top_model.h5");
    }
}
