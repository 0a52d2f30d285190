package dev.fmplex.engine.extension;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fmplex.engine.extension.head.Head;
import dev.fmplex.model.task.Pooling;
import dev.fmplex.model.task.TaskSpec;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded version of a vFM: its task, feature choice and extension tensors, which live in the
 * version's own NDManager.
 *
 * <p>Batches {@link #retain()} the versions they run and {@link #release()} them when done, so a
 * replaced or unloaded version frees its native memory only after the last batch that uses it, and
 * never pauses anyone.
 */
public final class VfmModel {

    private final String vfmId;
    private final int version;
    private final TaskSpec task;
    private final int layer;
    private final LoraAdapter lora;
    private final SoftPrompt prompt;
    private final Head head;
    private final NDManager manager;
    private final long residentBytes;
    private final AtomicInteger users = new AtomicInteger(1);

    /**
     * @param layer the resolved hidden-state index the head reads
     * @param manager owns every tensor of this version; closed when the last user releases it
     */
    public VfmModel(
            String vfmId,
            int version,
            TaskSpec task,
            int layer,
            LoraAdapter lora,
            SoftPrompt prompt,
            Head head,
            NDManager manager) {
        this.vfmId = vfmId;
        this.version = version;
        this.task = task;
        this.layer = layer;
        this.lora = lora;
        this.prompt = prompt;
        this.head = head;
        this.manager = manager;
        this.residentBytes = computeResidentBytes(lora, prompt, head);
    }

    public String vfmId() {
        return vfmId;
    }

    public int version() {
        return version;
    }

    public TaskSpec task() {
        return task;
    }

    public int layer() {
        return layer;
    }

    public Pooling pooling() {
        return task.pooling();
    }

    /** Null when the vFM has no LoRA. */
    public LoraAdapter lora() {
        return lora;
    }

    /** Null when the vFM has no soft prompt. */
    public SoftPrompt prompt() {
        return prompt;
    }

    public int promptLength() {
        return prompt == null ? 0 : prompt.length();
    }

    public Head head() {
        return head;
    }

    /**
     * Whether the backbone forward itself differs for this vFM's rows; without such extensions its
     * rows can share a forward with any other vFM's rows on the same input.
     */
    public boolean changesBackbone() {
        return lora != null || prompt != null;
    }

    /** Bytes of this version's own tensors; the shared backbone is never counted. */
    public long residentBytes() {
        return residentBytes;
    }

    /** Takes a reference for a batch; false when the version is already unloaded. */
    public boolean retain() {
        while (true) {
            int current = users.get();
            if (current == 0) {
                return false;
            }
            if (users.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one frees the version's native memory. */
    public void release() {
        int left = users.decrementAndGet();
        if (left == 0) {
            manager.close();
        } else if (left < 0) {
            throw new IllegalStateException(
                    "vFM " + vfmId + " version " + version + " released more often than retained");
        }
    }

    private static long computeResidentBytes(LoraAdapter lora, SoftPrompt prompt, Head head) {
        long bytes = head.byteSize();
        if (prompt != null) {
            bytes += bytes(prompt.embeddings());
        }
        if (lora != null) {
            for (LoraModule module : lora.modules()) {
                bytes += bytes(module.downT()) + bytes(module.upT());
            }
        }
        return bytes;
    }

    private static long bytes(NDArray array) {
        return array.size() * array.getDataType().getNumOfBytes();
    }
}
