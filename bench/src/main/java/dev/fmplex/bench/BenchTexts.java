package dev.fmplex.bench;

/** Short, realistic inputs (about 10-20 tokens) the benchmarks share. */
public final class BenchTexts {

    public static final String[] SENTENCES = {
        "The quick brown fox jumps over the lazy dog.",
        "FMplex serves many task-customized models on one shared backbone.",
        "How do I reset my password if I no longer have access to my email?",
        "The court denied the motion to dismiss.",
        "Photosynthesis converts light energy into chemical energy in plants.",
        "Shipping was fast but the package arrived damaged.",
        "What is the capital of Australia?",
        "Please summarize the quarterly report in three bullet points.",
    };

    private BenchTexts() {}
}
