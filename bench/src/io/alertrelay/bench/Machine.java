package io.alertrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line saying what the run ran on: cores, CPU model, Java, load average at start. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String cpu = "unknown cpu";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), Java "
                    + System.getProperty("java.version") + ", load average at start " + load;
        } catch (IOException e) {
            return cpu;
        }
    }
}
