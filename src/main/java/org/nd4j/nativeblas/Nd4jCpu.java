package org.nd4j.nativeblas;

/**
 * Compatibility shim, not part of ND4J: DL4J 1.0.0-M2 decides whether its oneDNN layer helpers may run by looking
 * up {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN} by reflection (BaseMKLDNNHelper.mklDnnEnabled),
 * a class that M2's own nd4j-native moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings} and renamed the method
 * {@code isUseONEDNN}. The lookup fails, the failure is swallowed, and every convolution falls back to im2col +
 * GEMM. This class answers that lookup with the real, renamed native call, so nothing is faked: if the native
 * library runs without oneDNN, the helpers stay off. {@code org.facemask.model.Dl4jOneDnn} turns the helpers on
 * and checks that they took; its test fails as soon as a DL4J version no longer needs (or no longer accepts) this.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The two members DL4J M2 reflects on: {@code getInstance()} and {@code isUseMKLDNN()}. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
