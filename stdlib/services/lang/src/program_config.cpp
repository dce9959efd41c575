// The config of generated programs (see fnd/services/lang.h): the declared settings, the services'
// command-line options, and typed slots that handlers read without a lookup. The slots are
// refreshed from the Config after loading and after every reload of the watched file (the
// `fnd.config.reload` telemetry event is emitted once a reload's changes are applied).
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fnd/c_interop.hpp"
#include "fnd/detail/program_options.hpp"
#include "fnd/log.hpp"
#include "fnd/node.hpp"
#include "fnd/services/config.hpp"
#include "fnd/services/lang.h"
#include "fnd/telemetry.hpp"
#include "program_metrics.hpp"

namespace fnd::lang::services {

namespace {

namespace cfg = fnd::config;

struct Slot {
  fnd_cfg_type type = FND_CFG_INT;
  std::atomic<int64_t> i{0};
  std::atomic<double> f{0};
  std::atomic<bool> b{false};
  std::mutex mu;  // guards s
  std::shared_ptr<const std::string> s = std::make_shared<const std::string>();
};

struct ProgramServices {
  std::string program;
  std::vector<fnd_cfg_setting> settings;
  std::unique_ptr<Slot[]> slots;
  std::string file;                 // --app-config
  std::vector<std::string> sets;    // --set PATH=VALUE
  bool help = false;
  std::mutex mu;                    // guards config (created at start, dropped at node stop)
  std::unique_ptr<cfg::Config> config;
  bool stopHooked = false;
};

// Never destroyed: handlers may read slots until the process exits.
ProgramServices& ps() {
  static auto* p = new ProgramServices;
  return *p;
}

void refresh(cfg::Config& c) {
  auto& p = ps();
  for (size_t i = 0; i < p.settings.size(); ++i) {
    auto v = c.get(p.settings[i].path);
    if (!v) continue;  // declared: cannot happen
    Slot& s = p.slots[i];
    switch (s.type) {
      case FND_CFG_INT: s.i.store(v->get<int64_t>(), std::memory_order_relaxed); break;
      case FND_CFG_FLOAT: s.f.store(v->get<double>(), std::memory_order_relaxed); break;
      case FND_CFG_BOOL: s.b.store(v->get<bool>(), std::memory_order_relaxed); break;
      case FND_CFG_STRING: {
        auto text = std::make_shared<const std::string>(v->get<std::string>());
        std::lock_guard<std::mutex> g(s.mu);
        s.s = std::move(text);
        break;
      }
    }
  }
}

cfg::Type typeOf(int t) {
  switch (t) {
    case FND_CFG_INT: return cfg::Type::integer;
    case FND_CFG_FLOAT: return cfg::Type::number;
    case FND_CFG_BOOL: return cfg::Type::boolean;
    default: return cfg::Type::string;
  }
}

std::string usageText(bool settings) {
  std::string metrics =
      "\nmetrics:\n"
      "  --metrics-port PORT          serve the node's metrics (Prometheus text format) at\n"
      "                               GET /metrics on PORT (0: any free port; logged)\n"
      "  --metrics-address HOST:PORT  the same on one address (e.g. 127.0.0.1:9464)\n";
  if (!settings) return metrics;
  return metrics + "\napplication settings (the program's `config` blocks):\n"
         "  --app-config FILE  read settings from FILE (JSON, or TOML if it ends in .toml); edits of\n"
         "                     updatable settings are applied while the program runs\n"
         "  --set PATH=VALUE   set one setting (repeatable); wins over the file and FND_<PATH>\n"
         "                     environment variables (parts upper-cased, joined by __)\n";
}

// Every layer is read, so that one run reports each source's refused values (the file's, the
// environment's and --set's), not only the first; the config is used only if all were accepted.
std::vector<Error> build(Node& node) {
  auto& p = ps();
  auto c = std::make_unique<cfg::Config>(node);
  for (const auto& s : p.settings) {
    cfg::Setting d;
    d.path = cfg::Path(std::string_view(s.path));
    d.type = typeOf(s.type);
    d.default_value = cfg::Value::parse(s.default_json);
    if (s.has_range) {
      d.min = s.min;
      d.max = s.max;
    }
    if (s.one_of_json)
      for (auto& v : cfg::Value::parse(s.one_of_json)) d.one_of.push_back(v);
    d.updatable = s.updatable != 0;
    if (auto r = c->declare(std::move(d)); !r) return {r.error()};
  }
  std::vector<Error> refused;
  auto take = [&](const Result<void>& r) {
    if (!r) refused.push_back(r.error());
  };
  if (!p.file.empty()) take(c->load_file(p.file));
  take(c->load_env("FND_"));
  take(c->load_args(p.sets));
  if (!refused.empty()) return refused;
  if (!p.file.empty())
    if (auto r = c->watch_file(p.file); !r) return {r.error()};
  refresh(*c);
  std::lock_guard<std::mutex> g(p.mu);
  p.config = std::move(c);
  return {};
}

}  // namespace

bool start(Node& node) {
  auto& p = ps();
  if (!p.stopHooked) {
    p.stopHooked = true;
    // Reloads refresh the slots; the node's stop drops the config (it must go before its Node).
    fnd::telemetry::attach("fnd.config.reload", [](std::string_view, const fnd::telemetry::Measurements&) {
      auto& q = ps();
      std::lock_guard<std::mutex> g(q.mu);
      if (q.config) refresh(*q.config);
    });
    fnd::telemetry::attach("fnd.node.stop", [](std::string_view, const fnd::telemetry::Measurements&) {
      std::unique_ptr<cfg::Config> gone;
      auto& q = ps();
      {
        std::lock_guard<std::mutex> g(q.mu);
        gone = std::move(q.config);
      }
    });
  }
  if (!start_metrics(node)) return false;
  if (p.settings.empty()) return true;
  const std::vector<Error> refused = build(node);
  for (const Error& e : refused) fnd::log::error("config: " + e.code + ": " + e.message);
  return refused.empty();
}

std::string config_string(size_t index) {
  Slot& s = ps().slots[index];
  std::shared_ptr<const std::string> v;
  {
    std::lock_guard<std::mutex> g(s.mu);
    v = s.s;
  }
  return *v;
}

}  // namespace fnd::lang::services

