package dev.jgrad.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @Test
    void basics() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.fromArray(new float[] {1, 0.5f, 2}, 3).requiresGrad(true);
        Tensor y = a.mul(b).add(a.exp()).sum();
        y.backward();
        System.out.println(y);
        System.out.println(a.grad());
        System.out.println(b.grad());
        Tensor m = a.detach().matmul(a.detach().mT());
        System.out.println(m);
        System.out.println(a.detach().softmax(1));
        System.out.println(Tensor.randn(new Generator(1), 3, 4, 5));
        assertArrayEquals(new float[] {14, 32, 32, 77}, m.toFloatArray());
    }
}
