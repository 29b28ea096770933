package io.berth.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's model of the OCI command line, built through its programmatic API rather than read
 * from annotations: annotations cost every cold call a dynamic proxy class per annotation type
 * and method-handle accessors per field, spun at run time where no AOT cache holds them (about
 * a third of a cold `berth oci run`). Values stay in the model; a verb reads them through
 * {@link Args} after parsing.
 */
final class Model {
    private Model() {
    }

    /** A verb: its name, its options and parameters, and what it does with them. */
    record Verb(String name, String description, Options options, Action action) {
        /** This verb's model, which runs {@code action} on {@code oci} when picocli executes. */
        CommandSpec spec(OciMain oci) {
            Invocation invocation = new Invocation(this, oci);
            CommandSpec spec = CommandSpec.wrapWithoutInspection(invocation).name(name);
            spec.usageMessage().description(description);
            options.add(spec);
            invocation.spec = spec;
            return spec;
        }
    }

    /** Adds a verb's options and parameters to its model. */
    interface Options {
        void add(CommandSpec spec);
    }

    /** What a verb does once its command line is parsed. */
    interface Action {
        int run(OciMain oci, Args args) throws Exception;
    }

    /** picocli executes this, the user object of a verb's model. */
    private static final class Invocation implements Callable<Integer> {
        private final Verb verb;
        private final OciMain oci;
        private CommandSpec spec;

        Invocation(Verb verb, OciMain oci) {
            this.verb = verb;
            this.oci = oci;
        }

        @Override
        public Integer call() throws Exception {
            return verb.action().run(oci, new Args(spec));
        }
    }

    /** The parsed values of one verb, by option name or parameter index. */
    record Args(CommandSpec spec) {
        <T> T option(String name, T absent) {
            T value = spec.findOption(name).getValue();
            return value == null ? absent : value;
        }

        boolean flag(String name) {
            return option(name, Boolean.FALSE);
        }

        <T> T parameter(int index, T absent) {
            T value = spec.positionalParameters().get(index).getValue();
            return value == null ? absent : value;
        }

        /** The container id, every verb's first parameter. */
        String id() {
            return parameter(0, null);
        }

        java.io.PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    /** An option taking a value: {@code --name=<label>}. */
    static OptionSpec option(Class<?> type, String label, String description, String... names) {
        return OptionSpec.builder(names).type(type).paramLabel("<" + label + ">")
                .description(description).build();
    }

    /** A repeatable option whose values are collected in a list. */
    static OptionSpec list(Class<?> type, String label, String description, String... names) {
        OptionSpec.Builder b = OptionSpec.builder(names).type(List.class).auxiliaryTypes(type)
                .paramLabel("<" + label + ">");
        return (description == null ? b : b.description(description)).build();
    }

    /** An option without a value. */
    static OptionSpec flag(String description, String... names) {
        OptionSpec.Builder b = OptionSpec.builder(names).type(boolean.class);
        return (description == null ? b : b.description(description)).build();
    }

    static OptionSpec path(String label, String description, String... names) {
        return option(Path.class, label, description, names);
    }

    /** A required single parameter at {@code index}. */
    static PositionalParamSpec parameter(int index, String label, String description) {
        PositionalParamSpec.Builder b = PositionalParamSpec.builder().index(String.valueOf(index))
                .arity("1").required(true).type(String.class).paramLabel("<" + label + ">");
        return (description == null ? b : b.description(description)).build();
    }

    /** The container id as the first parameter. */
    static void id(CommandSpec spec) {
        spec.addPositional(parameter(0, "id", null));
    }
}
