package io.alertrelay.ops;

import io.alertrelay.support.TestRelay;

import java.util.Arrays;
import java.util.OptionalDouble;

/** Reads one sample from a relay's /observe/metrics text exposition. */
public final class Prometheus {

    private Prometheus() {
    }

    public static String scrape(TestRelay relay) {
        var answer = relay.get("/observe/metrics");
        if (answer.statusCode() != 200) {
            throw new AssertionError("/observe/metrics answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    /** The value of {@code name} whose labels include every {@code label="value"} pair given. */
    public static OptionalDouble sample(String exposition, String name, String... labels) {
        return exposition.lines()
                .filter(l -> !l.startsWith("#"))
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(pair -> l.contains(pair)))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst();
    }

    public static double value(TestRelay relay, String name, String... labels) {
        return sample(scrape(relay), name, labels).orElse(Double.NaN);
    }
}
