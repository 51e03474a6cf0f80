package io.alertrelay.dashboard;

/** One connected live-stream client: takes framed Server-Sent Events text, says false once it is gone. */
public interface LiveSink {

    boolean offer(String frame);
}
