package dev.jgrad.engine.backend.cuda;

import dev.jgrad.engine.Device;
import dev.jgrad.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Without a usable GPU: a reason, and a clear error (not a crash in native code) when a CUDA tensor is asked for. */
class CudaUnavailableTest {
    @Test
    void cudaTensorsFailWithTheReason() {
        assumeFalse(Device.cudaAvailable(), "CUDA is available here");
        String reason = Device.cudaUnavailableReason();
        assertNotNull(reason);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).to(Device.cuda(0)));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
    }
}
