package dev.fmplex.engine.ort;

import dev.fmplex.engine.extension.LoraModule;
import dev.fmplex.engine.nn.ProjectionSite;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The most recently used {@link LoraStacks}, by adapter set, within a byte budget. Passes with the
 * same adapters in the same slot order (see {@link RowLora#feed}) share one set of stacks; a set
 * over the budget on its own is built for its pass and not kept.
 *
 * <p>An adapter is keyed by the identity of its first module (a module belongs to one adapter): a
 * reloaded or new version of a vFM brings new modules, so a stale set is never served; it only
 * waits for eviction.
 */
final class LoraStackCache {

    private final int layers;
    private final int layerBase;
    private final List<ProjectionSite> sites;
    private final long budgetBytes;
    private final Map<List<Identity>, LoraStacks> sets = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    LoraStackCache(int layers, List<ProjectionSite> sites, long budgetBytes) {
        this(layers, 0, sites, budgetBytes);
    }

    LoraStackCache(int layers, int layerBase, List<ProjectionSite> sites, long budgetBytes) {
        this.layers = layers;
        this.layerBase = layerBase;
        this.sites = List.copyOf(sites);
        this.budgetBytes = budgetBytes;
    }

    /**
     * The stacks for {@code adapters} in slot order, held for one pass until {@link
     * LoraStacks#release}.
     */
    LoraStacks acquire(List<List<LoraModule>> adapters) {
        List<Identity> key = new ArrayList<>(adapters.size());
        for (List<LoraModule> adapter : adapters) {
            key.add(new Identity(adapter.get(0)));
        }
        synchronized (this) {
            LoraStacks cached = sets.get(key);
            if (cached != null) {
                cached.acquire();
                return cached;
            }
        }
        // Built outside the lock: a pass with a new set does not hold up passes with known ones.
        LoraStacks built = LoraStacks.build(layers, layerBase, sites, adapters);
        built.acquire();
        synchronized (this) {
            LoraStacks raced = sets.get(key);
            if (raced != null) {
                raced.acquire();
                built.release();
                built.evict();
                return raced;
            }
            if (built.bytes() > budgetBytes) {
                built.evict();
                return built;
            }
            sets.put(key, built);
            bytes += built.bytes();
            Iterator<Map.Entry<List<Identity>, LoraStacks>> oldest = sets.entrySet().iterator();
            while (bytes > budgetBytes && oldest.hasNext()) {
                LoraStacks victim = oldest.next().getValue();
                if (victim == built) {
                    continue;
                }
                oldest.remove();
                bytes -= victim.bytes();
                victim.evict();
            }
        }
        return built;
    }

    /** Drops every set (the backbone is closing); sets in use close when their pass ends. */
    synchronized void clear() {
        sets.values().forEach(LoraStacks::evict);
        sets.clear();
        bytes = 0;
    }

    synchronized int size() {
        return sets.size();
    }

    /** An adapter, by the identity of its first module. */
    private record Identity(LoraModule first) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Identity that && that.first == first;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(first);
        }
    }
}
