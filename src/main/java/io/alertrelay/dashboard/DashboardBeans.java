package io.alertrelay.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.config.RelaySettings;
import org.apache.camel.main.Main;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import javax.sql.DataSource;
import java.time.Duration;

/** Wires the dashboard: the live feed and stream tickets the routes use, and the page on the HTTP server. */
public final class DashboardBeans {

    private DashboardBeans() {
    }

    public static void bind(Main main, RelaySettings settings, DataSource dataSource, ObjectMapper json) {
        LiveFeed feed = new LiveFeed(dataSource, json,
                Duration.ofMillis(settings.getInt("relay.dashboard.look-back-ms", 2000)),
                settings.getInt("relay.dashboard.poll-batch", 200),
                settings.getInt("relay.dashboard.max-streams", 50));
        StreamTickets tickets = StreamTickets.keyedBy(settings.find("relay.auth.jwt-secret"),
                Duration.ofSeconds(settings.getInt("relay.dashboard.ticket-seconds", 60)));
        main.bind("liveFeed", feed);
        main.bind("dashboardStreamTickets", tickets);
        // the page and the stream go on the HTTP server once it exists, i.e. once the context has started
        main.bind("dashboardInstaller", new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent started) {
                    DashboardHttp.install(started.getContext(), feed, tickets);
                    DashboardHttp.logReady(settings.getInt("relay.http.port", 8080));
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent;
            }
        });
    }
}
