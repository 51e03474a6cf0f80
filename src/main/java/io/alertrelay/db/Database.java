package io.alertrelay.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** The relay's connection pool and its versioned schema. */
public final class Database {

    private Database() {
    }

    public static HikariDataSource pool(String url, String user, String password, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("relay-db");
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(Math.min(4, maxPoolSize));
        config.setConnectionTimeout(10_000);
        // prepared statements are cached server side once used a few times
        config.addDataSourceProperty("prepareThreshold", "3");
        config.addDataSourceProperty("preparedStatementCacheQueries", "256");
        config.addDataSourceProperty("ApplicationName", "alert-relay");
        return new HikariDataSource(config);
    }

    /** Applies the Flyway migrations under db/migration. */
    public static void migrate(javax.sql.DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
