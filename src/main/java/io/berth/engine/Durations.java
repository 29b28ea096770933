package io.berth.engine;

import java.time.Duration;
import java.time.Instant;

/** Human durations in the words docker prints ("Less than a second", "3 minutes", ...). */
public final class Durations {
    private Durations() {
    }

    /** The time from {@code since} to {@code now}, as docker's ps and images print it. */
    public static String human(Instant since, Instant now) {
        if (since == null) {
            return "Less than a second";
        }
        return human(Duration.between(since, now));
    }

    static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(d.toSeconds() / 3600.0);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return d.toHours() / 24 / 365 + " years";
    }
}
