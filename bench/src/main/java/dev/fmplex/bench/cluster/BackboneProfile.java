package dev.fmplex.bench.cluster;

import java.util.List;
import java.util.Random;

/**
 * What the simulator needs to know of a backbone: its transformer shape (which sets the cost of a
 * batch), its parameter count (which sets its memory) and the work one request brings: rows (one
 * per input; PatchTST runs one row per channel) and units per row (tokens for text, patches plus
 * the CLS token for images, patches for series).
 *
 * <p>Shapes and parameter counts are the published configurations of each model.
 */
record BackboneProfile(
        String name,
        String modality,
        int layers,
        int hidden,
        int intermediate,
        long parameters,
        int rowsPerRequest,
        UnitMix units) {

    /** How many units a row has: fixed for images and series, a long-tailed mix for text. */
    interface UnitMix {
        int sample(Random random);

        double mean();

        /** Expected longest row among {@code rows} drawn rows: what a batch is padded to. */
        double expectedMax(int rows);
    }

    /** A fixed number of units per row. */
    record Fixed(int units) implements UnitMix {
        @Override
        public int sample(Random random) {
            return units;
        }

        @Override
        public double mean() {
            return units;
        }

        @Override
        public double expectedMax(int rows) {
            return units;
        }
    }

    /**
     * The serving comparison's text mix in tokens: 70% one sentence (10-22 tokens), 25% two to four
     * (30-70), 5% a passage (110-140).
     */
    record TextMix() implements UnitMix {
        @Override
        public int sample(Random random) {
            double u = random.nextDouble();
            if (u < 0.70) {
                return 10 + random.nextInt(13);
            }
            return u < 0.95 ? 30 + random.nextInt(41) : 110 + random.nextInt(31);
        }

        @Override
        public double mean() {
            return 0.70 * 16 + 0.25 * 50 + 0.05 * 125;
        }

        /** Exactly, from the distribution: E[max] = sum over x of x (F(x)^n - F(x-1)^n). */
        @Override
        public double expectedMax(int rows) {
            double expected = 0;
            double below = 0;
            for (int x = 10; x <= 140; x++) {
                double cumulative = below + probability(x);
                expected += x * (Math.pow(cumulative, rows) - Math.pow(below, rows));
                below = cumulative;
            }
            return expected;
        }

        private static double probability(int units) {
            if (units >= 10 && units <= 22) {
                return 0.70 / 13;
            }
            if (units >= 30 && units <= 70) {
                return 0.25 / 41;
            }
            return units >= 110 && units <= 140 ? 0.05 / 31 : 0;
        }
    }

    static final BackboneProfile MINILM =
            new BackboneProfile(
                    "all-MiniLM-L6-v2", "text", 6, 384, 1536, 22_565_376L, 1, new TextMix());
    static final BackboneProfile BERT_BASE =
            new BackboneProfile(
                    "bert-base-uncased", "text", 12, 768, 3072, 109_482_240L, 1, new TextMix());
    static final BackboneProfile BERT_LARGE =
            new BackboneProfile(
                    "bert-large-uncased", "text", 24, 1024, 4096, 335_141_888L, 1, new TextMix());

    /** google/vit-base-patch16-224: 196 patches + CLS. */
    static final BackboneProfile VIT_B16 =
            new BackboneProfile(
                    "vit-base-patch16-224", "image", 12, 768, 3072, 86_389_248L, 1, new Fixed(197));

    /**
     * openai/clip-vit-base-patch32, image tasks through the vision tower (49 patches + CLS); both
     * towers are held in memory.
     */
    static final BackboneProfile CLIP_B32 =
            new BackboneProfile(
                    "clip-vit-base-patch32",
                    "image",
                    12,
                    768,
                    3072,
                    151_277_313L,
                    1,
                    new Fixed(50));

    /**
     * A PatchTST of the transformers defaults (d_model 128, 3 layers, ffn 512) on a 512-step
     * context, patch length and stride 12 (42 patches), 7 channels run as 7 rows.
     */
    static final BackboneProfile PATCHTST =
            new BackboneProfile(
                    "patchtst-etth1", "series", 3, 128, 512, 606_976L, 7, new Fixed(42));

    static final List<BackboneProfile> CATALOG =
            List.of(MINILM, BERT_BASE, BERT_LARGE, VIT_B16, CLIP_B32, PATCHTST);

    /** fp32 bytes of the weights. */
    long weightBytes() {
        return 4 * parameters;
    }

    /**
     * Bytes a task's own tensors take: a LoRA of rank {@code rank} on query and value of every
     * layer plus a 3-output head, or the head alone when {@code rank} is 0.
     */
    long adapterBytes(int rank) {
        long lora = rank == 0 ? 0 : 2L * layers * (2L * rank * hidden) * 4;
        return lora + (3L * hidden + 3) * 4;
    }
}
