package io.alertrelay.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.engine.DefaultUnitOfWork;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.spi.UnitOfWorkFactory;
import org.slf4j.MDC;

/**
 * The relay's log context (MDC) without Camel's MDC logging. Camel's MDCUnitOfWork copies the whole
 * MDC around every processor and matches each key against {@code mdcLoggingKeysPattern} by compiling
 * a regular expression per call: a profile of the benchmark put the two at about a fifth of the
 * relay's CPU. Here the pipeline's beans put {@code correlationId}, {@code deliveryId} and {@code agency}
 * into the MDC where they know them (intake, admit, each attempt and each reaction), and every unit of
 * work clears them when it starts and when it is done, so a pooled thread never logs another flag's keys.
 */
public final class LogContextUnitOfWork extends DefaultUnitOfWork {

    public LogContextUnitOfWork(Exchange exchange, InflightRepository inflight, boolean allowUseOriginalMessage,
                                boolean useBreadcrumb) {
        super(exchange, inflight, allowUseOriginalMessage, useBreadcrumb);
        clear();
    }

    @Override
    public void done(Exchange exchange) {
        try {
            super.done(exchange);
        } finally {
            clear();
        }
    }

    private static void clear() {
        MDC.remove(PipelineTelemetry.CORRELATION_ID);
        MDC.remove(PipelineTelemetry.DELIVERY_ID);
        MDC.remove(PipelineTelemetry.AGENCY);
    }

    /** Bound in the registry: Camel main installs a UnitOfWorkFactory bean in place of its own. */
    public static final class Factory implements UnitOfWorkFactory {
        private volatile InflightRepository inflight;
        private volatile boolean allowUseOriginalMessage;
        private volatile boolean useBreadcrumb;

        @Override
        public void afterPropertiesConfigured(CamelContext camel) {
            inflight = camel.getInflightRepository();
            allowUseOriginalMessage = Boolean.TRUE.equals(camel.isAllowUseOriginalMessage());
            useBreadcrumb = Boolean.TRUE.equals(camel.isUseBreadcrumb());
        }

        @Override
        public UnitOfWork createUnitOfWork(Exchange exchange) {
            return new LogContextUnitOfWork(exchange, inflight, allowUseOriginalMessage, useBreadcrumb);
        }
    }
}
