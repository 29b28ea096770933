package io.berth.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routes a request to its handler by method and path pattern; {name} segments are captured. */
final class Router {
    /** A handler of one endpoint; the matcher holds the path's captured names. */
    interface Handler {
        void handle(HttpExchange exchange, Matcher path) throws Exception;
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    /**
     * Adds a route. {@code {x}} matches one path segment; {@code {x*}} matches the rest, slashes
     * included, for image names like {@code localhost:5000/team/app:v1}.
     */
    Router on(String method, String template, Handler handler) {
        String regex = template.replaceAll("\\{[a-z]+\\*}", "(.+)")
                .replaceAll("\\{[a-z]+}", "([^/]+)");
        routes.add(new Route(method, Pattern.compile("^" + regex + "/?$"), handler));
        return this;
    }

    /** The handler for this request, or null. A GET route answers HEAD too. */
    Matched find(HttpRequest request) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.pattern().matcher(request.path());
            if (!m.matches()) {
                continue;
            }
            pathKnown = true;
            if (r.method().equals(request.method())
                    || r.method().equals("GET") && request.method().equals("HEAD")) {
                return new Matched(r.handler(), m);
            }
        }
        return pathKnown ? new Matched(null, null) : null;
    }

    /** A route found for the path; handler null when the path exists under another method. */
    record Matched(Handler handler, Matcher path) {
    }
}
