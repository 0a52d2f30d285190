package dev.fmplex.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control plane's package rules, checked on its compiled classes (tests excluded). */
class ArchitectureTest {

    private static JavaClasses controlPlane;

    @BeforeAll
    static void importClasses() {
        controlPlane =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.fmplex.control", "dev.fmplex.controlplane");
    }

    @Test
    void theControlPlaneNeverLoadsDjlNorTheEngine() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("ai.djl..", "dev.fmplex.engine..")
                .because("the control plane runs without PyTorch; workers own the engine")
                .check(controlPlane);
    }

    @Test
    void itsPackagesFormNoCycles() {
        slices().matching("dev.fmplex.(**)").should().beFreeOfCycles().check(controlPlane);
    }

    @Test
    void thePlacementPolicyImportsNeitherSpringNorJpa() {
        noClasses()
                .that()
                .resideInAPackage("dev.fmplex.control.placement..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..", "jakarta.persistence..", "org.hibernate..")
                .check(controlPlane);
    }

    @Test
    void thePlacementPolicyNeedsNothingButTheJdk() {
        // bench runs the policy with none of the control plane's dependencies on its classpath.
        classes()
                .that()
                .resideInAPackage("dev.fmplex.control.placement..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.fmplex.control.placement..")
                .check(controlPlane);
    }
}
