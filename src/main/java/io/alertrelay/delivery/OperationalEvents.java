package io.alertrelay.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What admins must be told of (webhook disabled, delivery exhausted, circuit opened/recovered):
 * kept in operational_events and logged; the admin subscription relays them.
 */
public final class OperationalEvents {

    private static final Logger LOG = LoggerFactory.getLogger(OperationalEvents.class);
    private static final String INSERT = SqlStatements.load("operational-event");

    public static final String WEBHOOK_DISABLED = "webhook.disabled";
    public static final String DELIVERY_EXHAUSTED = "delivery.exhausted";
    public static final String CIRCUIT_OPENED = "circuit.opened";
    public static final String CIRCUIT_RECOVERED = "circuit.recovered";

    private final DataSource dataSource;
    private final ObjectMapper json;

    public OperationalEvents(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    public void record(String type, Optional<Long> agencyId, Optional<UUID> deliveryId, Map<String, Object> detail) {
        LOG.warn("Operational event {}: {}", type, detail);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, type);
            if (agencyId.isPresent()) {
                ps.setLong(2, agencyId.get());
            } else {
                ps.setNull(2, Types.BIGINT);
            }
            ps.setString(3, deliveryId.map(UUID::toString).orElse(null));
            ps.setString(4, json.writeValueAsString(detail));
            ps.executeUpdate();
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.error("Could not record operational event {} {}", type, detail, e);
        }
    }
}
