package io.alertrelay.delivery;

/**
 * The per-agency pace (relay.delivery.pace.*) as the Throttler EIP in routes/delivery.camel.yaml is given it.
 * <p>
 * Camel's TotalRequests throttler keeps one permit object per request of the period, per agency, in a
 * DelayQueue, and builds them anew when an agency that was idle for a while sends again. A lifted pace
 * (1,000,000 per second) meant a million objects per agency, tens of MB each: in the bench a young
 * collection that promoted everything and a full one (0.23 s in all without an answer) when two idle
 * agencies woke up.
 * So a pace of more than {@link #MAX_PERMITS} requests per period is given as the same rate over a
 * shorter period; a burst to one agency is then at most {@link #MAX_PERMITS} requests at once, which is
 * what pacing is for. A pace within the bound is passed on unchanged.
 *
 * @param requests     requests per period, as the throttler is configured
 * @param periodMillis its period
 */
public record Pace(int requests, long periodMillis) {

    /** The most permits (objects) the throttler holds per agency. */
    public static final int MAX_PERMITS = 1000;

    public static Pace of(int requestsPerPeriod, long periodMillis) {
        int requests = Math.max(1, requestsPerPeriod);
        long period = Math.max(1, periodMillis);
        if (requests <= MAX_PERMITS) {
            return new Pace(requests, period);
        }
        long shorter = Math.max(1, Math.round((double) period * MAX_PERMITS / requests));
        int permits = (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.round((double) requests * shorter / period)));
        return new Pace(permits, shorter);
    }

    /** Requests per second this pace allows. */
    public double perSecond() {
        return requests * 1000.0 / periodMillis;
    }
}
