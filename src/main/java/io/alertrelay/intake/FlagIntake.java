package io.alertrelay.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.db.TimeOrderedUuids;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.JsonBodies;
import org.apache.camel.Exchange;
import org.slf4j.MDC;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The steps of flag intake the route calls: parse and validate the request, resolve the code,
 * record flag + outbox in one transaction, and describe a flag.
 */
public final class FlagIntake {

    public static final String REQUEST = "flagRequest";
    public static final String CODE = "codeDetails";
    public static final String CATEGORY = "category";
    public static final String SEVERITY = "severity";
    public static final String AGENCIES = "agencies";
    public static final String RECORDED = "recordedDeliveries";
    public static final String CORRELATION_ID = "correlationId";

    private static final int MAX_CODE = 128;
    private static final int MAX_NOTE = 2000;
    private static final int MAX_REPORTER = 200;
    private static final int MAX_KEY = 200;

    /** The request headers kept after parsing: what the error reply's log line names. */
    private static final Set<String> KEPT_HEADERS = Set.of(Exchange.HTTP_METHOD, Exchange.HTTP_URI);

    private final FlagStore store;
    private final JsonBodies bodies;
    private final ObjectMapper json;

    public FlagIntake(FlagStore store, JsonBodies bodies) {
        this.store = store;
        this.bodies = bodies;
        this.json = bodies.mapper();
    }

