package io.alertrelay.db;

import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tables that grow with every flag are analyzed with a light statistics target (V13): autovacuum
 * analyzes them every few seconds under load, and at the default target each run sampled 30,000 rows.
 */
class PerFlagTableStatisticsTest {

    private final TestRelay relay = TestRelay.shared();

    @Test
    void everyColumnOfFlagsDeliveriesAndTheAttemptLogHasStatisticsTargetTen() {
        Number off = (Number) relay.queryValue("SELECT count(*) FROM pg_attribute WHERE attrelid IN "
                + "('flags'::regclass, 'deliveries'::regclass, 'webhook_logs'::regclass) AND attnum > 0 "
                + "AND NOT attisdropped AND attstattarget IS DISTINCT FROM 10");
        Number columns = (Number) relay.queryValue("SELECT count(*) FROM pg_attribute WHERE attrelid = "
                + "'deliveries'::regclass AND attnum > 0 AND NOT attisdropped");
        assertThat(columns.longValue()).isGreaterThan(10);
        assertThat(off.longValue()).isZero();
    }

    @Test
    void theCatalogueKeepsTheServersDefaultTarget() {
        Number changed = (Number) relay.queryValue("SELECT count(*) FROM pg_attribute WHERE attrelid = "
                + "'product_codes'::regclass AND attnum > 0 AND NOT attisdropped AND attstattarget = 10");
        assertThat(changed.longValue()).isZero();
    }
}
