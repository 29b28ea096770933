package io.berth.engine;

import java.util.List;
import java.util.Locale;

/** Signal names and numbers of Linux on x86_64 and arm64, as `kill -l` lists them. */
public final class Signals {
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP",
            "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
            "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
            "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {
    }

    /** Parses TERM, SIGTERM, sigterm, 15 or RTMIN+3; anything else is an invalid request. */
    public static int parse(String signal) {
        String s = signal.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return check(Integer.parseInt(s), signal);
        }
        int index = NAMES.indexOf(s);
        if (index > 0) {
            return index;
        }
        if (s.startsWith("RTMIN")) {
            return check(RTMIN + offset(s.substring(5), signal), signal);
        }
        if (s.startsWith("RTMAX")) {
            return check(RTMAX - offset(s.substring(5), signal), signal);
        }
        throw new io.berth.convert.InvalidRequestException("invalid signal: " + signal);
    }

    private static int offset(String rest, String signal) {
        if (rest.isEmpty()) {
            return 0;
        }
        try {
            return Math.abs(Integer.parseInt(rest));
        } catch (NumberFormatException e) {
            throw new io.berth.convert.InvalidRequestException("invalid signal: " + signal);
        }
    }

    private static int check(int n, String signal) {
        if (n < 1 || n > RTMAX) {
            throw new io.berth.convert.InvalidRequestException("invalid signal: " + signal);
        }
        return n;
    }
}
