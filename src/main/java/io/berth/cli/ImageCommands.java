package io.berth.cli;

import io.berth.engine.Durations;
import io.berth.engine.ImageFilter;
import io.berth.engine.Inspection;
import io.berth.image.Image;
import io.berth.image.ImageStore;
import io.berth.image.Reference;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** load, import and images. */
final class ImageCommands {
    static final String IMAGES_TABLE =
            "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    static final Map<String, String> IMAGES_HEADERS = Map.of("Repository", "REPOSITORY",
            "Tag", "TAG", "ID", "IMAGE ID", "CreatedSince", "CREATED", "CreatedAt",
            "CREATED AT", "Size", "SIZE", "Digest", "DIGEST");

    private ImageCommands() {
    }

    /** The object `docker image inspect` prints: the engine's, which the API serves too. */
    static Map<String, Object> inspect(Image image) {
        return Inspection.image(image);
    }

    private static String familiar(String reference) {
        return Reference.parse(reference).familiar();
    }

    @Command(name = "load", description = "Load an image from a tar archive or STDIN.")
    static final class Load implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-i", "--input"}, description = "Read from tar archive file or folder.")
        Path input;

        @Option(names = {"-q", "--quiet"}, description = "Suppress the load output.")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            ImageStore images = Main.of(spec).engine().images();
            List<Image> loaded;
            if (input == null) {
                if (System.console() != null) {
                    throw new ExitCodes.UserError("requested load from stdin, but stdin is "
                            + "empty: use -i FILE or pipe an archive in");
                }
                try (InputStream in = System.in) {
                    loaded = images.load(in);
                }
            } else {
                if (!Files.exists(input)) {
                    throw new ExitCodes.UserError("open " + input + ": no such file or directory");
                }
                loaded = images.load(input);
            }
            for (Image image : loaded) {
                if (image.repoTags().isEmpty()) {
                    System.out.println("Loaded image ID: " + image.id());
                }
                for (String tag : image.repoTags()) {
                    System.out.println("Loaded image: " + familiar(tag));
                }
            }
            return 0;
        }
    }

    @Command(name = "import", description = "Import a root filesystem tarball as an image.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--change"}, description = "Apply a Dockerfile instruction.")
        List<String> changes = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "file|-")
        String file;

        @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]")
        String reference;

        @Override
        public Integer call() throws Exception {
            InputStream in;
            if ("-".equals(file)) {
                in = System.in;
            } else {
                Path path = Path.of(file);
                if (!Files.isRegularFile(path)) {
                    throw new ExitCodes.UserError("open " + file + ": no such file or directory");
                }
                in = Files.newInputStream(path);
            }
            try (in) {
                Image image = Main.of(spec).engine().images()
                        .importRootfs(in, reference, changes);
                System.out.println(image.id());
            }
            return 0;
        }
    }

    /** `image ls` and `image list`: images under the image group, as docker's. */
    @Command(name = "ls", aliases = "list", description = "List images.")
    static final class ImageLs extends Images {
    }

    @Command(name = "images", description = "List images.")
    static class Images implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-a", "--all"}, description = "Show all images (Berth keeps no "
                + "intermediate ones, so the same list).")
        boolean all;

        @Option(names = {"-q", "--quiet"}, description = "Only show image IDs.")
        boolean quiet;

        @Option(names = "--no-trunc", description = "Don't truncate output.")
        boolean noTrunc;

        @Option(names = "--format", description = "Format output using a Go template.")
        String format;

        @Option(names = {"-f", "--filter"}, description = "Filter output: dangling=true|false, "
                + "label=KEY[=VALUE], before=IMAGE, since=IMAGE, reference=GLOB.")
        List<String> filters = new ArrayList<>();

        @Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]",
                description = "Only images of this repository (and tag).")
        String reference;

        @Override
        public Integer call() {
            Instant now = Instant.now();
            List<Map<String, Object>> rows = new ArrayList<>();
            ImageStore images = Main.of(spec).engine().images();
            ImageFilter filter = ImageFilter.ofWords(filters, images::find);
            for (Image image : images.list()) {
                List<String> tags = filter.listedTags(image);
                if (tags != null) {
                    rows.addAll(rows(image, tags, now));
                }
            }
            if (reference != null) {
                rows.removeIf(row -> !named(row, reference));
            }
            String layout = quiet ? "{{.ID}}"
                    : format == null || format.equals("table") ? IMAGES_TABLE : format;
            System.out.print(new io.berth.template.TableFormat(layout, IMAGES_HEADERS)
                    .contextRowsOf("*formatter.imageContext").render(rows));
            return 0;
        }

        /** docker's `images busybox` and `images busybox:latest`. */
        private static boolean named(Map<String, Object> row, String wanted) {
            int colon = wanted.lastIndexOf(':');
            boolean tagged = colon > wanted.lastIndexOf('/');
            String repository = tagged ? wanted.substring(0, colon) : wanted;
            return repository.equals(row.get("Repository"))
                    && (!tagged || wanted.substring(colon + 1).equals(row.get("Tag")));
        }

        private List<Map<String, Object>> rows(Image image, List<String> listed, Instant now) {
            List<String> tags = listed.isEmpty() ? List.of("") : listed;
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String tag : tags) {
                Map<String, Object> row = new LinkedHashMap<>();
                Reference ref = tag.isEmpty() ? null : Reference.parse(tag);
                String familiar = ref == null ? "" : ref.familiar();
                int colon = familiar.lastIndexOf(':');
                row.put("Repository", ref == null ? "<none>" : familiar.substring(0, colon));
                row.put("Tag", ref == null ? "<none>" : familiar.substring(colon + 1));
                String hex = image.id().substring("sha256:".length());
                row.put("ID", noTrunc ? image.id() : hex.substring(0, 12));
                row.put("Digest", image.repoDigests().isEmpty() ? "<none>"
                        : image.repoDigests().get(0));
                row.put("CreatedSince", Durations.human(image.created(), now) + " ago");
                row.put("CreatedAt", Inspection.time(image.created()));
                row.put("Size", humanSize(image.size()));
                rows.add(row);
            }
            return rows;
        }
    }

    /** docker's sizes: decimal units, three significant digits (4.26MB). */
    static String humanSize(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int i = 0;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        String number = String.format(Locale.ROOT, "%.3g", v);
        if (number.contains(".")) {
            number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return number + units[i];
    }
}
