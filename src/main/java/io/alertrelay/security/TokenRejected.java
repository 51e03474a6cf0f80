package io.alertrelay.security;

/** A bearer token that does not authenticate anyone (missing, malformed, forged, expired). */
public final class TokenRejected extends Exception {

    public TokenRejected(String reason) {
        super(reason, null, false, false);
    }
}
