// kpk_mock_cluster: runs librdkafka's in-memory mock cluster as a standalone process, so tests
// and benchmarks can point real clients (kpk, kcat, Python clients) at a JVM-free cluster.
//
//   kpk_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]...
//
// Prints the bootstrap servers as one line on stdout, then serves until SIGTERM/SIGINT or until
// stdin reaches EOF. The stdin rule means a harness that dies (closing its end of the pipe)
// never leaves a cluster behind.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

struct TopicSpec {
  std::string name;
  int partitions = 1;
};

struct Options {
  int brokers = 1;
  std::vector<TopicSpec> topics;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "kpk_mock_cluster: %s\n"
               "usage: kpk_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]...\n",
               why);
  std::exit(2);
}

int ParsePositive(const char* text, const char* what) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 1 || value > 100000) Usage(what);
  return static_cast<int>(value);
}

Options ParseArgs(int argc, char** argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") Usage("runs librdkafka's mock cluster");
    if (i + 1 >= argc) Usage(("missing value for " + arg).c_str());
    const char* value = argv[++i];
    if (arg == "--brokers") {
      opts.brokers = ParsePositive(value, "--brokers takes a positive number");
    } else if (arg == "--topic") {
      std::string spec = value;
      size_t colon = spec.rfind(':');
      TopicSpec topic;
      topic.name = spec.substr(0, colon);
      if (colon != std::string::npos) {
        topic.partitions = ParsePositive(spec.c_str() + colon + 1, "--topic takes NAME:PARTITIONS");
      }
      if (topic.name.empty()) Usage("--topic takes NAME:PARTITIONS");
      opts.topics.push_back(topic);
    } else {
      Usage(("unknown option " + arg).c_str());
    }
  }
  return opts;
}

// Waits until a stop signal arrives or stdin is closed. Bytes read from stdin are ignored.
void ServeUntilStopped() {
  char buf[256];
  while (!g_stop) {
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    int n = poll(&pfd, 1, 200);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (n == 0) continue;
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
      ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
      if (got == 0) return;  // EOF: the parent is gone
      if (got < 0 && errno != EINTR && errno != EAGAIN) return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opts = ParseArgs(argc, argv);

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The mock cluster logs through its owning handle; keep it quiet unless something breaks.
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    std::fprintf(stderr, "kpk_mock_cluster: unable to create client: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, opts.brokers);
  if (mc == nullptr) {
    std::fprintf(stderr, "kpk_mock_cluster: unable to start mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  for (const TopicSpec& topic : opts.topics) {
    int replication = opts.brokers < 3 ? opts.brokers : 3;
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(mc, topic.name.c_str(), topic.partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kpk_mock_cluster: unable to create topic %s: %s\n", topic.name.c_str(),
                   rd_kafka_err2str(err));
      rd_kafka_mock_cluster_destroy(mc);
      rd_kafka_destroy(rk);
      return 1;
    }
  }

  std::printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  std::fflush(stdout);

  ServeUntilStopped();

  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
