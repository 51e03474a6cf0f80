package io.alertrelay.delivery;

import io.alertrelay.security.PublicAddressResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

import java.time.Duration;

/**
 * The connection pool camel-http sends webhooks through (camel.component.http.clientConnectionManager):
 * its size and connect/socket timeouts, and the resolver that checks the address connected to when
 * private targets are refused ({@link PublicAddressResolver}: DNS rebinding).
 */
public final class AgencyConnections {

    /** Registry name of the pool. */
    public static final String BEAN = "agencyConnections";

    private AgencyConnections() {
    }

    public static PoolingHttpClientConnectionManager create(boolean allowPrivate, int maxTotal, int perRoute,
                                                            Duration connectTimeout, Duration socketTimeout) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(allowPrivate ? SystemDefaultDnsResolver.INSTANCE : new PublicAddressResolver())
                .setMaxConnTotal(maxTotal)
                .setMaxConnPerRoute(perRoute)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(socketTimeout))
                        .build())
                .build();
    }
}
