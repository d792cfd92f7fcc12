package io.geokv.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The structure of geokv, checked on every build: the domain decisions import no framework, the
 * modules depend on each other in one direction only, and no two packages need each other.
 */
@AnalyzeClasses(packages = "io.geokv", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The conflict model, log positions and names, anti-entropy digests, data residency, routing, hashing (home regions), tokens, sessions
     * and health decisions: pure logic, testable without any broker, database or web server.
     */
    @ArchTest
    static final ArchRule domainLogicImportsNoFramework = noClasses()
            .that()
            .resideInAnyPackage(
                    "io.geokv.conflict..",
                    "io.geokv.position..",
                    "io.geokv.naming..",
                    "io.geokv.digest..",
                    "io.geokv.residency..",
                    "io.geokv.access",
                    "io.geokv.gateway.routing",
                    "io.geokv.gateway.consistency",
                    "io.geokv.gateway.tokens",
                    "io.geokv.gateway.session",
                    "io.geokv.gateway.health",
                    "io.geokv.history..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..",
                    "org.apache.kafka..",
                    "io.r2dbc..",
                    "java.sql..",
                    "javax.sql..",
                    "io.lettuce..",
                    "reactor..",
                    "io.micrometer..")
            .because("domain decisions must be testable and reusable without any framework or I/O");

    /**
     * Libraries below, applications above; applications never use each other. The conflict model is
     * the bottom: it uses no other geokv layer, and the event log and the mirroring (what MirrorMaker 2
     * loads) use only the conflict model. The tests' shared fixtures (module test-support, used with
     * test scope) are never used by main code, and build on no module, so that the tests of every
     * module can use them, the region store's included.
     */
    @ArchTest
    static final ArchRule modulesDependInOneDirection = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("conflict model")
            .definedBy(
                    "io.geokv.conflict..",
                    "io.geokv.naming..",
                    "io.geokv.position..",
                    "io.geokv.digest..",
                    "io.geokv.residency..")
            .layer("event log")
            .definedBy("io.geokv.event..", "io.geokv.topics..")
            .layer("mirroring")
            .definedBy("io.geokv.mirror..")
            .layer("access control")
            .definedBy("io.geokv.access..")
            .layer("region store")
            .definedBy("io.geokv.store..")
            .layer("region progress")
            .definedBy("io.geokv.progress..")
            .layer("replication")
            .definedBy("io.geokv.replication..")
            .layer("gateway")
            .definedBy("io.geokv.gateway..")
            .layer("history checker")
            .definedBy("io.geokv.history..")
            .layer("bench")
            .definedBy("io.geokv.bench..")
            .layer("local services")
            .definedBy("io.geokv.local..")
            .layer("test support")
            .definedBy("io.geokv.testing..")
            .whereLayer("conflict model")
            .mayNotAccessAnyLayer()
            .whereLayer("event log")
            .mayOnlyAccessLayers("conflict model")
            .whereLayer("mirroring")
            .mayOnlyAccessLayers("conflict model")
            .whereLayer("gateway")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("replication")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("bench")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("local services")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("history checker")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("test support")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("test support")
            .mayNotAccessAnyLayer()
            .whereLayer("access control")
            .mayOnlyBeAccessedByLayers("replication", "gateway")
            .whereLayer("access control")
            .mayNotAccessAnyLayer()
            .whereLayer("region progress")
            .mayOnlyBeAccessedByLayers("replication", "gateway")
            .whereLayer("region store")
            .mayOnlyBeAccessedByLayers("region progress", "replication", "gateway", "bench")
            .because("each module has one job and is used only through the modules above it");

    /** The history checker re-implements the merge rule on purpose: a bug in the merge cannot hide itself. */
    @ArchTest
    static final ArchRule historyCheckerStandsAlone = noClasses()
            .that()
            .resideInAPackage("io.geokv.history..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.geokv.conflict..",
                    "io.geokv.event..",
                    "io.geokv.store..",
                    "io.geokv.progress..",
                    "io.geokv.replication..",
                    "io.geokv.gateway..");

    /**
     * Services speak the domain: reads and writes of keys take and return domain types and throw
     * domain problems; HTTP (headers, statuses, problem+json) stays in the web edge.
     */
    @ArchTest
    static final ArchRule keyServicesDoNotSpeakHttp = noClasses()
            .that()
            .resideInAnyPackage("io.geokv.gateway.kv", "io.geokv.gateway.kv.read", "io.geokv.gateway.kv.write")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.web..", "org.springframework.http..", "io.geokv.gateway.web..")
            .because("the web edge parses requests into domain types once and maps domain problems to HTTP");

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("io.geokv.(**)").should().beFreeOfCycles();
}
