package dev.fmplex.engine.checkpoint.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The wire-format reader on hand-built models: both encodings protobuf allows for repeated scalars
 * (packed and unpacked), typed {@code float_data} instead of {@code raw_data}, fields it must skip,
 * and the one it must refuse (external data).
 */
class OnnxModelReaderTest {

    @Test
    void readsTypedFloatDataPackedAndUnpackedDimsAndSkipsUnknownFields() throws IOException {
        byte[] tensor =
                message(
                        out -> {
                            writeUnchecked(
                                    () -> {
                                        out.writeInt64(1, 2); // dims, unpacked
                                        out.writeInt64(1, 2);
                                        out.writeInt32(2, OnnxTensor.FLOAT);
                                        out.writeString(8, "w");
                                        out.writeString(12, "a doc string to skip");
                                        out.writeTag(4, 2); // float_data, packed
                                        out.writeUInt32NoTag(16);
                                        for (float f : new float[] {1f, 2f, 3f, 4f}) {
                                            out.writeFloatNoTag(f);
                                        }
                                    });
                        });
        byte[] packedDims =
                message(
                        out ->
                                writeUnchecked(
                                        () -> {
                                            out.writeTag(1, 2);
                                            out.writeUInt32NoTag(2);
                                            out.writeInt64NoTag(3);
                                            out.writeInt64NoTag(1);
                                            out.writeInt32(2, OnnxTensor.FLOAT);
                                            out.writeString(8, "b");
                                            out.writeBytes(
                                                    9,
                                                    ByteString.copyFrom(
                                                            new byte[] {
                                                                0,
                                                                0,
                                                                (byte) 0x80,
                                                                0x3f,
                                                                0,
                                                                0,
                                                                0,
                                                                0x40,
                                                                0,
                                                                0,
                                                                0x40,
                                                                0x40
                                                            }));
                                        }));
        byte[] node =
                message(
                        out ->
                                writeUnchecked(
                                        () -> {
                                            out.writeString(1, "x");
                                            out.writeString(1, "w");
                                            out.writeString(2, "y");
                                            out.writeString(3, "mm");
                                            out.writeString(4, "MatMul");
                                        }));
        byte[] graph =
                message(
                        out ->
                                writeUnchecked(
                                        () -> {
                                            out.writeString(2, "g");
                                            out.writeByteArray(1, node);
                                            out.writeByteArray(5, tensor);
                                            out.writeByteArray(5, packedDims);
                                        }));
        byte[] model =
                message(
                        out ->
                                writeUnchecked(
                                        () -> {
                                            out.writeInt64(1, 8); // ir_version
                                            out.writeString(2, "test");
                                            out.writeByteArray(7, graph);
                                        }));

        OnnxGraph parsed = OnnxModelReader.read(model);

        assertThat(parsed.nodes())
                .containsExactly(
                        new OnnxNode(
                                "mm",
                                "MatMul",
                                java.util.List.of("x", "w"),
                                java.util.List.of("y")));
        OnnxTensor w = parsed.initializers().get("w");
        assertThat(w.dims()).containsExactly(2, 2);
        assertThat(w.floats()).containsExactly(1f, 2f, 3f, 4f);
        OnnxTensor b = parsed.initializers().get("b");
        assertThat(b.dims()).containsExactly(3, 1);
        assertThat(b.floats()).containsExactly(1f, 2f, 3f);
        assertThat(parsed.firstConsumerOf("w")).map(OnnxNode::name).contains("mm");
    }

    @Test
    void refusesExternalDataAndFilesWithoutAGraph() {
        byte[] external =
                message(
                        out ->
                                writeUnchecked(
                                        () -> {
                                            out.writeString(8, "w");
                                            out.writeByteArray(13, new byte[] {1});
                                        }));
        byte[] model =
                message(
                        out ->
                                writeUnchecked(
                                        () ->
                                                out.writeByteArray(
                                                        7,
                                                        message(
                                                                g ->
                                                                        writeUnchecked(
                                                                                () ->
                                                                                        g
                                                                                                .writeByteArray(
                                                                                                        5,
                                                                                                        external))))));
        assertThatThrownBy(() -> OnnxModelReader.read(model)).hasMessageContaining("external file");
        assertThatThrownBy(
                        () ->
                                OnnxModelReader.read(
                                        message(out -> writeUnchecked(() -> out.writeInt64(1, 8)))))
                .hasMessageContaining("no graph");
    }

    @Test
    void floatsRefuseDataThatDisagreesWithTheDims() {
        OnnxTensor lying =
                new OnnxTensor(
                        "w",
                        new long[] {3},
                        OnnxTensor.FLOAT,
                        ByteString.copyFrom(new byte[8]),
                        new float[0]);
        assertThatThrownBy(lying::floats).hasMessageContaining("holds 8 raw bytes for dims [3]");
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void writeUnchecked(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] message(Consumer<CodedOutputStream> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.accept(out);
        writeUnchecked(out::flush);
        return bytes.toByteArray();
    }
}
