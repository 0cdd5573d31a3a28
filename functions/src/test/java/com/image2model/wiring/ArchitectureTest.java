package com.image2model.wiring;

import org.junit.jupiter.api.Test;

import com.image2model.billing.BillingRules;
import com.image2model.billing.Reconciliation;
import com.image2model.billing.StripeEvents;
import com.image2model.company.Roster;
import com.image2model.company.SignUpPolicy;
import com.image2model.credits.Catalog;
import com.image2model.credits.Credits;
import com.image2model.credits.FairUseRule;
import com.image2model.credits.Ledger;
import com.image2model.credits.LowBalanceRule;
import com.image2model.jobs.FileTransitions;
import com.image2model.jobs.Jobs;
import com.image2model.limits.RateLimiter;
import com.image2model.privacy.Erasure;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, kept by a test: the capability packages depend on each other without
 * cycles (wiring on top, platform at the bottom), and the rules of each capability (its core)
 * know nothing of AWS or Spring, so they are tested in milliseconds and read as plain Java.
 */
class ArchitectureTest {

    /** The plain-Java cores: a new rule class belongs here (and gets its test in the fast tier). */
    static final Class<?>[] CORES = {
            Ledger.class, Credits.class, Catalog.class, FairUseRule.class, LowBalanceRule.class,
            FileTransitions.class, Jobs.class,
            BillingRules.class, StripeEvents.class, Reconciliation.class,
            Roster.class, SignUpPolicy.class,
            RateLimiter.class, Erasure.class,
            com.image2model.models.GlbModel.class, com.image2model.models.QualityReport.class, com.image2model.models.Thumbnail.class,
            com.image2model.models.ModelPreview.class, com.image2model.models.Exports.class,
            com.image2model.projects.Project.class, com.image2model.projects.ProjectChange.class,
            com.image2model.webhooks.WebhookSignature.class, com.image2model.webhooks.WebhookEvents.class,
            com.image2model.webhooks.WebhookTargets.class, com.image2model.webhooks.RetrySchedule.class,
            com.image2model.webhooks.WebhookSender.class, com.image2model.webhooks.WebhookEndpoint.class,
            com.image2model.webhooks.WebhookDelivery.class,
            com.image2model.generation.GenerationCatalog.class, com.image2model.generation.ModelOptions.class,
            com.image2model.generation.OptionsReader.class, com.image2model.generation.GenerationPlan.class};

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.image2model");

    @Test
    void capabilityPackagesHaveNoCycles() {
        slices().matching("com.image2model.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void onlyTheWiringKnowsEveryCapability() {
        noClasses().that().resideOutsideOfPackage("com.image2model.wiring..")
                .should().dependOnClassesThat().resideInAPackage("com.image2model.wiring..")
                .check(CLASSES);
    }

    @Test
    void theCoresKnowNeitherAwsNorSpring() {
        noClasses().that().belongToAnyOf(CORES)
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..", "org.springframework..",
                        "com.stripe..")
                .because("a rule is plain Java; its adapter translates it to DynamoDB, Stripe or Lambda")
                .check(CLASSES);
    }

    @Test
    void theCoresDoNotReachIntoTheirAdapters() {
        noClasses().that().belongToAnyOf(CORES)
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Store")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Function")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Api")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Dynamo")
                .orShould().dependOnClassesThat().haveSimpleName("CreditLedger")
                .check(CLASSES);
    }
}
