package io.berth.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times docker's {@code logs --since/--until} (and {@code events}) take: a Go duration
 * before now ("10m", "1h30m"), an RFC 3339 time or a shorter form of it ("2024-05-01",
 * "2024-05-01T10:00"; local time when no zone is given), or a Unix timestamp with an optional
 * fraction ("1714557600.5").
 */
public final class LogTimes {
    private static final Pattern DURATION_PART = Pattern.compile(
            "(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Pattern DURATION = Pattern.compile(
            "[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|μs|ms|s|m|h))+");
    private static final Pattern UNIX = Pattern.compile("(\\d+)(?:\\.(\\d{1,9}))?");
    private static final DateTimeFormatter RFC3339_LIKE = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral('T').appendPattern("HH")
            .optionalStart().appendLiteral(':').appendPattern("mm")
            .optionalStart().appendLiteral(':').appendPattern("ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd().optionalEnd().optionalEnd().optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .parseDefaulting(ChronoField.NANO_OF_SECOND, 0)
            .toFormatter(Locale.ROOT);

    private LogTimes() {
    }

    /**
     * The instant {@code value} stands for, durations counting back from {@code now}.
     *
     * @throws IllegalArgumentException when it is none of docker's forms
     */
    public static Instant parse(String value, Instant now) {
        String v = value.strip();
        if (!v.equals("0") && DURATION.matcher(v).matches()) {
            return now.minus(duration(v));
        }
        if (v.contains("-") || v.contains("T")) {
            return dateTime(v);
        }
        Matcher unix = UNIX.matcher(v);
        if (unix.matches()) {
            String fraction = unix.group(2) == null ? "0" : unix.group(2);
            long nanos = Long.parseLong((fraction + "000000000").substring(0, 9));
            return Instant.ofEpochSecond(Long.parseLong(unix.group(1)), nanos);
        }
        throw new IllegalArgumentException("failed to parse value as time or duration: \""
                + value + "\"");
    }

    private static Instant dateTime(String v) {
        try {
            TemporalAccessor t = RFC3339_LIKE.parse(v.replace('z', 'Z'));
            LocalDateTime local = LocalDateTime.from(t);
            if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
                return local.toInstant(ZoneOffset.ofTotalSeconds(
                        t.get(ChronoField.OFFSET_SECONDS)));
            }
            return local.atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("parsing time \"" + v
                    + "\": not an RFC 3339 time", e);
        }
    }

    /** Go's time.ParseDuration: signed sums of decimal numbers with units. */
    static Duration duration(String v) {
        boolean negative = v.startsWith("-");
        Matcher part = DURATION_PART.matcher(v);
        double nanos = 0;
        while (part.find()) {
            nanos += Double.parseDouble(part.group(1)) * unitNanos(part.group(2));
        }
        Duration d = Duration.ofNanos(Math.round(nanos));
        return negative ? d.negated() : d;
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs", "μs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
    }
}
