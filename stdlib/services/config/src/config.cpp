#include "fnd/services/config.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <toml.hpp>

#include "file_watcher.hpp"
#include "fnd/log.hpp"
#include "fnd/services/death_watch.hpp"
#include "fnd/services/errors.hpp"
#include "fnd/telemetry.hpp"

namespace fnd::config {

namespace {
enum Layer { kFile, kEnv, kArgs, kRuntime, kLayers };

struct Entry {
  Setting s;
  std::optional<Value> layer[kLayers];
  // The file's line for this setting was edited while the program ran: an edit is newer than the
  // environment and the arguments given at start, so it wins over them (docs/language.md section 17)
  // until the line is removed again.
  bool edited = false;
  const Value& effective() const {
    for (int i = kLayers - 1; i >= 0; --i) {
      if (edited && (i == kEnv || i == kArgs)) continue;
      if (layer[i]) return *layer[i];
    }
    return s.default_value;
  }
};

bool valid_part(const std::string& p) {
  if (p.empty()) return false;
  for (char c : p)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

Error not_found(const Path& p) {
  return errors::make(errors::code::config_path_not_found, "no config setting at " + p.str()).with("path", p.str());
}

// Checks `v` against the setting; returns the value to store (integers become numbers for `number`).
Result<Value> check(const Setting& s, Value v) {
  const std::string path = s.path.str();
  auto invalid = [&](const std::string& why) {
    return errors::make(errors::code::invalid_config_value, path + ": " + why).with("path", path);
  };
  switch (s.type) {
    case Type::boolean:
      if (!v.is_boolean()) return invalid("expected a boolean, got " + v.dump());
      break;
    case Type::integer:
      if (v.is_number_float() && std::isfinite(v.get<double>()) && std::floor(v.get<double>()) == v.get<double>())
        v = Value(static_cast<int64_t>(v.get<double>()));
      if (!v.is_number_integer()) return invalid("expected an integer, got " + v.dump());
      break;
    case Type::number:
      if (!v.is_number()) return invalid("expected a number, got " + v.dump());
      v = Value(v.get<double>());
      break;
    case Type::string:
      if (!v.is_string()) return invalid("expected a string, got " + v.dump());
      break;
    case Type::list:
      if (!v.is_array()) return invalid("expected a list, got " + v.dump());
      break;
    case Type::any: break;
  }
  if ((s.min || s.max) && v.is_number()) {
    double d = v.get<double>();
    // NaN compares false with both bounds, so it is refused explicitly; JSON shows NaN and the
    // infinities as null, so they are named here.
    const std::string shown = std::isnan(d) ? "nan" : std::isinf(d) ? (d > 0 ? "inf" : "-inf") : v.dump();
    if (std::isnan(d) || (s.min && d < *s.min) || (s.max && d > *s.max)) {
      std::ostringstream r;
      // Bounds as the setting's kind of number: `1..10` for integers, `0.0..1.0` for numbers.
      auto bound = [&](const std::optional<double>& b, const char* none) {
        if (!b) return std::string(none);
        return s.type == Type::integer ? Value(static_cast<int64_t>(*b)).dump() : Value(*b).dump();
      };
      r << path << ": " << shown << " is outside the range " << bound(s.min, "-inf") << ".." << bound(s.max, "inf");
      return errors::make(errors::code::range_error, r.str()).with("path", path).with("value", shown);
    }
  }
  if (!s.one_of.empty() && std::find(s.one_of.begin(), s.one_of.end(), v) == s.one_of.end()) {
    std::string allowed;
    for (auto& a : s.one_of) allowed += (allowed.empty() ? "" : ", ") + a.dump();
    return invalid(v.dump() + " is not one of " + allowed);
  }
  if (s.validate) {
    if (auto r = s.validate(v); !r) {
      Error e = r.error();
      e.context["path"] = path;
      if (e.message.rfind(path, 0) != 0) e.message = path + ": " + e.message;
      return e;
    }
  }
  return v;
}

// TOML -> JSON (datetimes become their TOML text).
Value from_toml(const toml::value& t) {
  switch (t.type()) {
    case toml::value_t::boolean: return t.as_boolean();
    case toml::value_t::integer: return static_cast<int64_t>(t.as_integer());
    case toml::value_t::floating: return t.as_floating();
    case toml::value_t::string: return t.as_string().str;
    case toml::value_t::array: {
      Value a = Value::array();
      for (auto& x : t.as_array()) a.push_back(from_toml(x));
      return a;
    }
    case toml::value_t::table: {
      Value o = Value::object();
      for (auto& [k, x] : t.as_table()) o[k] = from_toml(x);
      return o;
    }
    default: return toml::format(t);
  }
}

Result<Value> parse_text(std::string_view text, std::string_view format, std::string_view origin) {
  try {
    if (format == "toml") {
      std::istringstream in{std::string(text)};
      return from_toml(toml::parse(in, std::string(origin)));
    }
    return Value::parse(text);
  } catch (const std::exception& e) {
    return errors::make(errors::code::config_parse_error, std::string(origin) + ": " + e.what())
        .with("file", std::string(origin));
  }
}

// Leaves of a parsed file: "a.b.c" -> value (objects are descended into).
void flatten(const Value& v, const std::string& prefix, std::map<std::string, Value>& out) {
  if (v.is_object() && !v.empty()) {
    for (auto& [k, x] : v.items()) flatten(x, prefix.empty() ? k : prefix + "." + k, out);
  } else if (!prefix.empty()) {
    out[prefix] = v;
  }
}

Error combine(const std::vector<Error>& errs, const std::string& what) {
  if (errs.size() == 1) return errs.front();
  Error e = errs.front();
  e.message = what + ": " + std::to_string(errs.size()) + " problems";
  for (auto& x : errs) e.message += "\n  " + x.code + ": " + x.message;
  return e;
}
}  // namespace

struct Config::Impl {
  explicit Impl(Node& n) : node(n) {}
  Node& node;
  mutable std::mutex mu;
  std::map<std::string, Entry> entries;  // by dotted path (ordered: subtrees are ranges)
  std::vector<Pid> subs;
  std::unique_ptr<services::DeathWatch> deaths;
  std::string file_path;                 // last loaded / watched file
  std::unique_ptr<FileWatcher> watcher;
  ReloadReport last;
  std::mutex reload_mu;                  // one reload at a time

