package io.berth.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** docker's "Are you sure you want to continue? [y/N]" before a prune without --force. */
final class Confirmation {
    private Confirmation() {
    }

    /** Prints the warning and the question; true only for an answer of y. */
    static boolean asked(String warning) throws IOException {
        System.out.println(warning);
        System.out.print("Are you sure you want to continue? [y/N] ");
        System.out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.strip().equalsIgnoreCase("y");
    }
}
