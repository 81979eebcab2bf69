package org.facemask.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The steady-state rate of a job's heavy stage, from its Spark event log: the first wave of tasks (those launched
 * together when the stage starts, one per task slot) pays the fixed costs of a fresh JVM (JIT, native libraries, ONNX Runtime
 * sessions), so the rate that scales with the input is that of the tasks launched after it: their rows written over
 * the wall time from the first of them starting to the stage's end (the tail of the last task included).
 *
 * <p>StageRates EVENT_LOG_DIR: prints, for the newest log in the folder, each stage of more than one task that wrote
 * rows (to storage or to a shuffle). Used by src/bench/featurize-throughput.sh and score-throughput.sh.
 */
public final class StageRates {
    private record Task(long launch, long finish, long rowsWritten) {
    }

    /** Rows a task wrote to storage, or to the shuffle when a later stage writes them (score repartitions). */
    private static long rowsOut(JsonNode metrics) {
        return Math.max(metrics.path("Output Metrics").path("Records Written").asLong(),
                metrics.path("Shuffle Write Metrics").path("Shuffle Records Written").asLong());
    }

    public static void main(String[] args) throws Exception {
        Path log;
        try (Stream<Path> logs = Files.list(Path.of(args[0]))) {
            log = logs.max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalArgumentException("no event log in " + args[0]));
        }
        ObjectMapper json = new ObjectMapper();
        Map<Integer, List<Task>> tasks = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(log)) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode e = json.readTree(line);
                switch (e.path("Event").asText()) {
                    case "SparkListenerStageCompleted" -> names.put(e.path("Stage Info").path("Stage ID").asInt(),
                            e.path("Stage Info").path("Stage Name").asText());
                    case "SparkListenerTaskEnd" -> tasks.computeIfAbsent(e.path("Stage ID").asInt(), k -> new ArrayList<>())
                            .add(new Task(e.path("Task Info").path("Launch Time").asLong(),
                                    e.path("Task Info").path("Finish Time").asLong(),
                                    rowsOut(e.path("Task Metrics"))));
                    default -> {
                    }
                }
            }
        }
        System.out.printf("event log %s%n", log.getFileName());
        tasks.forEach((stage, list) -> {
            long rows = list.stream().mapToLong(Task::rowsWritten).sum();
            if (list.size() < 2 || rows == 0) {
                return;
            }
            list.sort(Comparator.comparingLong(Task::launch));
            long start = list.get(0).launch();
            long end = list.stream().mapToLong(Task::finish).max().orElseThrow();
            // launched in the first half of the first task's run: the first wave (a task that follows a finished one
            // may be logged as launched a few ms before that one's finish)
            long firstWaveEnd = start + (list.stream().mapToLong(Task::finish).min().orElseThrow() - start) / 2;
            List<Task> later = list.stream().filter(t -> t.launch() > firstWaveEnd).toList();
            System.out.printf("stage %d (%s): %d tasks, %d rows in %.1f s = %.0f rows/s%n", stage, names.get(stage),
                    list.size(), rows, (end - start) / 1e3, rows / ((end - start) / 1e3));
            if (!later.isEmpty()) {
                long laterRows = later.stream().mapToLong(Task::rowsWritten).sum();
                long laterStart = later.get(0).launch();
                System.out.printf("  steady state (the %d tasks after the first wave): %d rows in %.1f s = %.0f rows/s%n",
                        later.size(), laterRows, (end - laterStart) / 1e3, laterRows / ((end - laterStart) / 1e3));
            }
        });
    }
}
