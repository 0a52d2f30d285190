package dev.fmplex.engine.ort;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One file holding the large initializers of one or more graphs, which their {@code TensorProto}s
 * reference as ONNX external data ({@code location}, {@code offset}, {@code length}).
 *
 * <p>Why: ONNX Runtime maps page-aligned external data of CPU initializers into memory instead of
 * copying it. Graphs written against one such file therefore share one copy of the weights they
 * have in common (the page cache's), only the pages a pass touches become resident (most rows of an
 * embedding table never do), and opening a session parses a model file of a few kilobytes instead
 * of one carrying every weight. A tensor is written once, however many graphs reference it by its
 * name.
 */
public final class ExternalWeights implements Closeable {

    /** Offsets are multiples of this, the page size mmap needs on Linux. */
    static final int ALIGNMENT = 4096;

    /** Smaller tensors stay inline: padding them to a page would cost more than it saves. */
    static final long MIN_EXTERNAL_BYTES = 16 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Placement> placed = new HashMap<>();
    private long end;

    /** Where one tensor's bytes lie in the file. */
    record Placement(long offset, long length) {}

    /** Writes tensor bytes into the sink in order. */
    @FunctionalInterface
    interface Data {
        void writeTo(Sink sink) throws IOException;
    }

    /** Receives a tensor's bytes, chunk by chunk. */
    @FunctionalInterface
    interface Sink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    /**
     * @param file created or truncated; graph files referencing it must sit in the same directory
     */
    public ExternalWeights(Path file) throws IOException {
        this.file = file;
        this.channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
    }

    /** The file name graphs record as {@code location}, relative to their own directory. */
    String location() {
        return file.getFileName().toString();
    }

    /**
     * The placement of tensor {@code name}, writing its bytes at the next aligned offset the first
     * time it is asked for.
     *
     * @throws IllegalStateException if a tensor of that name was placed with another length
     */
    Placement place(String name, long length, Data data) throws IOException {
        Placement existing = placed.get(name);
        if (existing != null) {
            if (existing.length() != length) {
                throw new IllegalStateException(
                        "initializer '"
                                + name
                                + "' is "
                                + length
                                + " bytes here but was written with "
                                + existing.length());
            }
            return existing;
        }
        long offset = (end + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        channel.position(offset);
        long[] written = {0};
        data.writeTo(
                chunk -> {
                    written[0] += chunk.remaining();
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                });
        if (written[0] != length) {
            throw new IllegalStateException(
                    "initializer '" + name + "' wrote " + written[0] + " bytes, not " + length);
        }
        end = offset + length;
        Placement placement = new Placement(offset, length);
        placed.put(name, placement);
        return placement;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
