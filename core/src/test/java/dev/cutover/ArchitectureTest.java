package dev.cutover;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Architecture rules for {@code cutover-core}'s main code: layers that point one way (docs/architecture.md
 * draws them), no vendor code, a clean SPI, no console output, no {@code java.util.logging}, and no
 * source file over 400 lines without a reason at its top.
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

    /**
     * The layers of docs/architecture.md, top to bottom: release groups (which coordinate several
     * deployments through the facade), the facade ({@link Cutover} and its builder),
     * history and recovery, the planner, the rollout engine, the locks and the in-memory provider the
     * core ships, and the foundation (the DSL values, SPI, journal, analysis, events, time and
     * internal helpers). A layer may use the layers below it, never one above.
     */
    @Test
    void layersPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Groups").definedBy("dev.cutover.group..")
                .layer("Facade").definedBy(belongToAnyOf(Cutover.class))
                .layer("History").definedBy("dev.cutover.history..")
                .layer("Planner").definedBy("dev.cutover.planner..")
                .layer("Engine").definedBy("dev.cutover.engine..")
                .layer("Locks").definedBy("dev.cutover.locks..")
                .layer("InMemory").definedBy("dev.cutover.inmemory..")
                .layer("Foundation").definedBy(resideInAnyPackage("dev.cutover", "dev.cutover.spi..", "dev.cutover.journal..",
                        "dev.cutover.analysis..", "dev.cutover.event..", "dev.cutover.time..", "dev.cutover.internal..")
                        .and(not(belongToAnyOf(Cutover.class))))
                .whereLayer("Groups").mayNotBeAccessedByAnyLayer()
                .whereLayer("Facade").mayOnlyBeAccessedByLayers("Groups")
                .whereLayer("History").mayOnlyBeAccessedByLayers("Facade")
                .whereLayer("Planner").mayOnlyBeAccessedByLayers("Facade", "History")
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("Facade", "History", "Planner")
                .whereLayer("Locks").mayOnlyBeAccessedByLayers("Facade", "Engine", "InMemory")
                .whereLayer("InMemory").mayNotBeAccessedByAnyLayer()
                .because("each concept has its own home and lower layers never reach back up (issue 15 item 4)")
                .check(core);
    }

    /**
     * Inside the foundation, time and the analysis values sit at the bottom: they use no other part of
     * the core. (The DSL values, {@code spi} and {@code internal} still use each other — a
     * {@code Change} names an {@code spi.ResourceId}, the SPI takes a {@code Release}, validation
     * lives in {@code internal.Problems}, which builds a {@code ValidationException} — so a rule that
     * the foundation's packages be free of cycles cannot hold yet; breaking those cycles means moving
     * public types between {@code dev.cutover} and {@code dev.cutover.spi}, left for a release that
     * may change the API.)
     */
    @Test
    void timeAndAnalysisUseNoOtherPartOfTheCore() {
        noClasses().that().resideInAnyPackage("dev.cutover.time..", "dev.cutover.analysis..")
                .should().dependOnClassesThat(resideInAPackage("dev.cutover..")
                        .and(not(resideInAnyPackage("dev.cutover.time..", "dev.cutover.analysis.."))))
                .because("time and metric analysis are the bottom of the core: everything else may use them")
                .check(core);
    }

    @Test
    void theMachineryIsNotHandedOutByThePublicApi() {
        methods().that().arePublic()
                .and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideOutsideOfPackages(
                        "dev.cutover.engine..", "dev.cutover.planner..", "dev.cutover.history..")
                .should().haveRawReturnType(not(resideInAnyPackage(
                        "dev.cutover.engine..", "dev.cutover.planner..", "dev.cutover.history..")))
                .because("the engine, planner and history are machinery behind the facade, not API")
                .check(core);
    }

    /** A source file over 400 lines says at its top why it is one file ("Over 400 lines: ..."). */
    @Test
    void noSourceFileOver400LinesWithoutAReasonAtItsTop() throws IOException {
        List<String> unexplained = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                boolean explained = lines.stream().limit(40).anyMatch(l -> l.contains("Over 400 lines:"));
                if (lines.size() > 400 && !explained) {
                    unexplained.add(f + " (" + lines.size() + " lines)");
                }
            }
        }
        assertThat(unexplained).as("split these files, or write at the top why they are one (\"Over 400 lines: ...\")")
                .isEmpty();
    }
}
