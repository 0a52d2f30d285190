package dev.fmplex.engine.ort;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.nn.Projection;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stacks are built once per adapter set, laid out per slot, and closed only when unused. */
class LoraStackCacheTest {

    private static final int LAYERS = 2;
    private static final List<ProjectionSite> SITES =
            ProjectionSite.encoderLayer(Projection::name, 8, 16);

    @Test
    void stacksPlaceEachAdapterAtItsSlotWithPerProjectionRanks() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            List<LoraModule> a = List.of(module(manager, 0, Projection.QUERY, 2, 1f));
            List<LoraModule> b = List.of(module(manager, 0, Projection.QUERY, 4, 2f));
            LoraStacks stacks = LoraStacks.build(LAYERS, SITES, List.of(a, b));
            OnnxTensor down = stacks.tensors().get(RowLora.down(0, Projection.QUERY));
            assertThat(down.getInfo().getShape()).containsExactly(3, 8, 4);
            float[] values = down.getFloatBuffer().array();
            int block = 8 * 4;
            // Slot 0 zeros; slot 1 rank 2 padded to 4; slot 2 full rank 4.
            assertThat(slice(values, 0, block)).containsOnly(0f);
            assertThat(values[block]).isEqualTo(1f);
            assertThat(values[block + 1]).isEqualTo(1f);
            assertThat(values[block + 2]).isZero();
            assertThat(values[block + 3]).isZero();
            assertThat(slice(values, 2 * block, block)).containsOnly(2f);
            // A projection no adapter adapts: rank 1 of zeros.
            OnnxTensor key = stacks.tensors().get(RowLora.up(1, Projection.KEY));
            assertThat(key.getInfo().getShape()).containsExactly(3, 1, 8);
            assertThat(key.getFloatBuffer().array()).containsOnly(0f);
            stacks.acquire();
            stacks.evict();
            stacks.release();
            assertThat(down.isClosed()).isTrue();
        }
    }

    @Test
    void aSetIsBuiltOnceAndAnEvictedSetClosesOnlyAfterItsPass() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            List<LoraModule> a = List.of(module(manager, 0, Projection.VALUE, 2, 1f));
            List<LoraModule> b = List.of(module(manager, 1, Projection.VALUE, 2, 1f));
            LoraStacks probe = LoraStacks.build(LAYERS, SITES, List.of(a));
            long oneSet = probe.bytes();
            probe.evict();
            LoraStackCache cache = new LoraStackCache(LAYERS, SITES, oneSet);

            LoraStacks first = cache.acquire(List.of(a));
            first.release();
            LoraStacks again = cache.acquire(List.of(a));
            assertThat(again).isSameAs(first);
            assertThat(cache.size()).isEqualTo(1);

            // A second set pushes the first (still held by a pass) out of the budget.
            LoraStacks other = cache.acquire(List.of(b));
            assertThat(cache.size()).isEqualTo(1);
            OnnxTensor held = first.tensors().get(RowLora.down(0, Projection.VALUE));
            assertThat(held.isClosed()).isFalse();
            again.release();
            assertThat(held.isClosed()).isTrue();
            other.release();

            cache.clear();
            assertThat(other.tensors().values()).allMatch(OnnxTensor::isClosed);
        }
    }

    private static float[] slice(float[] values, int from, int length) {
        float[] slice = new float[length];
        System.arraycopy(values, from, slice, 0, length);
        return slice;
    }

    private static LoraModule module(
            NDManager manager, int layer, Projection role, int rank, float value) {
        long[] shape = SITES.get(Projection.ENCODER_LAYER.indexOf(role)).weightShape();
        return new LoraModule(
                layer,
                role,
                manager.full(new Shape(shape[1], rank), value),
                manager.full(new Shape(rank, shape[0]), value));
    }
}
