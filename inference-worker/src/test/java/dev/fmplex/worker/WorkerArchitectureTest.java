package dev.fmplex.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The worker serves whatever families the classpath holds: it reaches them only through the
 * engine's {@code family} SPI and {@code ServedBackbone}, never a family package, so adding a
 * family changes nothing here.
 */
class WorkerArchitectureTest {

    private static final JavaClasses WORKER =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.fmplex.worker");

    @Test
    void theWorkerDependsOnNoFamilyPackage() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.fmplex.engine.family.*..")
                .check(WORKER);
    }

    /**
     * Constants javac inlined do not show in classes: the sources must not name a family either.
     */
    @Test
    void noWorkerSourceNamesAFamily() throws IOException {
        Pattern familyName = Pattern.compile("dev\\.fmplex\\.engine\\.family\\.[a-z0-9_]+\\.");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            assertThat(
                            files.filter(f -> f.toString().endsWith(".java"))
                                    .filter(f -> familyName.matcher(read(f)).find())
                                    .map(Path::toString)
                                    .toList())
                    .isEmpty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void workerPackagesHaveNoCycles() {
        slices().matching("dev.fmplex.worker.(**)").should().beFreeOfCycles().check(WORKER);
    }
}