using namespace fnd::lang::services;

extern "C" int fnd_services_init(int* argc, char** argv, const char* program, const fnd_cfg_setting* settings,
                                 size_t count) {
  auto& p = ps();
  p.program = program ? program : "program";
  p.settings.assign(settings, settings + count);
  p.slots = std::make_unique<Slot[]>(count);
  for (size_t i = 0; i < count; ++i) p.slots[i].type = static_cast<fnd_cfg_type>(settings[i].type);
  int out = 1;
  std::string err;
  std::string metrics_given;  // the metrics option already seen
  for (int i = 1; i < *argc && err.empty(); ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view opt, std::string& to) {
      if (a == opt) {
        if (i + 1 >= *argc) err = std::string(opt) + " needs a value";
        else to = argv[++i];
        return true;
      }
      if (a.size() > opt.size() && a.starts_with(opt) && a[opt.size()] == '=') {
        to = std::string(a.substr(opt.size() + 1));
        return true;
      }
      return false;
    };
    std::string v;
    if (value("--metrics-port", v) || value("--metrics-address", v)) {
      const char* opt = a.starts_with("--metrics-port") ? "--metrics-port" : "--metrics-address";
      // One endpoint: a second one (either option) would silently replace the first.
      if (err.empty() && !metrics_given.empty())
        err = std::string(opt) + ": the metrics endpoint was given already (" + metrics_given + ")";
      if (err.empty()) err = parse_metrics_option(opt, v);
      metrics_given = opt;
    } else if (count > 0 && value("--app-config", v)) {
      p.file = v;
    } else if (count > 0 && value("--set", v)) {
      if (err.empty() && v.find('=') == std::string::npos) err = "--set expects PATH=VALUE, got '" + v + "'";
      else p.sets.push_back(v);
    } else {
      if (a == "--help" || a == "-h") p.help = true;
      argv[out++] = argv[i];
    }
  }
  if (!err.empty()) {
    std::fputs(fnd::detail::usage_error(p.program, argv[0], err).c_str(), stderr);
    return 2;
  }
  argv[out] = nullptr;
  *argc = out;
  return -1;
}

extern "C" int fnd_services_start(fnd_node* node) {
  if (start(fnd::node_from_c(node))) return 0;
  // Read by fnd_program_main's "could not start" line, as the C++ back end's Error is.
  fnd_set_last_error("initialization_failed", "the program's services could not start (see above)");
  return 1;
}

extern "C" void fnd_services_finish(void) {
  auto& p = ps();
  if (p.help) std::fputs(usageText(!p.settings.empty()).c_str(), stdout);
  std::fflush(stdout);
}

extern "C" int64_t fnd_cfg_int(size_t index) { return ps().slots[index].i.load(std::memory_order_relaxed); }
extern "C" double fnd_cfg_float(size_t index) { return ps().slots[index].f.load(std::memory_order_relaxed); }
extern "C" int fnd_cfg_bool(size_t index) { return ps().slots[index].b.load(std::memory_order_relaxed) ? 1 : 0; }
extern "C" fnd_str* fnd_cfg_string(size_t index) {
  const std::string s = config_string(index);
  return fnd_str_new(s.data(), s.size());
}
