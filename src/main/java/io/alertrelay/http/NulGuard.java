package io.alertrelay.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one check that no input text holds U+0000 (NUL): PostgreSQL refuses it in {@code text} and
 * {@code jsonb}, so a NUL that got as far as an INSERT would be a 500. Every reader of client or
 * partner input passes its text here first (the HTTP gate for the URI and headers, the JSON body
 * readers, the catalogue rows, broker partner messages) and a NUL is a 400 naming the field.
 */
public final class NulGuard {

    private static final char NUL = '\u0000';

    private NulGuard() {
    }

    /** The value unchanged, or a 400 naming {@code field} when it holds a NUL. */
    public static String text(String field, String value) {
        if (value != null && value.indexOf(NUL) >= 0) {
            throw refusal(List.of(field));
        }
        return value;
    }

    /**
     * The node unchanged, or a 400 naming every field (as a path: {@code payload.items[2].name}) whose
     * name or text holds a NUL. {@code prefix} names the node itself ("" for a whole request body).
     */
    public static <T extends JsonNode> T json(String prefix, T node) {
        List<String> fields = new ArrayList<>();
        collect(prefix, node, fields);
        if (!fields.isEmpty()) {
            throw refusal(fields);
        }
        return node;
    }

    /**
     * What every HTTP request carries besides its body: the path and query (a {@code %00} decodes to
     * NUL in a path or query parameter) and the header values. Empty when none holds a NUL.
     */
    public static Optional<ApiProblem> request(HttpServerRequest request) {
        List<String> fields = new ArrayList<>();
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (path.contains("%00") || contains(path)) {
            fields.add("path");
        }
        if (query >= 0 && (uri.indexOf("%00", query) >= 0 || uri.indexOf(NUL, query) >= 0)) {
            try {
                request.params().forEach((name, value) -> {
                    if (contains(name) || contains(value)) {
                        fields.add("query parameter " + printable(name));
                    }
                });
            } catch (RuntimeException e) {
                // a query Vert.x cannot decode is named as a whole
            }
            if (fields.isEmpty() || fields.equals(List.of("path"))) {
                fields.add("query");
            }
        }
        request.headers().forEach((name, value) -> {
            if (contains(name) || contains(value)) {
                fields.add("header " + printable(name));
            }
        });
        return fields.isEmpty() ? Optional.empty() : Optional.of(refusal(fields));
    }

    /** Rows of named cells (catalogue import): a 400 naming each cell as {@code row 3 manufacturer}. */
    public static void rows(List<Map<String, String>> rows) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            for (Map.Entry<String, String> cell : rows.get(i).entrySet()) {
                if (contains(cell.getKey()) || contains(cell.getValue())) {
                    fields.add("row " + (i + 1) + " " + printable(cell.getKey()));
                }
            }
        }
        if (!fields.isEmpty()) {
            throw refusal(fields);
        }
    }

    public static boolean contains(String value) {
        return value != null && value.indexOf(NUL) >= 0;
    }

    /** {@code "note contains a NUL character"}, one detail per field. */
    public static ApiProblem refusal(List<String> fields) {
        String error = fields.size() == 1 ? fields.get(0) + " contains a NUL character"
                : String.join(", ", fields) + " contain a NUL character";
        List<String> details = fields.stream()
                .map(f -> f + ": holds the character U+0000 (NUL), which cannot be stored; remove it").toList();
        return new ApiProblem(400, error, details);
    }

    private static void collect(String path, JsonNode node, List<String> fields) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            if (contains(node.textValue())) {
                fields.add(path.isEmpty() ? "body" : path);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? printable(e.getKey()) : path + "." + printable(e.getKey());
                if (contains(e.getKey())) {
                    fields.add(child);
                } else {
                    collect(child, e.getValue(), fields);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect((path.isEmpty() ? "body" : path) + "[" + i + "]", node.get(i), fields);
            }
        }
    }

    /** A name fit for an error text: its NULs written as the JSON escape a client would have sent. */
    private static String printable(String name) {
        return name == null ? "" : name.replace(String.valueOf(NUL), "\\u0000");
    }
}
