package dev.fmplex.engine.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where a family keeps the projection of one {@link Projection} role inside an encoder layer, and
 * its shape: what LoRA may adapt and what an adapter's tensors must match.
 *
 * @param role the projection's role
 * @param path the module path inside a layer, e.g. {@code attention.self.query} (BERT) or {@code
 *     self_attn.q_proj} (CLIP)
 * @param in the projection's input width
 * @param out the projection's output width
 */
public record ProjectionSite(Projection role, String path, long in, long out) {

    public ProjectionSite {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("a projection site needs a module path");
        }
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException(
                    path + ": widths must be > 0, are in " + in + ", out " + out);
        }
    }

    /**
     * The six projections of a standard encoder layer (attention with query, key, value and output
     * at {@code hidden} width; a feed-forward block through {@code intermediate}), in role order.
     *
     * @param path the family's module path of each role
     */
    public static List<ProjectionSite> encoderLayer(
            Function<Projection, String> path, long hidden, long intermediate) {
        List<ProjectionSite> sites = new ArrayList<>();
        for (Projection role : Projection.ENCODER_LAYER) {
            String at = path.apply(role);
            sites.add(
                    switch (role) {
                        case QUERY, KEY, VALUE, ATTENTION_OUTPUT ->
                                new ProjectionSite(role, at, hidden, hidden);
                        case INTERMEDIATE -> new ProjectionSite(role, at, hidden, intermediate);
                        case OUTPUT -> new ProjectionSite(role, at, intermediate, hidden);
                    });
        }
        return List.copyOf(sites);
    }

    /** {@code [out, in]}: PyTorch's layout of the weight. */
    public long[] weightShape() {
        return new long[] {out, in};
    }
}
