package io.berth.cli;

import io.berth.oci.OciMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code berth oci ...}: hands every word after "oci" to the OCI runtime command line, which
 * has runc's options, exit codes (1 for any error) and messages rather than docker's.
 */
@Command(name = "oci", description = "The OCI runtime command line (runc's verbs) on bundles.")
final class OciCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return OciMain.run(args.toArray(String[]::new));
    }
}
