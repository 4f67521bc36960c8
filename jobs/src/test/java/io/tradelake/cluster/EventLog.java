package io.tradelake.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a Spark event log (JSON lines, written uncompressed and unrolled) says about where work ran: the
 * executors the application got, and every finished task with its executor and the job group and description
 * of its stage (TradeLake names them per step: {@code JobContext.describe}).
 */
final class EventLog {

  /** A stage as the application named it: job group {@code tradelake-<stage>}, description {@code <stage>: <step>}. */
  record Stage(int id, String group, String description) {}

  record Task(Stage stage, String executorId) {}

  /** Executor id → the web UI (host:port) of the worker it ran on, from its log URLs. */
  final Map<String, String> executors = new TreeMap<>();
  final List<Task> tasks = new ArrayList<>();

  /** Reads the one application log in {@code dir}. */
  static EventLog read(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> files = Files.list(dir)) {
      logs = files.filter(f -> f.getFileName().toString().startsWith("app-")).toList();
    }
    if (logs.size() != 1 || logs.get(0).toString().endsWith(".inprogress")) {
      throw new AssertionError("expected one finished event log in " + dir + ", found " + logs);
    }
    EventLog log = new EventLog();
    ObjectMapper json = new ObjectMapper();
    Map<Integer, Stage> stages = new HashMap<>();
    List<JsonNode> taskEnds = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(logs.get(0))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode e = json.readTree(line);
        switch (e.path("Event").asText()) {
          case "SparkListenerExecutorAdded" -> log.executors.put(e.path("Executor ID").asText(),
              workerUi(e.path("Executor Info").path("Log Urls").path("stderr").asText()));
          case "SparkListenerStageSubmitted" -> {
            int id = e.path("Stage Info").path("Stage ID").asInt();
            JsonNode p = e.path("Properties");
            stages.put(id, new Stage(id, p.path("spark.jobGroup.id").asText(""),
                p.path("spark.job.description").asText("")));
          }
          case "SparkListenerTaskEnd" -> taskEnds.add(e);
          default -> { }
        }
      }
    }
    for (JsonNode e : taskEnds) {
      int stage = e.path("Stage ID").asInt();
      log.tasks.add(new Task(stages.getOrDefault(stage, new Stage(stage, "", "")),
          e.path("Task Info").path("Executor ID").asText()));
    }
    return log;
  }

  private static String workerUi(String logUrl) {
    URI uri = URI.create(logUrl);
    return uri.getHost() + ":" + uri.getPort();
  }

  /** The executors that ran tasks of the stages matching {@code stage}. */
  Set<String> executorsRunning(Predicate<Stage> stage) {
    return tasks.stream().filter(t -> stage.test(t.stage())).map(Task::executorId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Tasks per executor of the matching stages, for failure messages. */
  Map<String, Long> taskCounts(Predicate<Stage> stage) {
    return tasks.stream().filter(t -> stage.test(t.stage()))
        .collect(Collectors.groupingBy(Task::executorId, TreeMap::new, Collectors.counting()));
  }
}