  struct Note {
    ConfigChanged msg;
  };
  void notify(std::vector<Note>& notes) {
    if (notes.empty()) return;
    std::vector<Pid> to;
    {
      std::lock_guard<std::mutex> g(mu);
      to = subs;
    }
    for (auto& n : notes)
      for (auto& p : to) node.send(p, ConfigChanged(n.msg));
  }

  // Validates the file-like layer `values` (dotted -> value) for `layer`; on success applies it.
  Result<void> load_layer(Layer layer, const std::map<std::string, Value>& values, const std::string& what,
                          bool replace) {
    std::vector<Error> errs;
    std::map<std::string, Value> checked;
    std::vector<Note> notes;
    {
      std::lock_guard<std::mutex> g(mu);
      for (auto& [k, v] : values) {
        auto it = entries.find(k);
        if (it == entries.end()) {
          errs.push_back(not_found(Path(k)));
          continue;
        }
        auto r = check(it->second.s, v);
        if (!r) errs.push_back(r.error());
        else checked[k] = std::move(*r);
      }
      if (!errs.empty()) return combine(errs, what);
      for (auto& [k, e] : entries) {
        auto c = checked.find(k);
        if (c == checked.end() && !replace) continue;
        Value old = e.effective();
        if (c == checked.end()) e.layer[layer].reset();
        else e.layer[layer] = c->second;
        if (e.effective() != old) notes.push_back({ConfigChanged{e.s.path, old, e.effective(), ChangeKind::reload}});
      }
    }
    notify(notes);
    return {};
  }

