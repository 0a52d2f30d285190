package dev.fmplex.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SafetensorsHeaderTest {

    /** A file with the given JSON header followed by {@code dataBytes} zero bytes. */
    private static byte[] file(String header, int dataBytes) {
        return file(header, header.getBytes(StandardCharsets.UTF_8).length, dataBytes);
    }

    private static byte[] file(String header, long claimedHeaderLength, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + dataBytes)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(claimedHeaderLength)
                .put(json)
                .array();
    }

    @Test
    void readsEntriesInOrderWithMetadata() throws Exception {
        String header =
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[24,32]}}";
        SafetensorsHeader parsed = SafetensorsHeader.parse(file(header, 32));
        assertThat(parsed.tensors()).containsOnlyKeys("a", "b");
        assertThat(parsed.tensor("a").orElseThrow().shape()).containsExactly(2, 3);
        assertThat(parsed.tensor("b").orElseThrow().dtype()).isEqualTo(SafetensorsDType.BF16);
        assertThat(parsed.metadata()).containsEntry("format", "pt");
        assertThat(parsed.dataStart()).isEqualTo(8 + header.length());
    }

    @Test
    void acceptsScalarsAndEmptyTensors() throws Exception {
        String header =
                "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[4,4]}}";
        assertThat(SafetensorsHeader.parse(file(header, 4)).tensors()).hasSize(2);
    }

    @Test
    void rejectsAFileShorterThanTheLengthPrefix() {
        assertThatThrownBy(() -> SafetensorsHeader.parse(new byte[5]))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("8-byte header length");
    }

    @Test
    void rejectsAHeaderLengthThatLies() {
        String header = "{}";
        assertThatThrownBy(() -> SafetensorsHeader.parse(file(header, 1_000_000, 0)))
                .hasMessageContaining("says 1000000 bytes but 2 bytes follow");
        assertThatThrownBy(() -> SafetensorsHeader.parse(file(header, -1, 0)))
                .hasMessageContaining("18446744073709551615");
    }

    @Test
    void rejectsJsonThatIsNotAnObjectOfEntries() {
        assertThatThrownBy(() -> SafetensorsHeader.parse(file("{\"a\":", 0)))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> SafetensorsHeader.parse(file("[1,2]", 0)))
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> SafetensorsHeader.parse(file("{\"a\":3}", 0)))
                .hasMessageContaining("tensor 'a': entry must be an object");
    }

    @Test
    void rejectsUnknownDtypesAndBadShapes() {
        assertThatThrownBy(
                        () ->
                                SafetensorsHeader.parse(
                                        file(
                                                "{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}",
                                                16)))
                .hasMessageContaining("tensor 'a': unknown dtype 'F128'");
        assertThatThrownBy(
                        () ->
                                SafetensorsHeader.parse(
                                        file(
                                                "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                                                4)))
                .hasMessageContaining("shape[0] must be a non-negative integer");
        assertThatThrownBy(
                        () ->
                                SafetensorsHeader.parse(
                                        file(
                                                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                                                4)))
                .hasMessageContaining("shape[0] must be a non-negative integer");
        assertThatThrownBy(
                        () ->
                                SafetensorsHeader.parse(
                                        file(
                                                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}",
                                                4)))
                .hasMessageContaining("data_offsets must hold 2 integers, holds 1");
    }

    @Test
    void rejectsByteCountsThatDisagreeWithTheShape() {
        assertThatThrownBy(
                        () ->
                                SafetensorsHeader.parse(
                                        file(
                                                "{\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}",
                                                8)))
                .hasMessageContaining("F16 [3] needs 6 bytes but data_offsets span 8");
    }

    @Test
    void rejectsOffsetsOutsideTheDataSection() {
        assertThatThrownBy(
                        () ->
                                SafetensorsHeader.parse(
                                        file(
                                                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                                                12)))
                .hasMessageContaining("fall outside the 12-byte data section");
    }

    @Test
    void rejectsOverlapsHolesAndTrailingBytes() {
        String overlap =
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertThatThrownBy(() -> SafetensorsHeader.parse(file(overlap, 12)))
                .hasMessageContaining("overlaps");
        String hole =
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertThatThrownBy(() -> SafetensorsHeader.parse(file(hole, 12)))
                .hasMessageContaining("hole");
        String trailing = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertThatThrownBy(() -> SafetensorsHeader.parse(file(trailing, 8)))
                .hasMessageContaining("tensors cover 4 bytes but the data section holds 8");
    }
}