    /** Checks content type, size and fields; leaves a {@link FlagRequest} in the exchange. */
    public void parse(Exchange exchange) throws JsonProcessingException {
        var in = exchange.getMessage();
        String correlationId = JsonBodies.correlationId(exchange, () -> TimeOrderedUuids.next().toString());
        // the log context of this flag from here on (cleared when the exchange is done: LogContextUnitOfWork)
        MDC.put(CORRELATION_ID, correlationId);
        ObjectNode node = bodies.object(exchange, "expected a JSON object with reason and severity",
                "expected {\"reason\",\"severity\"}");
        String code = in.getHeader("code", String.class);
        if (code == null || code.isBlank() || code.length() > MAX_CODE) {
            throw ApiProblem.notFound("unknown product code", "code: not in the catalogue");
        }
        List<String> problems = new ArrayList<>();
        Optional<Reason> reason = JsonBodies.requiredChoice(node, "reason", Reason::parse, Reason.allowed(), problems);
        Optional<Severity> severity = JsonBodies.requiredChoice(node, "severity", Severity::parse, Severity.allowed(), problems);
        Optional<String> note = JsonBodies.verbatimText(node, "note", MAX_NOTE, problems);
        Optional<String> reportedBy = JsonBodies.verbatimText(node, "reportedBy", MAX_REPORTER, problems);
        Optional<String> key = Optional.ofNullable(in.getHeader("Idempotency-Key", String.class))
                .map(String::trim).filter(k -> !k.isEmpty());
        if (key.isPresent() && key.get().length() > MAX_KEY) {
            problems.add("Idempotency-Key: at most " + MAX_KEY + " characters");
        }
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid flag request", problems);
        }
        FlagRequest request = new FlagRequest(code, reason.orElseThrow(), severity.orElseThrow(), note, reportedBy, key);
        exchange.setProperty(REQUEST, request);
        exchange.setProperty(SEVERITY, request.severity().wire());
        // everything the flag needs is read: the request's headers and body would otherwise be copied at
        // the end of every pipeline the exchange passes (an InOut exchange copies its message there) and
        // into each delivery's split copy. Method and URI stay for the error log.
        in.getHeaders().keySet().removeIf(name -> !KEPT_HEADERS.contains(name));
        in.setBody(null);
    }

    /** Finds the code in the catalogue (404 if unknown) and exposes its category to the router. */
    public void resolveCode(Exchange exchange) throws SQLException {
        FlagRequest request = exchange.getProperty(REQUEST, FlagRequest.class);
        CodeDetails code = store.findCode(request.code())
                .orElseThrow(() -> ApiProblem.notFound("unknown product code", "code: '" + request.code()
                        + "' is not in the catalogue"));
        exchange.setProperty(CODE, code);
        exchange.setProperty(CATEGORY, code.category());
    }

    /**
     * Records the flag, the code's status and one outbox row per chosen agency in one transaction;
     * the body becomes the 202 answer. A repeated Idempotency-Key answers as the first time did.
     */
    public void record(Exchange exchange) throws SQLException {
        FlagRequest request = exchange.getProperty(REQUEST, FlagRequest.class);
        CodeDetails code = exchange.getProperty(CODE, CodeDetails.class);
        List<String> chosen = agencies(exchange.getProperty(AGENCIES));
        String correlationId = exchange.getProperty(CORRELATION_ID, String.class);
        UUID flagId = TimeOrderedUuids.next();
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        String payload = payload(flagId, code, request, at, correlationId);
        Optional<FlagStore.Recorded> recorded = store.record(
                new FlagStore.NewFlag(flagId, code, request, correlationId, at, payload, chosen));
        if (recorded.isEmpty()) {
            exchange.getMessage().setBody(repeatAnswer(request));
            return;
        }
        // leased to this instance in the same transaction: the hand-off sends them without claiming
        exchange.setProperty(RECORDED, recorded.get().leased());
        exchange.getMessage().setBody(answer(recorded.get().flagId(), code.code(), code.category(),
                recorded.get().agencies(), chosen));
    }

    /** The flag with each delivery's status, for GET /api/flags/{flagId}. */
    public void show(Exchange exchange) throws SQLException {
        String id = exchange.getMessage().getHeader("flagId", String.class);
        UUID flagId;
        try {
            flagId = UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiProblem.notFound("unknown flag", "flagId: '" + id + "' is not a flag id");
        }
        exchange.getMessage().setBody(store.findFlag(flagId)
                .orElseThrow(() -> ApiProblem.notFound("unknown flag", "flagId: no flag " + flagId)));
    }

    private Map<String, Object> repeatAnswer(FlagRequest request) throws SQLException {
        String key = request.idempotencyKey().orElseThrow();
        FlagStore.Earlier earlier = store.findByIdempotencyKey(key)
                .orElseThrow(() -> new IllegalStateException("idempotency key conflict without a stored flag"));
        if (!earlier.fingerprint().equals(request.fingerprint())) {
            throw new ApiProblem(422, "Idempotency-Key already used for a different flag",
                    List.of("Idempotency-Key: '" + key + "' was first used for " + earlier.fingerprint()));
        }
        List<String> agencies = new ArrayList<>();
        Object deliveries = store.findFlag(earlier.flagId()).map(f -> f.get("deliveries")).orElse(List.of());
        for (Object d : (List<?>) deliveries) {
            agencies.add(String.valueOf(((Map<?, ?>) d).get("agency")));
        }
        return answer(earlier.flagId(), earlier.code(), earlier.category(), agencies, agencies);
    }

    private static Map<String, Object> answer(UUID flagId, String code, String category, List<String> agencies,
                                              List<String> chosen) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flagId", flagId.toString());
        body.put("code", code);
        body.put("category", category);
        body.put("agencies", agencies);
        body.put("status", "accepted");
        if (agencies.isEmpty()) {
            body.put("message", "no agency is configured for category '" + category
                    + "': the flag is recorded without deliveries");
        } else if (agencies.size() < chosen.size()) {
            List<String> unknown = chosen.stream().filter(a -> !agencies.contains(a)).toList();
            body.put("message", "routing named unknown agencies " + unknown + "; they were skipped");
        }
        return body;
    }

    /** The code.flagged event, built once at intake and stored with each outbox row. */
    private String payload(UUID flagId, CodeDetails code, FlagRequest request, OffsetDateTime at, String correlationId) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "code.flagged");
        root.put("timestamp", at.toInstant().toString());
        ObjectNode data = root.putObject("data");
        data.put("flagId", flagId.toString());
        data.put("code", code.code());
        data.put("category", code.category());
        data.put("severity", request.severity().wire());
        data.put("reason", request.reason().wire());
        request.note().ifPresent(n -> data.put("note", n));
        request.reportedBy().ifPresent(r -> data.put("reportedBy", r));
        data.put("flaggedAt", at.toInstant().toString());
        data.put("correlationId", correlationId);
        ObjectNode product = data.putObject("product");
        product.put("id", code.productId());
        product.put("name", code.productName());
        code.registrationNumber().ifPresent(r -> product.put("registrationNumber", r));
        product.put("batch", code.batchNumber());
        code.expiresOn().ifPresent(e -> product.put("expiresOn", e));
        ObjectNode manufacturer = data.putObject("manufacturer");
        manufacturer.put("id", code.manufacturerId());
        manufacturer.put("name", code.manufacturerName());
        code.manufacturerCountry().ifPresent(c -> manufacturer.put("country", c));
        return root.toString();
    }

    static List<String> agencies(Object chosen) {
        if (chosen == null) {
            return List.of();
        }
        if (chosen instanceof List<?> list) {
            return list.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        }
        return Arrays.stream(chosen.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .distinct().toList();
    }
}
