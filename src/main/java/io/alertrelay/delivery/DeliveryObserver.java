package io.alertrelay.delivery;

/**
 * What the delivery stage tells operations about (metrics, log context): a delivery taken up, a quota
 * rejection, each attempt's outcome. The default does nothing, so the stage runs without it.
 */
public interface DeliveryObserver {

    DeliveryObserver NONE = new DeliveryObserver() { };

    /** A claimed delivery enters the pipeline on this thread (log context is set here). */
    default void admitting(ClaimedDelivery delivery) {
    }

    /** Work on the delivery continues on this thread (a redelivery, a reaction): its log context is set here. */
    default void continuing(ClaimedDelivery delivery) {
    }

    /** The quota check for the delivery took {@code nanos} (answered from an allowance or the database). */
    default void quotaChecked(ClaimedDelivery delivery, long nanos) {
    }

    /** The agency's hour or day quota was full: the delivery is deferred (throttled). */
    default void quotaRejected(ClaimedDelivery delivery) {
    }

    /** One attempt ended with {@code outcome} (as in webhook_logs) after {@code nanos}. */
    default void attempted(ClaimedDelivery delivery, String outcome, Integer httpStatus, long nanos) {
    }
}
