package io.berth;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md's layers: dependencies point down only; a package never imports one above it. */
class ArchitectureTest {
    private static final JavaClasses BERTH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.berth");

    @Test
    void layersDependDownwardOnly() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.berth.cli..")
                .layer("api").definedBy("io.berth.api..")
                .layer("oci").definedBy("io.berth.oci..")
                .layer("engine").definedBy("io.berth.engine..")
                .layer("image").definedBy("io.berth.image..")
                .layer("store").definedBy("io.berth.store..")
                .layer("network").definedBy("io.berth.network..")
                .layer("volumes").definedBy("io.berth.volumes..")
                .layer("convert").definedBy("io.berth.convert..")
                .layer("runtime").definedBy("io.berth.runtime..")
                .layer("cgroups").definedBy("io.berth.cgroups..")
                .layer("anatomy").definedBy("io.berth.anatomy..")
                .layer("template").definedBy("io.berth.template..")
                .layer("spec").definedBy("io.berth.spec..")
                .layer("sys").definedBy("io.berth.sys..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("api").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("oci").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("api", "cli")
                .whereLayer("image").mayOnlyBeAccessedByLayers("engine", "api", "cli")
                .whereLayer("store").mayOnlyBeAccessedByLayers("engine", "api", "cli")
                .whereLayer("network").mayOnlyBeAccessedByLayers("engine", "api", "cli")
                .whereLayer("volumes").mayOnlyBeAccessedByLayers("engine", "api", "cli")
                .whereLayer("convert").mayOnlyBeAccessedByLayers("engine", "api", "cli",
                        "store")
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("engine", "api", "oci", "cli")
                .whereLayer("cgroups").mayOnlyBeAccessedByLayers("runtime", "engine", "api",
                        "oci", "cli")
                .whereLayer("anatomy").mayOnlyBeAccessedByLayers("engine", "api", "cli")
                .whereLayer("template").mayOnlyBeAccessedByLayers("engine", "api", "cli")
                .whereLayer("spec").mayOnlyBeAccessedByLayers("sys", "anatomy", "cgroups",
                        "runtime", "convert", "store", "image", "engine", "api", "oci", "cli")
                .whereLayer("sys").mayOnlyBeAccessedByLayers("anatomy", "cgroups", "runtime",
                        "image", "engine", "api", "oci", "cli")
                .check(BERTH);
    }
}
