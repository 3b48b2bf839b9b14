package dev.cutover;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Architecture rules for {@code cutover-core}'s main code: no vendor code, a clean SPI, no console
 * output and no {@code java.util.logging}.
 */
class ArchitectureTest {

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        // Test classes are left out by location: builds may use another output folder (target-<suffix>),
        // which ArchUnit's predefined DO_NOT_INCLUDE_TESTS (it looks for /target/test-classes/) would miss.
        ImportOption mainOnly = location -> !location.contains("/test-classes/");
        core = new ClassFileImporter()
                .withImportOption(mainOnly)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.cutover");
    }

    @Test
    void importsTheCoreClasses() {
        // guards against a rule passing vacuously because nothing was imported
        assertThat(core.contain(Service.class)).isTrue();
        assertThat(core.containPackage("dev.cutover.spi")).isTrue();
        assertThat(core.contain(ArchitectureTest.class)).isFalse();
    }

    @Test
    void coreKnowsNoVendorNorTheLocalCloud() {
        noClasses().that().resideInAPackage("dev.cutover..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "software.amazon..", "com.orbitz..", "com.fasterxml..", "dev.cutover.localcloud..")
                .because("core knows no vendor (DESIGN.md): AWS, Consul and Jackson belong to provider modules")
                .check(core);
    }

    @Test
    void spiDoesNotDependOnInternals() {
        noClasses().that().resideInAPackage("dev.cutover.spi..")
                .should().dependOnClassesThat().resideInAPackage("dev.cutover.internal..")
                .because("providers implement the SPI from other modules and must not be tied to core's machinery")
                .check(core);
    }

    @Test
    void internalsDoNotLeakIntoPublicReturnTypes() {
        methods().that().arePublic()
                .and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideOutsideOfPackage("dev.cutover.internal..")
                .should().haveRawReturnType(not(resideInAPackage("dev.cutover.internal..")))
                .because("users are told not to touch dev.cutover.internal, so the public API must not hand it out")
                .check(core);
    }

    @Test
    void noConsoleOutput() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.because("an embedded library logs through SLF4J").check(core);
    }

    @Test
    void noJavaUtilLogging() {
        NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.because("core logs through the SLF4J API").check(core);
    }
}