  Result<std::map<std::string, Value>> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return errors::make(errors::code::config_file_error, "cannot read config file " + path).with("file", path);
    std::stringstream ss;
    ss << in.rdbuf();
    bool toml = path.size() >= 5 && path.compare(path.size() - 5, 5, ".toml") == 0;
    auto v = parse_text(ss.str(), toml ? "toml" : "json", path);
    if (!v) return v.error();
    if (!v->is_object())
      return errors::make(errors::code::config_parse_error, path + ": the top level must be a table/object").with("file", path);
    std::map<std::string, Value> flat;
    flatten(*v, "", flat);
    return flat;
  }
};

Config::Config(Node& node) : impl_(std::make_unique<Impl>(node)) {
  Impl* im = impl_.get();
  im->deaths = std::make_unique<services::DeathWatch>(node, [im](const Pid& dead) {
    std::lock_guard<std::mutex> g(im->mu);
    std::erase(im->subs, dead);
  });
}

Config::~Config() {
  impl_->watcher.reset();
  impl_->deaths.reset();
}

Error Config::type_error(const Path& p, const std::string& what) {
  return errors::make(errors::code::invalid_config_value, p.str() + ": " + what).with("path", p.str());
}

Result<void> Config::declare(Setting s) {
  if (s.path.parts().empty()) return Error(errc::badarg, "a setting needs a path");
  for (auto& p : s.path.parts())
    if (!valid_part(p))
      return Error(errc::badarg, "bad config path " + s.path.str() + ": parts are letters, digits, _ and -");
  auto d = check(s, s.default_value);
  if (!d) return errors::wrap(d.error(), "default value");
  s.default_value = *d;
  std::lock_guard<std::mutex> g(impl_->mu);
  std::string k = s.path.str();
  for (auto& [other, e] : impl_->entries)
    if (other.rfind(k + ".", 0) == 0 || k.rfind(other + ".", 0) == 0)
      return Error(errc::badarg, "config path " + k + " overlaps the setting " + other);
  if (impl_->entries.count(k)) return Error(errc::already_present, "config setting " + k + " is declared already");
  impl_->entries.emplace(k, Entry{std::move(s), {}});
  return {};
}

Result<void> Config::declare(std::vector<Setting> settings) {
  for (auto& s : settings)
    if (auto r = declare(std::move(s)); !r) return r;
  return {};
}

Result<void> Config::load_file(const std::string& path) {
  auto flat = impl_->read_file(path);
  if (!flat) return flat.error();
  if (auto r = impl_->load_layer(kFile, *flat, "config file " + path, true); !r) return r;
  std::lock_guard<std::mutex> g(impl_->mu);
  impl_->file_path = path;
  return {};
}

Result<void> Config::load_string(std::string_view text, std::string_view format, std::string_view origin) {
  auto v = parse_text(text, format, origin);
  if (!v) return v.error();
  std::map<std::string, Value> flat;
  flatten(*v, "", flat);
  return impl_->load_layer(kFile, flat, std::string(origin), true);
}

Result<void> Config::load_env(std::string_view prefix) {
  std::map<std::string, Value> values;
  std::vector<Error> errs;
  for (auto& s : settings()) {
    std::string name(prefix);
    bool first = true;
    for (auto& p : s.path.parts()) {
      if (!first) name += "__";
      first = false;
      for (char c : p) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const char* v = std::getenv(name.c_str());
    if (!v) continue;
    auto parsed = parse_as(s.type, v);
    if (!parsed) errs.push_back(errors::wrap(parsed.error(), name, {{"path", s.path.str()}}));
    else values[s.path.str()] = *parsed;
  }
  if (!errs.empty()) return combine(errs, "environment");
  return impl_->load_layer(kEnv, values, "environment", false);
}

Result<void> Config::load_args(int argc, const char* const* argv) {
  std::vector<std::string> as;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--set" && i + 1 < argc) as.emplace_back(argv[++i]);
    else if (a.rfind("--set=", 0) == 0) as.push_back(a.substr(6));
  }
  return load_args(as);
}

Result<void> Config::load_args(const std::vector<std::string>& assignments) {
  std::map<std::string, Value> values;
  std::vector<Error> errs;
  auto all = settings();
  for (auto& a : assignments) {
    size_t eq = a.find('=');
    if (eq == std::string::npos) {
      errs.push_back(errors::make(errors::code::invalid_config_value, "expected path=value, got '" + a + "'"));
      continue;
    }
    std::string k = a.substr(0, eq);
    auto it = std::find_if(all.begin(), all.end(), [&](const Setting& s) { return s.path.str() == k; });
    if (it == all.end()) {
      errs.push_back(not_found(Path(k)));
      continue;
    }
    auto parsed = parse_as(it->type, std::string_view(a).substr(eq + 1));
    if (!parsed) errs.push_back(errors::wrap(parsed.error(), k, {{"path", k}}));
    else values[k] = *parsed;
  }
  if (!errs.empty()) return combine(errs, "arguments");
  return impl_->load_layer(kArgs, values, "arguments", false);
}

Result<Value> Config::get(const Path& path) const {
  std::string k = path.str();
  std::lock_guard<std::mutex> g(impl_->mu);
  auto it = impl_->entries.find(k);
  if (it != impl_->entries.end()) return it->second.effective();
  // A subtree: every setting under k.
  Value tree = Value::object();
  std::string pre = k.empty() ? "" : k + ".";
  for (auto i = impl_->entries.lower_bound(pre); i != impl_->entries.end() && i->first.rfind(pre, 0) == 0; ++i) {
    Value* at = &tree;
    const auto& parts = i->second.s.path.parts();
    for (size_t j = path.parts().size(); j < parts.size(); ++j) at = &(*at)[parts[j]];
    *at = i->second.effective();
  }
  if (tree.empty()) return not_found(path);
  return tree;
}

Value Config::get_or(const Path& path, Value fallback) const {
  auto v = get(path);
  return v ? *v : fallback;
}

Result<void> Config::update(const Path& path, Value v) {
  std::vector<Impl::Note> notes;
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    auto it = impl_->entries.find(path.str());
    if (it == impl_->entries.end()) return not_found(path);
    Entry& e = it->second;
    if (!e.s.updatable)
      return errors::make(errors::code::config_update_forbidden, path.str() + " is not declared updatable")
          .with("path", path.str());
    auto r = check(e.s, std::move(v));
    if (!r) return r.error();
    Value old = e.effective();
    e.layer[kRuntime] = std::move(*r);
    notes.push_back({ConfigChanged{e.s.path, old, e.effective(), ChangeKind::update}});
  }
  impl_->notify(notes);
  return {};
}

