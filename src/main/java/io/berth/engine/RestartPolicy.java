package io.berth.engine;

import io.berth.convert.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;

/**
 * docker's --restart: no, on-failure[:N], always, unless-stopped. The shim's exit command
 * applies it, so containers come back even when no CLI or service is running.
 *
 * @param maxRetries for on-failure: at most this many restarts (0: no limit)
 */
public record RestartPolicy(String name, int maxRetries) {
    private static final Duration FIRST_DELAY = Duration.ofMillis(100);
    private static final Duration MAX_DELAY = Duration.ofMinutes(1);
    /** A run at least this long resets the back-off, as docker's does. */
    private static final Duration STEADY = Duration.ofSeconds(10);

    /** Parses docker's words; null or empty is "no". */
    public static RestartPolicy parse(String policy) {
        if (policy == null || policy.isEmpty() || policy.equals("no")) {
            return new RestartPolicy("no", 0);
        }
        if (policy.equals("always") || policy.equals("unless-stopped")) {
            return new RestartPolicy(policy, 0);
        }
        if (policy.equals("on-failure")) {
            return new RestartPolicy(policy, 0);
        }
        if (policy.startsWith("on-failure:")) {
            try {
                int n = Integer.parseInt(policy.substring("on-failure:".length()));
                if (n >= 0) {
                    return new RestartPolicy("on-failure", n);
                }
            } catch (NumberFormatException e) {
                // Falls through to the error below.
            }
            throw new InvalidRequestException("invalid restart policy: maximum retry count must "
                    + "be a positive number: " + policy);
        }
        throw new InvalidRequestException("invalid restart policy '" + policy
                + "' (use no, on-failure[:N], always or unless-stopped)");
    }

    /** Whether a container that exited with this code is started again. */
    public boolean restarts(int exitCode, int restartCount, boolean manuallyStopped) {
        if (manuallyStopped) {
            return false;
        }
        return switch (name) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> exitCode != 0 && (maxRetries == 0 || restartCount < maxRetries);
            default -> false;
        };
    }

    /** The wait before the next start: doubling from 100 ms, reset after a steady run. */
    public Duration backoff(int restartCount, Instant started, Instant finished) {
        if (started != null && finished != null
                && Duration.between(started, finished).compareTo(STEADY) >= 0) {
            return FIRST_DELAY;
        }
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(restartCount, 10));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** docker's spelling for inspect's HostConfig.RestartPolicy.Name. */
    @Override
    public String toString() {
        return maxRetries > 0 ? name + ":" + maxRetries : name;
    }
}
