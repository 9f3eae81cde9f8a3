package dev.jgrad.engine;

import dev.jgrad.engine.ops.Reduce;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Creation, views without copies, printing and the errors that name op and shapes. */
class TensorTest {

    @Test
    void viewsShareStorageAndReshapeCopiesOnlyWhenNeeded() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        assertSame(x.storage(), x.view(2, 6).storage());
        assertSame(x.storage(), x.permute(1, 0).storage());
        assertSame(x.storage(), x.slice(1, 0, 4, 2).storage());
        assertSame(x.storage(), x.unsqueeze(0).expand(5, 3, 4).storage());
        Tensor t = x.mT();
        assertFalse(t.isContiguous());
        assertNotSame(x.storage(), t.reshape(12).storage(), "a transposed tensor cannot be flattened without a copy");
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t.reshape(12).toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.view(12));
        assertTrue(e.getMessage().contains("use reshape"), e.getMessage());
    }

    @Test
    void stridesOffsetsAndSlices() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new int[] {12, 4, 1}, x.strides());
        Tensor s = x.select(1, 2).slice(1, 1, 4, 2); // x[:, 2, 1:4:2]
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(new int[] {12, 2}, s.strides());
        assertEquals(9, s.offset());
        assertArrayEquals(new float[] {9, 11, 21, 23}, s.toFloatArray());
        assertArrayEquals(new float[] {20, 21, 22, 23}, x.slice(0, -1, 2, 1).select(1, -1).toFloatArray());
    }

    @Test
    void catStackSplitChunk() {
        Tensor a = Tensor.arange(6).reshape(2, 3), b = Tensor.arange(3).reshape(1, 3);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 0, 1, 2}, Tensor.cat(List.of(a, b), 0).toFloatArray());
        Tensor st = Tensor.stack(List.of(a, a), 2);
        assertArrayEquals(new int[] {2, 3, 2}, st.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, st.toFloatArray());
        List<Tensor> parts = Tensor.arange(7).split(3, 0);
        assertEquals(3, parts.size());
        assertArrayEquals(new float[] {6}, parts.get(2).toFloatArray());
        assertEquals(3, Tensor.arange(6).chunk(4, 0).size(), "torch.chunk(6 elements, 4) gives 3 chunks of 2");
    }

    @Test
    void creationAndDtypes() {
        assertArrayEquals(new float[] {7, 7}, Tensor.full(7f, 2).toFloatArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5).toFloatArray());
        Tensor ids = Tensor.fromArray(new long[] {1, 2, 3}, 3);
        assertEquals(DType.INT64, ids.dtype());
        assertEquals(DType.INT32, Tensor.fromArray(new int[] {1}).dtype());
        assertArrayEquals(new long[] {1, -2}, Tensor.fromArray(new float[] {1.7f, -2.7f}).to(DType.INT64).toLongArray());
        assertEquals(DType.BOOL, ids.gt(Tensor.scalar(1.5f)).dtype());
        assertEquals(DType.INT8, Tensor.zeros(DType.INT8, 4).dtype());
        Tensor r1 = Tensor.randn(new Generator(3), 1000), r2 = Tensor.randn(new Generator(3), 1000);
        assertArrayEquals(r1.toFloatArray(), r2.toFloatArray(), "same seed, same numbers");
        assertEquals(0f, r1.mean().item(), 0.1f);
        assertEquals(1f, r1.std(new int[0], true, false).item(), 0.1f);
        Tensor u = Tensor.uniform(-2, 3, new Generator(4), 2000);
        assertTrue(u.min().item() >= -2f && u.max().item() < 3f);
    }

    @Test
    void reductionsWithIndices() {
        Tensor x = Tensor.fromArray(new float[] {3, 9, 9, 1, 4, 2}, 2, 3);
        Reduce.ValuesIndices mx = x.max(1, false);
        assertArrayEquals(new float[] {9, 4}, mx.values().toFloatArray());
        assertArrayEquals(new long[] {1, 1}, mx.indices().toLongArray(), "first occurrence wins ties");
        assertArrayEquals(new long[] {1, 1, 1}, x.argmin(0, false).toLongArray());
        assertArrayEquals(new int[] {2, 1}, x.argmax(1, true).shape());
        assertEquals(28f, x.sum().item());
    }

    @Test
    void printsLikePyTorch() {
        assertEquals("tensor([1., 2., 3.])", Tensor.fromArray(new float[] {1, 2, 3}).toString());
        assertEquals("tensor([[0.5000, 1.2500],\n        [3.0000, 4.0000]])",
                Tensor.fromArray(new float[] {0.5f, 1.25f, 3, 4}, 2, 2).toString());
        assertEquals("tensor(2.5000)", Tensor.scalar(2.5f).toString());
        assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.fromArray(new float[] {1e-5f, 1}).toString());
        assertEquals("tensor([1, 2])", Tensor.fromArray(new long[] {1, 2}).toString());
        assertEquals("tensor([1, 2], dtype=torch.int32)", Tensor.fromArray(new int[] {1, 2}).toString());
        assertEquals("tensor([ True, False])", Tensor.fromArray(new float[] {1, 0}).gt(0.5f).toString());
        assertEquals("tensor([1., 2.], requires_grad=True)", Tensor.fromArray(new float[] {1, 2}).requiresGrad(true).toString());
        assertEquals("tensor([[[0., 1.]],\n\n        [[2., 3.]]])", Tensor.arange(4).reshape(2, 1, 2).toString());
        assertEquals("tensor([])", Tensor.zeros(0).toString());
        assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
                Tensor.arange(2000).toString());
        assertEquals("tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
                + "        1.2857, 1.4286, 1.5714])", Tensor.arange(12).div(7f).toString());
        assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
    }

    @Test
    void itemAndGet() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        assertEquals(5f, x.get(1, 2));
        assertEquals(4f, x.select(0, 1).select(0, 1).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, x::item);
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void errorsNameTheOpAndTheShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast together", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().startsWith("matmul: shapes [2, 3] and [2, 3] cannot be multiplied"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new long[] {1}).exp());
        assertTrue(e.getMessage().contains("exp: expected float32 but got INT64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2));
        assertTrue(e.getMessage().contains("reshape: shape [4, 2] is invalid for input of shape [2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.to(Device.cuda(0)));
        assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(Tensor.zeros(4, 3), Tensor.fromArray(new long[] {0, 1})));
        assertTrue(e.getMessage().contains("need targets of shape [4]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
                () -> F.embedding(Tensor.zeros(3, 2), Tensor.fromArray(new long[] {3})));
        assertThrows(IndexOutOfBoundsException.class,
                () -> F.crossEntropy(Tensor.zeros(1, 3), Tensor.fromArray(new long[] {5})));
    }

    @Test
    void matmulOfPermutedBatchDimsEqualsMatmulOfCopies() {
        // [B, T, H, D] storage viewed as heads [B, H, T, D]; a broadcast [T, D]; and batch dims in no memory order
        Generator g = new Generator(3);
        Tensor x = Tensor.randn(g, 3, 7, 4, 9), y = Tensor.randn(g, 3, 7, 4, 9), w = Tensor.randn(g, 9, 5);
        Tensor q = x.permute(0, 2, 1, 3), k = y.permute(0, 2, 1, 3);                  // [3, 4, 7, 9]
        assertArrayEquals(q.contiguous().matmul(k.contiguous().mT()).toFloatArray(), q.matmul(k.mT()).toFloatArray());
        assertArrayEquals(q.contiguous().matmul(w).toFloatArray(), q.matmul(w).toFloatArray());
        Tensor odd = x.permute(2, 0, 1, 3);                                            // [4, 3, 7, 9]
        assertArrayEquals(odd.contiguous().matmul(w).toFloatArray(), odd.matmul(w).toFloatArray());
    }

    @Test
    void memoryOrderOfPermutedLayouts() {
        Tensor x = Tensor.zeros(2, 3, 4, 5);
        assertArrayEquals(new int[] {0, 1, 2, 3}, x.layout().memoryOrder());
        assertArrayEquals(new int[] {0, 2, 1, 3}, x.permute(0, 2, 1, 3).layout().memoryOrder());
        assertArrayEquals(new int[] {0, 2, 3, 1}, x.permute(0, 3, 1, 2).layout().memoryOrder());
        assertTrue(x.permute(0, 2, 1, 3).layout().permute(new int[] {0, 2, 1, 3}).isContiguous());
        assertNull(x.select(3, 0).layout().memoryOrder());                    // gaps
        assertNull(Tensor.zeros(3, 1).expand(3, 4).layout().memoryOrder());  // broadcast
        assertArrayEquals(new int[] {2, 0, 1}, dev.jgrad.engine.backend.Layout.inverse(new int[] {1, 2, 0}));
    }

    @Test
    void opsKeepTheMemoryOrderOfPermutedInputs() {
        // attention heads: [B, H, T, D] read from [B, T, H, D]; results and gradients stay in that memory order,
        // so merging the heads again is a view, and values equal those computed from contiguous copies
        Generator g = new Generator(5);
        Tensor qs = Tensor.randn(g, 2, 6, 3, 4).requiresGrad(true), ks = Tensor.randn(g, 2, 6, 3, 4).requiresGrad(true),
                vs = Tensor.randn(g, 2, 6, 3, 4).requiresGrad(true);
        Tensor q = qs.permute(0, 2, 1, 3), k = ks.permute(0, 2, 1, 3), v = vs.permute(0, 2, 1, 3); // [2, 3, 6, 4]
        Tensor scaled = q.mul(0.5f);
        assertArrayEquals(q.layout().memoryOrder(), scaled.layout().memoryOrder());
        Tensor out = dev.jgrad.engine.ops.Attention.scaledDotProduct(q, k, v, dev.jgrad.engine.ops.Attention.Options.DEFAULT);
        assertTrue(out.permute(0, 2, 1, 3).layout().isContiguous(), out.layout().toString());
        Tensor merged = out.permute(0, 2, 1, 3).reshape(2, 6, 12);                     // [B, T, H·D]
        merged.mul(merged).sum().backward();

        Tensor qc = qs.detach().clone().requiresGrad(true), kc = ks.detach().clone().requiresGrad(true),
                vc = vs.detach().clone().requiresGrad(true);
        Tensor ref = dev.jgrad.engine.ops.Attention.scaledDotProduct(qc.permute(0, 2, 1, 3).contiguous(),
                kc.permute(0, 2, 1, 3).contiguous(), vc.permute(0, 2, 1, 3).contiguous(), dev.jgrad.engine.ops.Attention.Options.DEFAULT);
        Tensor refMerged = ref.permute(0, 2, 1, 3).reshape(2, 6, 12);
        refMerged.mul(refMerged).sum().backward();
        assertArrayEquals(ref.contiguous().toFloatArray(), out.contiguous().toFloatArray(), 1e-6f);
        for (Tensor[] p : new Tensor[][] {{qs, qc}, {ks, kc}, {vs, vc}}) {
            assertTrue(p[0].grad().layout().isContiguous(), p[0].grad().layout().toString());
            assertArrayEquals(p[1].grad().contiguous().toFloatArray(), p[0].grad().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void numpyBroadcastingShapes() {
        assertArrayEquals(new int[] {2, 3, 4}, Tensor.zeros(2, 1, 4).add(Tensor.zeros(3, 1)).shape());
        assertArrayEquals(new int[] {5, 2, 3}, Tensor.zeros(5, 1, 3).mul(Tensor.zeros(2, 1)).shape());
        assertArrayEquals(new int[] {2, 4, 5, 3}, Tensor.zeros(2, 1, 5, 6).matmul(Tensor.zeros(4, 6, 3)).shape());
    }
}
