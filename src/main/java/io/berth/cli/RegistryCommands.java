package io.berth.cli;

import io.berth.engine.Container;
import io.berth.engine.Durations;
import io.berth.image.HistoryEntry;
import io.berth.image.Image;
import io.berth.image.ImageStore;
import io.berth.image.Progress;
import io.berth.image.PruneResult;
import io.berth.image.PullResult;
import io.berth.image.Reference;
import io.berth.image.registry.AuthFile;
import io.berth.image.registry.Registries;
import io.berth.image.registry.RegistryException;
import io.berth.template.TableFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * pull, push, login, logout, save, tag, rmi, history, and the {@code image} group (inspect,
 * prune, rm, tag, history, pull, push, save), with docker's flags and output.
 */
final class RegistryCommands {
    private RegistryCommands() {
    }

    /** Base of every command here: the engine from the root, whichever group it sits in. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        Main main() {
            return Main.of(spec);
        }

        ImageStore images() {
            return main().engine().images();
        }

        Image image(String name) {
            return images().find(name).orElseThrow(() -> new ExitCodes.UserError(
                    "No such image: " + name));
        }

        /** Registry and input errors are the user's to read, without a Java class name. */
        static <T> T plainly(Supplier<T> action) {
            try {
                return action.get();
            } catch (RegistryException | IllegalArgumentException e) {
                throw new ExitCodes.UserError(e.getMessage());
            }
        }
    }

    @Command(name = "pull", description = "Download an image from a registry.")
    static final class Pull extends Base {
        @Option(names = {"-q", "--quiet"}, description = "Suppress verbose output.")
        boolean quiet;

        @Option(names = "--insecure-registry", description = "Reach this registry over HTTP.")
        List<String> insecure = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NAME[:TAG|@DIGEST]")
        String name;

        @Override
        public Integer call() {
            Reference reference = plainly(() -> Reference.parse(name));
            Progress progress = quiet ? Progress.QUIET : ProgressPrinter.forStdout();
            if (!quiet && !name.contains("@") && !name.substring(name.lastIndexOf('/') + 1)
                    .contains(":")) {
                System.out.println("Using default tag: latest");
            }
            ImageStore images = images();
            Registries registries = images.registries().withInsecure(insecure);
            PullResult result = plainly(() -> images.pull(name, registries, progress));
            if (!quiet) {
                System.out.println("Status: " + (result.downloaded()
                        ? "Downloaded newer image for " : "Image is up to date for ")
                        + reference.familiar());
            }
            System.out.println(reference.canonical());
            return 0;
        }
    }

    @Command(name = "push", description = "Upload an image to a registry.")
    static final class Push extends Base {
        @Option(names = {"-q", "--quiet"}, description = "Suppress verbose output.")
        boolean quiet;

        @Option(names = "--insecure-registry", description = "Reach this registry over HTTP.")
        List<String> insecure = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NAME[:TAG]")
        String name;

        @Override
        public Integer call() {
            Progress progress = quiet ? Progress.QUIET : ProgressPrinter.forStdout();
            ImageStore images = images();
            Registries registries = images.registries().withInsecure(insecure);
            plainly(() -> images.push(name, registries, progress));
            if (quiet) {
                System.out.println(Reference.parse(name).canonical());
            }
            return 0;
        }
    }

    @Command(name = "login", description = "Log in to a registry.")
    static final class Login extends Base {
        @Option(names = {"-u", "--username"}, description = "Username.")
        String username;

        @Option(names = {"-p", "--password"}, description = "Password.")
        String password;

        @Option(names = "--password-stdin", description = "Take the password from stdin.")
        boolean passwordStdin;

        @Option(names = "--insecure-registry", description = "Reach this registry over HTTP.")
        List<String> insecure = new ArrayList<>();

        @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER")
        String server;

        @Override
        public Integer call() throws IOException {
            String registry = registry(server);
            AuthFile.Credential credential = credential();
            Registries registries = images().registries().withInsecure(insecure);
            plainly(() -> {
                registries.client(registry, credential).checkLogin();
                return null;
            });
            registries.auth().save(registry, credential);
            System.out.println("Login Succeeded");
            return 0;
        }

        private AuthFile.Credential credential() throws IOException {
            if (password != null && passwordStdin) {
                throw new ExitCodes.UserError("--password and --password-stdin are mutually"
                        + " exclusive");
            }
            if (passwordStdin) {
                if (username == null) {
                    throw new ExitCodes.UserError("Must provide --username with"
                            + " --password-stdin");
                }
                String line = new BufferedReader(new InputStreamReader(System.in,
                        StandardCharsets.UTF_8)).readLine();
                password = line == null ? "" : line.strip();
            } else if (password != null) {
                System.err.println("WARNING! Using --password via the CLI is insecure. Use"
                        + " --password-stdin.");
            }
            if (username == null || password == null) {
                prompt();
            }
            if (username.isEmpty() || password.isEmpty()) {
                throw new ExitCodes.UserError("Username and password are required");
            }
            return new AuthFile.Credential(username, password);
        }

        private void prompt() {
            java.io.Console console = System.console();
            if (console == null) {
                throw new ExitCodes.UserError("Cannot perform an interactive login from a"
                        + " non TTY device");
            }
            if (username == null) {
                username = console.readLine("Username: ").strip();
            }
            if (password == null) {
                password = new String(console.readPassword("Password: "));
            }
        }
    }

    @Command(name = "logout", description = "Log out from a registry.")
    static final class Logout extends Base {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER")
        String server;

        @Override
        public Integer call() {
            String registry = registry(server);
            if (images().registries().auth().remove(registry)) {
                System.out.println("Removing login credentials for " + registry);
            } else {
                System.out.println("Not logged in to " + registry);
            }
            return 0;
        }
    }

    /** docker's spellings of Docker Hub, and a server given as a URL, become a domain. */
    static String registry(String server) {
        if (server == null || server.isBlank()) {
            return "docker.io";
        }
        String s = server.strip().replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        s = slash < 0 ? s : s.substring(0, slash);
        return switch (s) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" ->
                    "docker.io";
            default -> s;
        };
    }

    @Command(name = "save", description = "Save images to a tar archive (streamed to STDOUT"
            + " by default).")
    static final class Save extends Base {
        @Option(names = {"-o", "--output"}, description = "Write to a file, instead of STDOUT.")
        Path output;

        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> names;

        @Override
        public Integer call() throws IOException {
            ImageStore images = images();
            for (String name : names) {
                image(name);
            }
            if (output == null) {
                if (System.console() != null) {
                    throw new ExitCodes.UserError("cowardly refusing to save to a terminal."
                            + " Use the -o flag or redirect");
                }
                PrintStream out = System.out;
                plainly(() -> {
                    images.save(names, out);
                    return null;
                });
                out.flush();
                return 0;
            }
            saveToFile(images);
            return 0;
        }

        /** Written beside the target and renamed, so a failed save leaves no half archive. */
        private void saveToFile(ImageStore images) throws IOException {
            Path target = output.toAbsolutePath();
            Path tmp = target.resolveSibling("." + target.getFileName() + ".berth-tmp");
            try {
                try (OutputStream out = new java.io.BufferedOutputStream(
                        Files.newOutputStream(tmp), 1 << 20)) {
                    plainly(() -> {
                        images.save(names, out);
                        return null;
                    });
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    @Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to"
            + " SOURCE_IMAGE.")
    static final class Tag extends Base {
        @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]")
        String source;

        @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]")
        String target;

        @Override
        public Integer call() {
            Image image = image(source);
            plainly(() -> {
                images().tag(image, target);
                return null;
            });
            return 0;
        }
    }

    @Command(name = "rmi", description = "Remove one or more images.")
    static class Rmi extends Base {
        @Option(names = {"-f", "--force"}, description = "Force removal of the image.")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> names;

        @Override
        public Integer call() {
            int code = 0;
            for (String name : names) {
                try {
                    removeOne(name);
                } catch (ExitCodes.UserError e) {
                    System.err.println("Error: " + e.getMessage());
                    code = ExitCodes.FAILURE;
                }
            }
            return code;
        }

        private void removeOne(String name) {
            ImageStore images = images();
            Image image = plainly(() -> image(name));
            String familiar = asReference(name, image);
            if (familiar != null && image.repoTags().size() > 1) {
                untag(images, familiar);
                return;
            }
            List<Container> users = users(image);
            if (!users.isEmpty() && !force) {
                throw new ExitCodes.UserError(familiar != null
                        ? "conflict: unable to remove repository reference \"" + name
                                + "\" (must force) - container " + users.getFirst().shortId()
                                + " is using its referenced image " + image.shortId()
                        : "conflict: unable to delete " + image.shortId() + " (must be forced)"
                                + " - image is being used by " + state(users.getFirst())
                                + " container " + users.getFirst().shortId());
            }
            if (familiar == null && image.repoTags().size() > 1 && !force) {
                throw new ExitCodes.UserError("conflict: unable to delete " + image.shortId()
                        + " (must be forced) - image is referenced in multiple repositories");
            }
            for (String tag : image.repoTags()) {
                untag(images, tag);
            }
            for (String digest : image.repoDigests()) {
                untag(images, digest);
            }
            // A container's snapshot still stands on the layers: the image stays, nameless.
            if (users.isEmpty() && images.remove(image)) {
                System.out.println("Deleted: " + image.id());
            }
        }

        /** The familiar reference {@code name} is among the image's names, or null for an id. */
        private static String asReference(String name, Image image) {
            try {
                String familiar = Reference.parse(name).familiar();
                return image.repoTags().contains(familiar)
                        || image.repoDigests().contains(familiar) ? familiar : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private static void untag(ImageStore images, String familiar) {
            if (images.untag(familiar)) {
                System.out.println("Untagged: " + familiar);
            }
        }

        private List<Container> users(Image image) {
            return main().engine().list(true).stream()
                    .filter(c -> image.id().equals(c.record().imageId())).toList();
        }

        private static String state(Container c) {
            return "running".equals(c.record().state()) ? "running" : "stopped";
        }
    }

    @Command(name = "rm", description = "Remove one or more images.")
    static final class ImageRm extends Rmi {
    }

    @Command(name = "history", description = "Show the history of an image.")
    static final class History extends Base {
        static final String TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t"
                + "{{.Size}}\t{{.Comment}}";
        /** docker's table for -H=false: the time as it is, under CREATED AT. */
        static final String PLAIN_TABLE = TABLE.replace("CreatedSince", "CreatedAt");
        static final Map<String, String> HEADERS = Map.of("ID", "IMAGE", "CreatedSince",
                "CREATED", "CreatedAt", "CREATED AT", "CreatedBy", "CREATED BY", "Size", "SIZE",
                "Comment", "COMMENT");
        private static final int CREATED_BY_WIDTH = 45;

        @Option(names = {"-H", "--human"}, arity = "1", description = "Print sizes and dates"
                + " in human readable format (default true).")
        boolean human = true;

        @Option(names = "--no-trunc", description = "Don't truncate output.")
        boolean noTrunc;

        @Option(names = {"-q", "--quiet"}, description = "Only show image IDs.")
        boolean quiet;

        @Option(names = "--format", description = "Format output using a Go template.")
        String format;

        @Parameters(index = "0", paramLabel = "IMAGE")
        String name;

        @Override
        public Integer call() {
            Image image = image(name);
            Instant now = Instant.now();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (HistoryEntry step : images().history(image)) {
                rows.add(row(step, now));
            }
            String layout = quiet ? "{{.ID}}" : format != null ? format
                    : human ? TABLE : PLAIN_TABLE;
            System.out.print(new TableFormat(layout, HEADERS)
                    .contextRowsOf("*image.historyContext").render(rows));
            return 0;
        }

        private Map<String, Object> row(HistoryEntry step, Instant now) {
            Map<String, Object> row = new LinkedHashMap<>();
            String id = step.id();
            row.put("ID", noTrunc || !id.startsWith("sha256:") ? id : id.substring(7, 19));
            // The API gives whole seconds, so docker's CreatedAt has no fraction.
            String createdAt = step.created().truncatedTo(ChronoUnit.SECONDS).toString();
            row.put("CreatedSince", human ? Durations.human(step.created(), now) + " ago"
                    : createdAt);
            row.put("CreatedAt", createdAt);
            String createdBy = step.createdBy().replace("\t", " ");
            if (!noTrunc && createdBy.length() > CREATED_BY_WIDTH) {
                createdBy = createdBy.substring(0, CREATED_BY_WIDTH - 1) + "…";
            }
            row.put("CreatedBy", createdBy);
            row.put("Size", human ? ImageCommands.humanSize(step.size())
                    : Long.toString(step.size()));
            row.put("Comment", step.comment());
            return row;
        }
    }

    @Command(name = "inspect", description = "Display detailed information on one or more"
            + " images.")
    static final class ImageInspect extends Base {
        @Option(names = {"-f", "--format"}, description = "Format output using a Go template.")
        String format;

        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> names;

        @Override
        public Integer call() {
            return InspectFormat.print(format, names,
                    name -> images().find(name).map(ImageCommands::inspect), "No such image: ");
        }
    }

    @Command(name = "prune", description = "Remove unused images.")
    static final class Prune extends Base {
        @Option(names = {"-a", "--all"}, description = "Remove all unused images, not just"
                + " dangling ones.")
        boolean all;

        @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            if (!force && !confirmed()) {
                return 0;
            }
            Set<String> inUse = new HashSet<>();
            main().engine().list(true).forEach(c -> inUse.add(c.record().imageId()));
            PruneResult result = images().prune(all, inUse);
            if (!result.deleted().isEmpty()) {
                System.out.println("Deleted Images:");
                result.deleted().forEach(id -> System.out.println("deleted: " + id));
                System.out.println();
            }
            System.out.println("Total reclaimed space: "
                    + ImageCommands.humanSize(result.reclaimed()));
            return 0;
        }

        private boolean confirmed() throws IOException {
            return Confirmation.asked(all
                    ? "WARNING! This will remove all images without at least one container"
                            + " associated to them."
                    : "WARNING! This will remove all dangling images.");
        }
    }

    @Command(name = "image", description = "Manage images.", subcommands = {
        History.class, ImageCommands.Import.class, ImageInspect.class, ImageCommands.Load.class,
        ImageCommands.ImageLs.class, Prune.class, Pull.class, Push.class, ImageRm.class,
        Save.class, Tag.class})
    static final class ImageGroup implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(System.out);
            return 0;
        }
    }
}
