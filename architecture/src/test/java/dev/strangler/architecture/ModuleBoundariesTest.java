package dev.strangler.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries DESIGN.md draws between the modules, checked on the compiled production classes of every module:
 * the command line uses the engine's API packages only, the parity checker and the outbox never reach into the
 * engine, the parity checker never into the sink, the outbox and the sink depend on the contract only, the
 * contract depends on nothing, secret resolution on Kafka's config providers only, nothing production depends on the
 * sandbox, and no two modules depend on each other both ways.
 */
class ModuleBoundariesTest {

    /**
     * What the command line may use of the engine: the pipeline, its configuration, the doctor's report, the slot's
     * administration and the metrics/status model; the rest (kafka, resume, source) is the engine's own.
     */
    private static final String[] ENGINE_API = {"dev.strangler.engine", "dev.strangler.engine.config",
        "dev.strangler.engine.doctor", "dev.strangler.engine.admin", "dev.strangler.engine.metrics"};

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.strangler");
    }

    @Test
    void shouldImportEveryModule() {
        for (String pkg : new String[] {"dev.strangler.contract", "dev.strangler.security", "dev.strangler.sql",
            "dev.strangler.engine",
            "dev.strangler.outbox", "dev.strangler.parity", "dev.strangler.cli", "dev.strangler.demo",
            "dev.strangler.sandbox", "dev.strangler.sink"}) {
            org.assertj.core.api.Assertions.assertThat(production.stream()
                    .anyMatch(c -> c.getPackageName().startsWith(pkg))).as(pkg + " classes imported").isTrue();
        }
    }

    @Test
    void shouldKeepTheCommandLineOnTheEnginesApi() {
        classes().that().resideInAPackage("dev.strangler.cli..")
                .should().onlyDependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "outside the engine, or in its API packages",
                        c -> !c.getPackageName().startsWith("dev.strangler.engine")
                                || java.util.Arrays.asList(ENGINE_API).contains(c.getPackageName())))
                .check(production);
    }

    @Test
    void shouldKeepTheParityCheckerIndependentOfTheEngine() {
        noClasses().that().resideInAPackage("dev.strangler.parity..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strangler.engine..", "dev.strangler.cli..",
                        "dev.strangler.outbox..")
                .check(production);
    }

    /**
     * The reverse check folds a sink's topics through its own {@code SinkModel}; the command line wires the sink's
     * projection into it, so the checker can be handed any sink's semantics and the sink never learns of parity.
     */
    @Test
    void shouldLetTheParityCheckerReadASinkOnlyThroughItsOwnInterface() {
        noClasses().that().resideInAPackage("dev.strangler.parity..")
                .should().dependOnClassesThat().resideInAPackage("dev.strangler.sink..")
                .check(production);
    }

    @Test
    void shouldLetTheOutboxDependOnTheContractOnly() {
        noClasses().that().resideInAPackage("dev.strangler.outbox..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strangler.engine..",
                        "dev.strangler.parity..", "dev.strangler.cli..", "dev.strangler.sandbox..",
                        "dev.strangler.demo..")
                .check(production);
    }

    @Test
    void shouldLetTheSinkDependOnTheContractOnly() {
        noClasses().that().resideInAPackage("dev.strangler.sink..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strangler.engine..",
                        "dev.strangler.parity..", "dev.strangler.cli..", "dev.strangler.sandbox..",
                        "dev.strangler.demo..", "dev.strangler.outbox..")
                .check(production);
    }

    @Test
    void shouldKeepTheEngineFreeOfItsUsers() {
        noClasses().that().resideInAPackage("dev.strangler.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strangler.parity..", "dev.strangler.cli..",
                        "dev.strangler.demo..", "dev.strangler.outbox..", "dev.strangler.sandbox..",
                        "dev.strangler.sink..")
                .check(production);
    }

    @Test
    void shouldLetTheContractDependOnNothing() {
        classes().that().resideInAPackage("dev.strangler.contract..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.strangler.contract..", "java..")
                .check(production);
    }

    /** Secret resolution is shared by every module that reads a configuration, so it may know none of them. */
    @Test
    void shouldLetTheSecurityModuleDependOnKafkasClientsOnly() {
        classes().that().resideInAPackage("dev.strangler.security..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.strangler.security..", "java..",
                        "org.apache.kafka.common.config..")
                .check(production);
    }

    @Test
    void shouldKeepTheSandboxOutOfEveryProductionModule() {
        noClasses().that().resideOutsideOfPackages("dev.strangler.sandbox..", "dev.strangler.demo..",
                        "dev.strangler.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.strangler.sandbox..")
                .check(production);
    }

    @Test
    void shouldHaveNoCyclesBetweenModules() {
        slices().matching("dev.strangler.(*)..").should().beFreeOfCycles().check(production);
    }
}
