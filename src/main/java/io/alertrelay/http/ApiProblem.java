package io.alertrelay.http;

import java.util.List;
import java.util.Map;

/** A request the relay refuses, with the HTTP status and the JSON error the client gets. */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final List<String> details;
    private final Map<String, String> headers;

    public ApiProblem(int status, String error, List<String> details) {
        this(status, error, details, Map.of());
    }

    public ApiProblem(int status, String error, List<String> details, Map<String, String> headers) {
        super(error, null, false, false);
        this.status = status;
        this.details = List.copyOf(details);
        this.headers = Map.copyOf(headers);
    }

    public static ApiProblem badRequest(String error, String... details) {
        return new ApiProblem(400, error, List.of(details));
    }

    public static ApiProblem notFound(String error, String... details) {
        return new ApiProblem(404, error, List.of(details));
    }

    public int status() {
        return status;
    }

    public List<String> details() {
        return details;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
