package io.alertrelay.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The external tools the bench runs (wrk, pgbench): started, bounded in time, their output read. */
final class Commands {

    private Commands() {
    }

    /** Runs {@code cmd} and returns its output (stdout and stderr); killed after {@code timeoutSeconds}. */
    static String run(List<String> cmd, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        var text = reader.submit(() -> new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = text.get(10, TimeUnit.SECONDS);
        reader.shutdown();
        return out;
    }

    /** The first group of {@code regex} in {@code text} as a number, or a note saying it was not there. */
    static Object number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : "not found in: " + text;
    }
}
