package io.berth.api;

import io.berth.convert.InvalidRequestException;
import io.berth.engine.ConflictException;
import io.berth.engine.NotFoundException;
import io.berth.image.ImageFormatException;
import io.berth.network.InvalidNetworkException;
import io.berth.network.NetworkConflictException;
import io.berth.network.NetworkNotFoundException;
import io.berth.runtime.ContainerStateException;
import io.berth.store.NameConflictException;

/** The one place where Berth's failures become docker's HTTP statuses. */
final class ApiErrors {
    private ApiErrors() {
    }

    /** 400 bad parameter, 404 no such object, 409 conflict, 500 otherwise. */
    static int status(Throwable e) {
        return switch (e) {
            case ApiException api -> api.status();
            case NotFoundException n -> 404;
            case NetworkNotFoundException n -> 404;
            case ConflictException c -> 409;
            case NameConflictException c -> 409;
            case NetworkConflictException c -> 409;
            case ContainerStateException c -> 409;
            case InvalidRequestException i -> 400;
            case InvalidNetworkException i -> 400;
            case ImageFormatException i -> 400;
            default -> 500;
        };
    }

    /** The message a client shows after "Error response from daemon: ". */
    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        return e instanceof io.berth.runtime.ContainerStartException ? goWords(m) : m;
    }

    /**
     * The docker CLI reads a failed start's exit code from the words of the error: 127 for "no
     * such file or directory", 126 for "permission denied" or "is a directory", as Go spells
     * errno texts, lower case; C's strerror capitalises them.
     */
    private static String goWords(String message) {
        return message.replace("No such file or directory", "no such file or directory")
                .replace("Permission denied", "permission denied")
                .replace("Is a directory", "is a directory");
    }
}
