package io.alertrelay.bench;

import io.alertrelay.support.KafkaBroker;

/**
 * Starts the tests' single-node KRaft broker ({@code support/KafkaBroker}, a child JVM) for bench/run.sh,
 * prints {@code KAFKA_BROKERS=<bootstrap servers>} once clients can use it, and stops it (deleting its
 * data) when this process is terminated.
 */
public final class KafkaBrokerLauncher {

    private KafkaBrokerLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        KafkaBroker broker = KafkaBroker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
        System.out.println("KAFKA_BROKERS=" + broker.bootstrapServers());
        System.out.flush();
        Thread.currentThread().join(); // until bench/run.sh terminates it
    }
}
