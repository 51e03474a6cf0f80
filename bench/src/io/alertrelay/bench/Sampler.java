package io.alertrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.alertrelay.bench.Percentiles.round;

/** Samples /proc: the relay JVM's RSS and CPU, its PostgreSQL's CPU, this process's CPU, the machine's. */
final class Sampler implements AutoCloseable {
    private static final double TICKS = 100.0; // USER_HZ on Linux
    private final long pid;
    private final long postmaster;
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicLong maxRssKb = new AtomicLong();
    private volatile long lastRssKb;

    record Mark(long nanos, long relayTicks, long pgTicks, long selfTicks, long machineBusy, long machineTotal,
                long machineSteal, long maxRssKbBefore) {
    }

    record Usage(double seconds, double relayCpuPct, double pgCpuPct, double benchCpuPct, double machineBusyPct,
                 double stealPct, long relayRssMaxMiB, long relayRssEndMiB) {
        /** CPU time per durable flag while the phase ran (deliveries of the phase partly after it). */
        Map<String, Object> perFlag(long flags) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (flags > 0) {
                m.put("relay", round(relayCpuPct * 10 * seconds / flags));
                m.put("postgres", round(pgCpuPct * 10 * seconds / flags));
                m.put("bench", round(benchCpuPct * 10 * seconds / flags));
            }
            return m;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("relayCpuPercentOfOneCore", round(relayCpuPct));
            m.put("postgresCpuPercentOfOneCore", round(pgCpuPct));
            m.put("benchCpuPercentOfOneCore", round(benchCpuPct));
            m.put("machineBusyPercentOfAllCores", round(machineBusyPct));
            // what the rest of the machine (other builds, the kernel) took meanwhile
            m.put("otherCpuPercentOfOneCore", round(Math.max(0, machineBusyPct * Runtime.getRuntime()
                    .availableProcessors() - relayCpuPct - pgCpuPct - benchCpuPct - stealPct)));
            // a virtual machine's CPU taken by the host for others: it slows everything and is no one's here
            m.put("stealPercentOfOneCore", round(stealPct));
            m.put("relayRssMaxMiB", relayRssMaxMiB);
            m.put("relayRssEndMiB", relayRssEndMiB);
            return m;
        }
    }

    Sampler(long pid, long postmaster) {
        this.pid = pid;
        this.postmaster = postmaster;
        this.thread = new Thread(() -> {
            while (running) {
                long rss = rssKb(pid);
                lastRssKb = rss;
                maxRssKb.accumulateAndGet(rss, Math::max);
                LockSupport.parkNanos(200_000_000L);
            }
        }, "sampler");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Mark mark() {
        long[] m = machine();
        maxRssKb.set(rssKb(pid));
        return new Mark(System.nanoTime(), ticks(pid), pgTicks(), selfTicks(), m[0], m[1], m[2], 0);
    }

    Usage since(Mark mark) {
        double secs = (System.nanoTime() - mark.nanos()) / 1e9;
        long[] m = machine();
        double busy = m[1] == mark.machineTotal() ? 0 : 100.0 * (m[0] - mark.machineBusy()) / (m[1] - mark.machineTotal());
        return new Usage(secs, 100 * (ticks(pid) - mark.relayTicks()) / TICKS / secs,
                100 * (pgTicks() - mark.pgTicks()) / TICKS / secs,
                100 * (selfTicks() - mark.selfTicks()) / TICKS / secs, busy,
                100 * (m[2] - mark.machineSteal()) / TICKS / secs,
                maxRssKb.get() / 1024, rssKb(pid) / 1024);
    }

    private long pgTicks() {
        long sum = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : dirs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String[] stat = stat(Long.parseLong(name));
                if (stat != null && (Long.parseLong(name) == postmaster || Long.parseLong(stat[3]) == postmaster)) {
                    sum += Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /** This JVM and the children it waited for (wrk, pgbench). */
    private static long selfTicks() {
        String[] s = stat(ProcessHandle.current().pid());
        return s == null ? 0 : Long.parseLong(s[13]) + Long.parseLong(s[14]) + Long.parseLong(s[15])
                + Long.parseLong(s[16]);
    }

    private static long ticks(long pid) {
        String[] s = stat(pid);
        return s == null ? 0 : Long.parseLong(s[13]) + Long.parseLong(s[14]);
    }

    /** Fields of /proc/pid/stat, index 0 = pid, with the command name collapsed. */
    static String[] stat(long pid) {
        try {
            String text = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String rest = text.substring(text.lastIndexOf(')') + 2);
            String[] f = rest.split(" ");
            String[] out = new String[f.length + 2];
            out[0] = String.valueOf(pid);
            out[1] = "comm";
            System.arraycopy(f, 0, out, 2, f.length);
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** {busy, total, steal} jiffies of all cores from /proc/stat. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total, f.length > 8 ? Long.parseLong(f[8]) : 0};
        } catch (IOException e) {
            return new long[] {0, 0, 0};
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
