package io.berth.cli;

import io.berth.oci.OciMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Unmatched;

/**
 * {@code berth oci ...}: hands every word after "oci" to the OCI runtime command line, which
 * has runc's options, exit codes (1 for any error) and messages rather than docker's. Its
 * state lives in the folder {@code oci} of berth's --runroot unless oci's own --root says
 * otherwise, so a berth with a runroot of its own keeps its OCI containers there too.
 */
@Command(name = "oci", description = "The OCI runtime command line (runc's verbs) on bundles.")
final class OciCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> words = new ArrayList<>();
        if (args.stream().noneMatch(a -> a.equals("--root") || a.startsWith("--root="))) {
            words.add("--root");
            words.add(Main.of(spec).runroot.toAbsolutePath().normalize().resolve("oci")
                    .toString());
        }
        words.addAll(args);
        return OciMain.run(words.toArray(String[]::new));
    }
}
