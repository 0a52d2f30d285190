package dev.fmplex.engine.registry;

import dev.fmplex.engine.extension.VfmModel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The serving version of every loaded vFM of one backbone.
 *
 * <p>{@link #install} swaps a new version in atomically and releases the old one, whose native
 * memory is freed when the last batch that acquired it releases it. The backbone and other vFMs are
 * never paused.
 */
public final class VfmRegistry {

    private final Map<String, VfmModel> serving = new ConcurrentHashMap<>();

    /**
     * Makes {@code model} the serving version of its vFM.
     *
     * @return the version it replaced, already released by the registry, or empty
     */
    public Optional<Integer> install(VfmModel model) {
        VfmModel previous = serving.put(model.vfmId(), model);
        if (previous == model) {
            throw new IllegalArgumentException("version is already installed");
        }
        if (previous == null) {
            return Optional.empty();
        }
        previous.release();
        return Optional.of(previous.version());
    }

    /** Stops serving {@code vfmId}; in-flight batches finish on the version they hold. */
    public boolean unload(String vfmId) {
        VfmModel previous = serving.remove(vfmId);
        if (previous == null) {
            return false;
        }
        previous.release();
        return true;
    }

    /** The serving version, retained for the caller, who must {@link VfmModel#release()} it. */
    public Optional<VfmModel> acquire(String vfmId) {
        while (true) {
            VfmModel model = serving.get(vfmId);
            if (model == null) {
                return Optional.empty();
            }
            if (model.retain()) {
                return Optional.of(model);
            }
            // A mapped version always holds the registry's reference, so a failed retain means
            // it was swapped out after we read it: read the map again.
        }
    }

    /** Resident bytes of the serving version, if loaded. */
    public Optional<Long> residentBytes(String vfmId) {
        VfmModel model = serving.get(vfmId);
        return model == null ? Optional.empty() : Optional.of(model.residentBytes());
    }

    public int size() {
        return serving.size();
    }

    /** Releases every version (worker shutdown). */
    public void clear() {
        serving.keySet().forEach(this::unload);
    }
}