Result<void> Config::reset(const Path& path) {
  std::vector<Impl::Note> notes;
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    auto it = impl_->entries.find(path.str());
    if (it == impl_->entries.end()) return not_found(path);
    Value old = it->second.effective();
    it->second.layer[kRuntime].reset();
    notes.push_back({ConfigChanged{it->second.s.path, old, it->second.effective(), ChangeKind::reset}});
  }
  impl_->notify(notes);
  return {};
}

void Config::reset() {
  std::vector<Impl::Note> notes;
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    for (auto& [k, e] : impl_->entries) {
      if (!e.layer[kRuntime]) continue;
      Value old = e.effective();
      e.layer[kRuntime].reset();
      notes.push_back({ConfigChanged{e.s.path, old, e.effective(), ChangeKind::reset}});
    }
  }
  impl_->notify(notes);
}

void Config::subscribe(const Pid& pid) {
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    if (std::find(impl_->subs.begin(), impl_->subs.end(), pid) != impl_->subs.end()) return;
    impl_->subs.push_back(pid);
  }
  impl_->deaths->watch(pid);
}

void Config::unsubscribe(const Pid& pid) {
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    auto it = std::find(impl_->subs.begin(), impl_->subs.end(), pid);
    if (it == impl_->subs.end()) return;
    impl_->subs.erase(it);
  }
  impl_->deaths->unwatch(pid);
}

