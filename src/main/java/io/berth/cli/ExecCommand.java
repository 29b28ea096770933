package io.berth.cli;

import io.berth.convert.InvalidRequestException;
import io.berth.engine.ConflictException;
import io.berth.engine.Engine;
import io.berth.runtime.ContainerStartException;
import io.berth.runtime.ExecSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `berth exec`: another process in a running container; its exit code becomes ours. */
@Command(name = "exec", description = "Execute a command in a running container.")
final class ExecCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-i", "--interactive"}, description = "Keep STDIN open.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-TTY.")
    boolean tty;

    @Option(names = {"-d", "--detach"}, description = "Run the command in the background.")
    boolean detach;

    @Option(names = {"-e", "--env"}, description = "Set environment variables.")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container.")
    String workdir;

    @Option(names = {"-u", "--user"},
            description = "Username or UID (format: <name|uid>[:<group|gid>]).")
    String user;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        Engine engine = main.engine();
        ExecSession session;
        try {
            session = engine.exec(container, new Engine.ExecRequest(command, env, workdir, user,
                    tty, interactive, detach));
        } catch (ContainerStartException e) {
            // docker's exec: 127 when the command is not found, else 126 (it could not run).
            System.err.println("berth: " + e.getMessage());
            return e.exitCode() == ExitCodes.NOT_FOUND ? ExitCodes.NOT_FOUND
                    : ExitCodes.CANNOT_INVOKE;
        } catch (InvalidRequestException e) {
            // An unknown -u user or group: the exec cannot run, as docker says with 126.
            System.err.println("Error: " + e.getMessage());
            return ExitCodes.CANNOT_INVOKE;
        } catch (ConflictException e) {
            // Paused or stopped: dockerd refuses the exec, and docker prints its answer so.
            System.err.println(ExitCodes.DAEMON + e.getMessage());
            return ExitCodes.FAILURE;
        }
        try (session) {
            if (detach) {
                return 0;
            }
            boolean terminal = tty && interactive && Terminal.available();
            if (RunCommand.follow(session.attachment(), terminal, interactive,
                    session::resize)) {
                return 0;
            }
            return session.awaitExit().exitCode();
        }
    }
}
