package io.berth.cli;

import io.berth.engine.ArchiveStream;
import io.berth.engine.Engine;
import io.berth.engine.NotFoundException;
import io.berth.engine.PathStat;
import io.berth.engine.TreePacker;
import io.berth.engine.TreeUnpacker;
import io.berth.sys.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code berth cp}: docker's copy between a container and the local filesystem, or a tar on
 * stdin or stdout ("-"). The engine deals in tars only; this side turns local files into tars
 * and back, applying docker's rules for where things land.
 */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = "Copy files/folders between a container and the local filesystem.",
        customSynopsis = {"berth cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-",
            "       berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH"})
final class CpCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-a", "--archive"}, description = "Archive mode (copy all uid/gid "
            + "information).")
    boolean archive;

    @Option(names = {"-L", "--follow-link"}, description = "Always follow symbol link in "
            + "SRC_PATH.")
    boolean followLink;

    @Option(names = {"-q", "--quiet"}, description = "Suppress progress output during copy "
            + "(there is none off a terminal).")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "SRC")
    String source;

    @Parameters(index = "1", paramLabel = "DEST")
    String destination;

    /** One argument: a container's path, or a local one (container null). */
    record Operand(String container, String path) {
        /** As docker's splitCpArg: an absolute path, or one starting with ".", is local. */
        static Operand parse(String arg) {
            if (arg.startsWith("/")) {
                return new Operand(null, arg);
            }
            int colon = arg.indexOf(':');
            if (colon < 0 || arg.startsWith(".")) {
                return new Operand(null, arg);
            }
            return new Operand(arg.substring(0, colon), arg.substring(colon + 1));
        }
    }

    @Override
    public Integer call() throws IOException {
        Operand src = Operand.parse(source);
        Operand dst = Operand.parse(destination);
        if (src.path().isEmpty()) {
            throw new ExitCodes.UserError("source can not be empty");
        }
        if (dst.path().isEmpty()) {
            throw new ExitCodes.UserError("destination can not be empty");
        }
        if (src.container() != null && dst.container() != null) {
            throw new ExitCodes.UserError("copying between containers is not supported");
        }
        if (src.container() == null && dst.container() == null) {
            throw new ExitCodes.UserError("must specify at least one container source");
        }
        if (src.container() != null) {
            fromContainer(src, dst.path());
        } else {
            toContainer(src.path(), dst);
        }
        return 0;
    }

    private void fromContainer(Operand src, String localPath) throws IOException {
        Engine engine = main.engine();
        engine.get(src.container());
        String path = src.path();
        String rebaseName = null;
        if (followLink) {
            PathStat stat = stat(engine, src.container(), path);
            if (stat.isSymlink()) {
                String[] followed = CopyPaths.followed(path, stat.linkTarget());
                path = followed[0];
                rebaseName = followed[1];
            }
        }
        try (ArchiveStream copy = copyFrom(engine, src.container(), path)) {
            if (localPath.equals("-")) {
                copy.tar().transferTo(System.out);
                System.out.flush();
                return;
            }
            extractLocally(copy, new CopyPaths.Info(path, true, copy.stat().isDirectory(),
                    rebaseName), localPath);
        }
    }

    /** Docker's CopyTo: the tar lands at the local destination by docker's path rules. */
    private void extractLocally(ArchiveStream copy, CopyPaths.Info src, String localPath)
            throws IOException {
        CopyPaths.Info dst = CopyPaths.localDestination(localPath);
        CopyPaths.Placement placement = CopyPaths.place(src, dst);
        String tarBase = CopyPaths.splitDirEntry(src.path())[1];
        tarBase = tarBase.equals("/") ? "." : tarBase;
        TreeUnpacker.Options options = TreeUnpacker.Options.of(TreeUnpacker.Owners.CALLER, null,
                true);
        if (placement.base() != null) {
            options = options.renaming(tarBase, placement.base());
        }
        Path dir = Path.of(placement.dir());
        TreeUnpacker.unpack(copy.tar(), dir, dir, options, Sys.linux());
    }

    private void toContainer(String localPath, Operand dst) throws IOException {
        Engine engine = main.engine();
        engine.get(dst.container());
        String path = dst.path();
        PathStat stat = statIfThere(engine, dst.container(), path);
        if (stat != null && stat.isSymlink()) {
            path = stat.linkTarget();
            stat = statIfThere(engine, dst.container(), path);
        }
        CopyPaths.Info target = new CopyPaths.Info(path, stat != null,
                stat != null && stat.isDirectory(), null);
        if (localPath.equals("-")) {
            if (!target.isDir()) {
                throw new ExitCodes.UserError("destination \"" + dst.container() + ":"
                        + dst.path() + "\" must be a directory");
            }
            copyTo(engine, dst.container(), path, System.in);
            return;
        }
        CopyPaths.Info src = CopyPaths.localSource(localPath, followLink);
        CopyPaths.Placement placement = CopyPaths.place(src, target);
        String[] srcDirEntry = CopyPaths.splitDirEntry(src.path());
        String entryName = placement.base() != null ? placement.base()
                : src.rebaseName() != null ? src.rebaseName() : srcDirEntry[1];
        Path source = Path.of(srcDirEntry[0]).resolve(srcDirEntry[1]);
        try (InputStream tar = TreePacker.stream(source, entryName, null, () -> { })) {
            copyTo(engine, dst.container(), placement.dir(), tar);
        }
    }

    private void copyTo(Engine engine, String container, String path, InputStream tar) {
        try {
            engine.copyTo(container, path, tar, true, archive);
        } catch (NotFoundException e) {
            throw noSuchPath(container, path);
        }
    }

    private static ArchiveStream copyFrom(Engine engine, String container, String path) {
        try {
            return engine.copyFrom(container, path);
        } catch (NotFoundException e) {
            throw noSuchPath(container, path);
        }
    }

    private static PathStat stat(Engine engine, String container, String path) {
        try {
            return engine.statPath(container, path);
        } catch (NotFoundException e) {
            throw noSuchPath(container, path);
        }
    }

    private static PathStat statIfThere(Engine engine, String container, String path) {
        try {
            return engine.statPath(container, path);
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** The docker CLI's words for a 404 from the archive endpoints. */
    private static ExitCodes.UserError noSuchPath(String container, String path) {
        return new ExitCodes.UserError("No such container:path: " + container + ":" + path);
    }
}
