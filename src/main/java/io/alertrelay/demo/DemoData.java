package io.alertrelay.demo;

import io.alertrelay.db.SqlStatements;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.WebhookSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Demo agencies (registered to the built-in demo receiver) and a small catalogue in every
 * category, loaded idempotently at each start in demo mode.
 */
public final class DemoData {

    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);
    public static final List<String> AGENCIES = List.of("NAFDAC", "FIRS", "NAFDAC-COSMETICS");
    private static final String UPSERT_AGENCY = SqlStatements.load("demo-agency-upsert");
    private static final String CATALOGUE = SqlStatements.load("demo-catalogue");
    private static final String RATE_LIMIT_ROWS = SqlStatements.load("rate-limit-rows");

    private DemoData() {
    }

    /** Loads what is missing; demo agencies follow the receiver if the port changed. */
    public static void load(DataSource dataSource, SecretCipher cipher, String receiverBaseUrl) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(UPSERT_AGENCY)) {
                for (String agency : AGENCIES) {
                    ps.setString(1, agency);
                    ps.setString(2, displayName(agency));
                    ps.setString(3, receiverBaseUrl + "/demo/agencies/" + agency);
                    ps.setString(4, cipher.encrypt(WebhookSecrets.generate()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (Statement st = c.createStatement()) {
                st.execute(RATE_LIMIT_ROWS);
                st.execute(CATALOGUE);
            }
            c.commit();
        }
        LOG.info("Demo data ready: agencies {} and codes DEMO-DRUG-0001, DEMO-FOOD-0001, DEMO-COSM-0001, DEMO-OTHER-0001 ...",
                AGENCIES);
    }

    private static String displayName(String agency) {
        return switch (agency) {
            case "NAFDAC" -> "National Agency for Food and Drug Administration and Control (demo)";
            case "FIRS" -> "Food inspection and registration service (demo)";
            case "NAFDAC-COSMETICS" -> "NAFDAC cosmetics directorate (demo)";
            default -> agency;
        };
    }
}
