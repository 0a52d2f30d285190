package dev.fmplex.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.fmplex.engine.family.BackboneFamilies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's layout rules, enforced by the build rather than remembered: one package per model
 * family behind the {@code family} SPI, shared blocks that never reach into a family, and an engine
 * that knows nothing of Spring or of the HTTP contract's problem types.
 */
class ArchitectureTest {

    private static final String FAMILY_SPI = "dev.fmplex.engine.family";

    /** A class of one family's package (or below it), not the SPI package itself. */
    private static final DescribedPredicate<JavaClass> IN_A_FAMILY =
            DescribedPredicate.describe(
                    "in a family package", c -> c.getPackageName().startsWith(FAMILY_SPI + "."));

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.fmplex.engine");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.fmplex.engine.(**)").should().beFreeOfCycles().check(engine);
    }

    @Test
    void nothingOutsideTheFamiliesDependsOnAFamily() {
        noClasses()
                .that(DescribedPredicate.not(IN_A_FAMILY))
                .should()
                .dependOnClassesThat(IN_A_FAMILY)
                .check(engine);
    }

    /**
     * Compiled classes do not show constants javac inlined (a family's file name, say), so the
     * sources are read too: outside the family packages (the SPI package included) no file names a
     * family package, by import or fully qualified.
     */
    @Test
    void noSourceOutsideTheFamiliesNamesAFamily() throws IOException {
        Path sources = Path.of("src/main/java/dev/fmplex/engine");
        Pattern familyName = Pattern.compile("dev\\.fmplex\\.engine\\.family\\.[a-z0-9_]+\\.");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders =
                    files.filter(f -> f.toString().endsWith(".java"))
                            .filter(f -> !inAFamilyPackage(sources.relativize(f)))
                            .filter(f -> familyName.matcher(read(f)).find())
                            .map(Path::toString)
                            .toList();
        }
        assertThat(offenders).isEmpty();
    }

    /** {@code family/<name>/...}, not {@code family/BackboneFamily.java}. */
    private static boolean inAFamilyPackage(Path relative) {
        return relative.getNameCount() > 2 && relative.getName(0).toString().equals("family");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void familiesDoNotDependOnEachOther() {
        slices().matching("dev.fmplex.engine.family.(*)..")
                .should()
                .notDependOnEachOther()
                .check(engine);
    }

    @Test
    void theEngineKnowsNeitherSpringNorTheProblemContract() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "dev.fmplex.model.problem..")
                .check(engine);
    }

    @Test
    void everyFamilyIsFoundThroughTheServiceLoader() {
        // The SPI is the families' only door: each family package holds exactly one provider.
        List<String> packages =
                BackboneFamilies.installed().all().stream()
                        .map(f -> f.getClass().getPackageName())
                        .sorted()
                        .toList();
        assertThat(packages)
                .containsExactly(
                        FAMILY_SPI + ".bert",
                        FAMILY_SPI + ".clip",
                        FAMILY_SPI + ".patchtst",
                        FAMILY_SPI + ".vit");
    }
}
