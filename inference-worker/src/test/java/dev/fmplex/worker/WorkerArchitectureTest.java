package dev.fmplex.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

    @Test
    void workerPackagesHaveNoCycles() {
        slices().matching("dev.fmplex.worker.(**)").should().beFreeOfCycles().check(WORKER);
    }
}
