package dev.fmplex.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetensorsWriterTest {

    @Test
    void whatIsWrittenParsesBackWithItsShapesOffsetsAndValues() throws Exception {
        Map<String, SafetensorsWriter.F32> tensors = new LinkedHashMap<>();
        tensors.put(
                "classifier.weight",
                new SafetensorsWriter.F32(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
        tensors.put(
                "classifier.bias",
                new SafetensorsWriter.F32(new long[] {2}, new float[] {0.25f, -1}));
        byte[] file = SafetensorsWriter.write(tensors);

        SafetensorsHeader header = SafetensorsHeader.parse(file);
        assertThat(header.dataStart() % 8).isZero();
        TensorEntry weight = header.tensor("classifier.weight").orElseThrow();
        assertThat(weight.dtype()).isEqualTo(SafetensorsDType.F32);
        assertThat(weight.shape()).containsExactly(2, 3);
        assertThat(weight.begin()).isZero();
        assertThat(weight.end()).isEqualTo(24);
        TensorEntry bias = header.tensor("classifier.bias").orElseThrow();
        assertThat(bias.begin()).isEqualTo(24);
        assertThat(bias.end()).isEqualTo(32);
        assertThat(file.length).isEqualTo(header.dataStart() + 32);
        ByteBuffer data = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getFloat((int) (header.dataStart() + 20))).isEqualTo(-6.5f);
        assertThat(data.getFloat((int) (header.dataStart() + 28))).isEqualTo(-1f);
    }

    @Test
    void aShapeThatDoesNotHoldTheValuesIsRefused() {
        assertThatThrownBy(() -> new SafetensorsWriter.F32(new long[] {2, 2}, new float[3]))
                .hasMessage("shape [2, 2] holds 4 values, given 3");
    }
}
