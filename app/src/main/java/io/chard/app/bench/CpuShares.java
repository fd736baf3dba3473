package io.chard.app.bench;

import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time each process of a run spent, read from counters that every process keeps anyway, so that a throughput
 * figure can be split into where its cores went: the worker process ({@code /proc/PID/stat}), Redis ({@code INFO
 * cpu}, which counts its whole server), this JVM (the benchmark's recorder and clients) and every PostgreSQL process
 * of this machine ({@code /proc}, by process name; zero for a server elsewhere). A reading that cannot be taken is
 * zero: the shares are an explanation beside the figure, never the figure itself.
 */
record CpuShares(long workerMicros, long redisMicros, long benchmarkMicros, long postgresMicros) {
    private static final long MICROS_PER_TICK = 10_000; // USER_HZ is 100 on Linux

    static CpuShares read(long workerPid, RedisCommands<String, String> redis) {
        return new CpuShares(processMicros(Path.of("/proc", Long.toString(workerPid))), readRedis(redis),
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime() / 1_000, readPostgres());
    }

    CpuShares since(CpuShares earlier) {
        return new CpuShares(workerMicros - earlier.workerMicros, redisMicros - earlier.redisMicros,
                benchmarkMicros - earlier.benchmarkMicros, postgresMicros - earlier.postgresMicros);
    }

    /** Each share per task, in µs, and the cores they kept busy over {@code seconds}. */
    String perTask(int tasks, double seconds) {
        long total = workerMicros + redisMicros + benchmarkMicros + postgresMicros;
        return String.format("worker %d, Redis %d, benchmark JVM (its recorder) %d, PostgreSQL %d µs; %.2f cores",
                workerMicros / tasks, redisMicros / tasks, benchmarkMicros / tasks, postgresMicros / tasks,
                total / 1e6 / seconds);
    }

    private static long readRedis(RedisCommands<String, String> redis) {
        double seconds = 0;
        for (String line : redis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return (long) (seconds * 1e6);
    }

    private static long readPostgres() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(CpuShares::isPostgres).mapToLong(CpuShares::processMicros).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isPostgres(Path process) {
        try {
            return Files.readString(process.resolve("comm")).startsWith("postgres");
        } catch (IOException e) {
            return false; // exited meanwhile
        }
    }

    /** utime + stime of a process, all its threads; the name field may hold spaces, so fields count from its ')'. */
    private static long processMicros(Path process) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MICROS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
