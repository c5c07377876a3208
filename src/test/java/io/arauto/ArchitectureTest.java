package io.arauto;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package map (README, "Layout"): each package of io.arauto has one reason to change, and its
 * dependencies point only downwards, from the sources and the sending loop through the ledger to
 * the plain building blocks. A new package has to find its place here before it can hold a class.
 *
 * <pre>
 * api                      uses  intake, report, ledger, optout, verdict, template, audit (the REST API: calls them, nothing calls it)
 * trigger                  uses  intake, read, template, optout, ledger, audit
 * intake (+ folder, sftp)  uses  read, verdict, template, optout, ledger, audit
 * send                     uses  ledger, optout, template, verdict, audit
 * webhook                  uses  ledger, optout, verdict, audit
 * report                   uses  ledger
 * optout                   uses  ledger, verdict, audit
 * ledger                   uses  verdict
 * verdict                  uses  read, template
 * audit, read, template    use   config and support only
 * config, support          use   nothing of Arauto
 * </pre>
 */
@AnalyzeClasses(packages = "io.arauto", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("io.arauto.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layersUseOnlyThoseBelowThem = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("api").definedBy("io.arauto.api..")
            .layer("trigger").definedBy("io.arauto.trigger..")
            .layer("intake").definedBy("io.arauto.intake..")
            .layer("send").definedBy("io.arauto.send..")
            .layer("webhook").definedBy("io.arauto.webhook..")
            .layer("report").definedBy("io.arauto.report..")
            .layer("optout").definedBy("io.arauto.optout..")
            .layer("ledger").definedBy("io.arauto.ledger..")
            .layer("audit").definedBy("io.arauto.audit..")
            .layer("verdict").definedBy("io.arauto.verdict..")
            .layer("read").definedBy("io.arauto.read..")
            .layer("template").definedBy("io.arauto.template..")
            .layer("config").definedBy("io.arauto.config..")
            .layer("support").definedBy("io.arauto.support..")

            // the sources, the sending loop, the webhooks and the status files are ends: nothing of Arauto calls them but the
            // routes, the HTTP server, the schedules (trigger), which hand their rows to the campaign intake as a file's go,
            // and, for an upload and the status files it serves, the REST API, itself called by nothing but HTTP
            .whereLayer("api").mayNotBeAccessedByAnyLayer()
            .whereLayer("trigger").mayNotBeAccessedByAnyLayer()
            .whereLayer("intake").mayOnlyBeAccessedByLayers("api", "trigger")
            .whereLayer("send").mayNotBeAccessedByAnyLayer()
            .whereLayer("webhook").mayNotBeAccessedByAnyLayer()
            .whereLayer("report").mayOnlyBeAccessedByLayers("api")

            .whereLayer("api").mayOnlyAccessLayers("intake", "report", "ledger", "optout", "verdict", "template", "audit", "config", "support")

            .whereLayer("trigger").mayOnlyAccessLayers("intake", "read", "template", "optout", "ledger", "audit", "config", "support")
            .whereLayer("intake").mayOnlyAccessLayers("read", "verdict", "template", "optout", "ledger", "audit", "config", "support")
            .whereLayer("send").mayOnlyAccessLayers("ledger", "optout", "template", "verdict", "audit", "config", "support")
            .whereLayer("webhook").mayOnlyAccessLayers("ledger", "optout", "verdict", "audit", "config", "support")
            .whereLayer("report").mayOnlyAccessLayers("ledger", "config", "support")
            .whereLayer("optout").mayOnlyAccessLayers("ledger", "verdict", "audit", "config", "support")
            // the ledger stores verdicts and statuses; it knows nothing of who writes or reads it
            .whereLayer("ledger").mayOnlyAccessLayers("verdict", "config", "support")
            .whereLayer("audit").mayOnlyAccessLayers("config", "support")
            // a row's verdict needs the row and the template it must fill, nothing above
            .whereLayer("verdict").mayOnlyAccessLayers("read", "template", "config", "support")
            .whereLayer("read").mayOnlyAccessLayers("config", "support")
            .whereLayer("template").mayOnlyAccessLayers("config", "support")
            .whereLayer("config").mayNotAccessAnyLayer()
            .whereLayer("support").mayNotAccessAnyLayer();

    /** The campaign intake serves every source and knows none of them; each source knows only the intake. */
    @ArchTest
    static final ArchRule intakeKnowsNoSource = noClasses().that().resideInAPackage("io.arauto.intake")
            .should().dependOnClassesThat().resideInAnyPackage("io.arauto.intake.folder..", "io.arauto.intake.sftp..");

    @ArchTest
    static final ArchRule sourcesKnowNotEachOther = slices().matching("io.arauto.intake.(*)..").should().notDependOnEachOther();

    /** Otherwise a new package would slip past the layers above unchecked. */
    @ArchTest
    static final ArchRule everyClassIsInAPackageOfTheMap = classes().that().resideInAPackage("io.arauto..")
            .and().resideOutsideOfPackage("io.arauto")
            .should().resideInAnyPackage("io.arauto.api..", "io.arauto.trigger..", "io.arauto.intake..", "io.arauto.send..", "io.arauto.webhook..", "io.arauto.report..", "io.arauto.optout..",
                    "io.arauto.ledger..", "io.arauto.audit..", "io.arauto.verdict..", "io.arauto.read..", "io.arauto.template..",
                    "io.arauto.config..", "io.arauto.support..");
}