size_t Config::subscribers() const {
  std::lock_guard<std::mutex> g(impl_->mu);
  return impl_->subs.size();
}

Result<void> Config::watch_file(const std::string& path, std::chrono::milliseconds poll) {
  bool loaded;
  {
    std::lock_guard<std::mutex> g(impl_->mu);
    loaded = impl_->file_path == path;
  }
  if (!loaded)
    if (auto r = load_file(path); !r) return r;
  impl_->watcher.reset();
  impl_->watcher = std::make_unique<FileWatcher>(path, poll, [this] { (void)reload_now(); });
  return {};
}

void Config::stop_watching() { impl_->watcher.reset(); }

ReloadReport Config::reload_now() {
  std::lock_guard<std::mutex> rg(impl_->reload_mu);
  Impl& im = *impl_;
  std::string path;
  uint64_t gen;
  {
    std::lock_guard<std::mutex> g(im.mu);
    path = im.file_path;
    gen = ++im.last.generation;
  }
  ReloadReport rep;
  rep.generation = gen;
  auto flat = path.empty() ? Result<std::map<std::string, Value>>(errors::make(errors::code::config_file_error, "no config file loaded"))
                           : im.read_file(path);
  std::vector<Impl::Note> notes;
  if (!flat) {
    rep.rejected.push_back(flat.error());
  } else {
    std::lock_guard<std::mutex> g(im.mu);
    for (auto& [k, v] : *flat)
      if (!im.entries.count(k)) rep.rejected.push_back(not_found(Path(k)));
    for (auto& [k, e] : im.entries) {
      auto f = flat->find(k);
      std::optional<Value> next;
      if (f != flat->end()) next = f->second;
      if (next == e.layer[kFile]) continue;  // this setting's line did not change
      if (!e.s.updatable) {
        rep.rejected.push_back(errors::make(errors::code::config_update_forbidden,
                                            k + " is not declared updatable; its change in " + path + " is ignored")
                                   .with("path", k));
        continue;
      }
      if (next) {
        auto r = check(e.s, *next);
        if (!r) {
          rep.rejected.push_back(r.error());
          continue;
        }
        next = std::move(*r);
      }
      Value old = e.effective();
      e.edited = next.has_value();
      e.layer[kFile] = std::move(next);
      e.layer[kRuntime].reset();  // the file was edited after the update: the edit is the newer intent
      if (e.effective() != old) {
        rep.applied.push_back(k);
        notes.push_back({ConfigChanged{e.s.path, old, e.effective(), ChangeKind::reload}});
      }
    }
  }
  for (auto& e : rep.rejected) log::error("config reload: " + e.code + ": " + e.message);
  if (!rep.applied.empty()) log::info("config reload: applied " + std::to_string(rep.applied.size()) + " change(s) from " + path);
  telemetry::emit("fnd.config.reload", {{"applied", static_cast<double>(rep.applied.size())},
                                         {"rejected", static_cast<double>(rep.rejected.size())}});
  {
    std::lock_guard<std::mutex> g(im.mu);
    im.last = rep;
  }
  im.notify(notes);
  return rep;
}

ReloadReport Config::last_reload() const {
  std::lock_guard<std::mutex> g(impl_->mu);
  return impl_->last;
}

std::vector<Setting> Config::settings() const {
  std::lock_guard<std::mutex> g(impl_->mu);
  std::vector<Setting> v;
  for (auto& [k, e] : impl_->entries) v.push_back(e.s);
  return v;
}

Value Config::snapshot() const {
  auto v = get(Path());
  return v ? *v : Value::object();
}

}  // namespace fnd::config
