package io.alertrelay.schedules;

import io.alertrelay.config.RelaySettings;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

/**
 * The camel-quartz component on a clustered JDBC job store in the relay's own PostgreSQL: every
 * instance shares the qrtz_* tables (Flyway V3), so a job fires once per schedule however many
 * instances run, and a trigger missed while all were down fires once at the next start.
 */
public final class ClusteredQuartz {

    /** Scheduler name shared by every instance: the cluster is the set of schedulers with this name. */
    public static final String SCHEDULER_NAME = "alert-relay";
    private static final Object FACTORY_LOCK = new Object();

    private ClusteredQuartz() {
    }

    public static QuartzComponent component(RelaySettings settings, DataSource dataSource) {
        // Quartz looks data sources up by name in a JVM-wide registry; a name per relay keeps two
        // relays in one JVM (tests) apart while they still share the tables.
        String dataSourceName = "relay-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new RelayConnections(dataSource));
        QuartzComponent quartz = new QuartzComponent();
        try {
            quartz.setSchedulerFactory(new OwnSchedulerFactory(properties(settings, dataSourceName)));
        } catch (SchedulerException e) {
            throw new IllegalStateException("Quartz configuration rejected: " + e.getMessage(), e);
        }
        quartz.setAutoStartScheduler(settings.getBoolean("relay.schedules.enabled", true));
        quartz.setEnableJmx(false);
        return quartz;
    }

    static Properties properties(RelaySettings settings, String dataSourceName) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", settings.get("relay.schedules.quartz.threads", "3"));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                settings.get("relay.schedules.quartz.cluster-checkin-ms", "7500"));
        p.setProperty("org.quartz.jobStore.misfireThreshold", settings.get("relay.schedules.quartz.misfire-threshold-ms", "60000"));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", "1");
        return p;
    }

    /**
     * Creates a new scheduler at each call: StdSchedulerFactory would otherwise hand a second relay
     * in the same JVM the first relay's scheduler, because cluster members share one scheduler name.
     */
    static final class OwnSchedulerFactory extends StdSchedulerFactory {
        OwnSchedulerFactory(Properties properties) throws SchedulerException {
            super(properties);
        }

        @Override
        public Scheduler getScheduler() throws SchedulerException {
            synchronized (FACTORY_LOCK) {
                SchedulerRepository repository = SchedulerRepository.getInstance();
                repository.remove(SCHEDULER_NAME);
                Scheduler created = super.getScheduler();
                repository.remove(SCHEDULER_NAME);
                return created;
            }
        }
    }

    /** Lends Quartz connections from the relay's pool; the pool's lifetime is the relay's, not Quartz's. */
    static final class RelayConnections implements ConnectionProvider {
        private final DataSource dataSource;

        RelayConnections(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the relay closes its pool after Camel (and so Quartz) stopped
        }

        @Override
        public void initialize() {
        }
    }
}
