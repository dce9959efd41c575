// Paths, types and textual values.
#include <cerrno>
#include <cstdlib>

#include "fnd/services/config.hpp"
#include "fnd/services/errors.hpp"

namespace fnd::config {

Path::Path(std::string_view dotted) {
  if (dotted.empty()) return;
  for (;;) {
    size_t p = dotted.find('.');
    parts_.emplace_back(dotted.substr(0, p));
    if (p == std::string_view::npos) break;
    dotted.remove_prefix(p + 1);
  }
}

std::string Path::str() const {
  std::string s;
  for (auto& p : parts_) {
    if (!s.empty()) s += '.';
    s += p;
  }
  return s;
}

const char* to_string(Type t) noexcept {
  switch (t) {
    case Type::boolean: return "boolean";
    case Type::integer: return "integer";
    case Type::number: return "number";
    case Type::string: return "string";
    case Type::list: return "list";
    case Type::any: return "any";
  }
  return "?";
}

const char* to_string(ChangeKind k) noexcept {
  switch (k) {
    case ChangeKind::update: return "update";
    case ChangeKind::reset: return "reset";
    case ChangeKind::reload: return "reload";
  }
  return "?";
}

Result<Value> parse_as(Type type, std::string_view text) {
  std::string s(text);
  auto bad = [&](const char* what) {
    return errors::make(errors::code::invalid_config_value, "'" + s + "' is not " + what);
  };
  switch (type) {
    case Type::boolean:
      if (s == "true" || s == "1" || s == "yes" || s == "on") return Value(true);
      if (s == "false" || s == "0" || s == "no" || s == "off") return Value(false);
      return bad("a boolean");
    case Type::integer: {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || *end || errno) return bad("an integer");
      return Value(static_cast<int64_t>(v));
    }
    case Type::number: {
      errno = 0;
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || *end || errno) return bad("a number");
      return Value(v);
    }
    case Type::string: return Value(s);
    case Type::list:
    case Type::any: {
      Value v = Value::parse(s, nullptr, false);
      if (v.is_discarded()) {
        if (type == Type::any) return Value(s);
        return bad("a JSON list");
      }
      if (type == Type::list && !v.is_array()) return bad("a JSON list");
      return v;
    }
  }
  return bad("valid");
}

}  // namespace fnd::config
