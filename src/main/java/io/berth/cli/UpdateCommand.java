package io.berth.cli;

import io.berth.convert.ResourceUpdate;
import io.berth.convert.Resources;
import io.berth.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `berth update`: changes the resource limits of containers, running or not. */
@Command(name = "update", description = "Update configuration of one or more containers.")
final class UpdateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-m", "--memory"}, description = "Memory limit.")
    String memory;

    @Option(names = "--memory-swap", description = "Memory plus swap limit; -1 for unlimited.")
    String memorySwap;

    @Option(names = "--memory-reservation", description = "Memory soft limit.")
    String memoryReservation;

    @Option(names = "--cpus", description = "Number of CPUs.")
    String cpus;

    @Option(names = {"-c", "--cpu-shares"}, description = "CPU shares (relative weight).")
    Long cpuShares;

    @Option(names = "--cpu-quota", description = "Limit CPU CFS quota.")
    Long cpuQuota;

    @Option(names = "--cpu-period", description = "Limit CPU CFS period.")
    Long cpuPeriod;

    @Option(names = "--cpuset-cpus", description = "CPUs in which to allow execution.")
    String cpusetCpus;

    @Option(names = "--cpuset-mems", description = "Memory nodes in which to allow execution.")
    String cpusetMems;

    @Option(names = "--pids-limit", description = "Tune container pids limit (-1 unlimited).")
    Long pidsLimit;

    @Option(names = "--blkio-weight", description = "Block IO weight, 10 to 1000.")
    Integer blkioWeight;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers = new ArrayList<>();

    @Override
    public Integer call() {
        ResourceUpdate update = new ResourceUpdate(WallFlags.bytes(memory),
                memorySwap == null ? null : Resources.parseBytesOrUnlimited(memorySwap),
                WallFlags.bytes(memoryReservation),
                cpus == null ? null : Resources.parseCpus(cpus), cpuShares, cpuQuota, cpuPeriod,
                cpusetCpus, cpusetMems, pidsLimit, blkioWeight);
        if (update.isEmpty()) {
            throw new ExitCodes.UserError("you must provide one or more flags when using this "
                    + "command");
        }
        Engine engine = main.engine();
        int failures = 0;
        for (String name : containers) {
            try {
                engine.update(name, update);
                System.out.println(name);
            } catch (RuntimeException e) {
                System.err.println(ExitCodes.DAEMON + e.getMessage());
                failures++;
            }
        }
        return failures == 0 ? 0 : ExitCodes.FAILURE;
    }
}
