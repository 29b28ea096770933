package io.berth.engine;

import io.berth.convert.InvalidRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * docker top: the host's ps run with the caller's options (docker's ps_args, {@code -ef} when
 * none are given), cut to the rows of a container's processes, as dockerd does it. A row has
 * as many fields as the header has titles; the last takes the rest of the line (the command).
 */
public record ProcessTable(List<String> titles, List<List<String>> processes) {
    private static final long PS_SECONDS = 10;

    /** Runs ps with {@code psArgs} (split at blanks) and keeps the rows of {@code pids}. */
    static ProcessTable of(Collection<Long> pids, String psArgs) {
        List<String> argv = new ArrayList<>(List.of("ps"));
        argv.addAll(psArgs == null || psArgs.isBlank() ? List.of("-ef")
                : List.of(psArgs.strip().split("\\s+")));
        String output = run(argv);
        List<String> lines = output.lines().toList();
        if (lines.isEmpty()) {
            throw new InvalidRequestException("ps printed nothing");
        }
        List<String> titles = fields(lines.getFirst());
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw new InvalidRequestException("Couldn't find PID field in ps output");
        }
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = fields(line);
            if (fields.size() <= pidColumn || !isPid(fields.get(pidColumn))
                    || !pids.contains(Long.parseLong(fields.get(pidColumn)))) {
                continue;
            }
            if (fields.size() < titles.size()) {
                rows.add(fields);
                continue;
            }
            List<String> row = new ArrayList<>(fields.subList(0, titles.size() - 1));
            row.add(String.join(" ", fields.subList(titles.size() - 1, fields.size())));
            rows.add(row);
        }
        return new ProcessTable(titles, rows);
    }

    private static List<String> fields(String line) {
        String s = line.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }

    private static boolean isPid(String field) {
        return !field.isEmpty() && field.length() < 11
                && field.chars().allMatch(Character::isDigit);
    }

    private static String run(List<String> argv) {
        try {
            Process ps = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return ps.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            byte[] out = ps.getInputStream().readAllBytes();
            if (!ps.waitFor(PS_SECONDS, TimeUnit.SECONDS)) {
                ps.destroyForcibly();
                throw new InvalidRequestException("ps did not finish");
            }
            if (ps.exitValue() != 0) {
                String why = new String(err.join(), StandardCharsets.UTF_8).strip();
                throw new InvalidRequestException("Error running ps: exit status "
                        + ps.exitValue() + (why.isEmpty() ? "" : ": " + why.lines().findFirst()
                                .orElse("")));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("run ps", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ps ran", e);
        }
    }
}
