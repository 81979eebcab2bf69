package org.facemask.model;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;

/**
 * DL4J's oneDNN layer helpers (convolution, batch norm, pooling through the oneDNN library nd4j-native ships):
 * 3-4x faster forward and backward passes than DL4J's default im2col + GEMM path on CPU.
 *
 * <p>DL4J 1.0.0-M2 leaves them off twice over: layers create helpers only when the system property
 * {@value #DISABLE_PROPERTY} is {@code false} (its default is {@code true}), and the availability check then
 * reflects on a class M2 renamed (answered by the shim {@code org.nd4j.nativeblas.Nd4jCpu}). The property is read
 * when a layer is created, so {@link #enable()} must run before networks are built or deserialized in this JVM;
 * executors of a cluster get the same property on their command line from submit.sh.
 */
public final class Dl4jOneDnn {
    public static final String DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private Dl4jOneDnn() {
    }

    /**
     * Lets layers created from now on in this JVM use the oneDNN helpers, unless the JVM was started with the
     * property set (an operator's way to turn them off: {@code -D}{@value #DISABLE_PROPERTY}{@code =true}).
     *
     * @return whether the helpers are on
     */
    public static boolean enable() {
        if (System.getProperty(DISABLE_PROPERTY) == null) {
            System.setProperty(DISABLE_PROPERTY, "false");
        }
        return active();
    }

    /** Whether layers created now would run through oneDNN (the property allows it and DL4J's check passes). */
    public static boolean active() {
        return !Boolean.parseBoolean(System.getProperty(DISABLE_PROPERTY, "true")) && BaseMKLDNNHelper.mklDnnEnabled();
    }
}
