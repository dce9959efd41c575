// Pass: the settings of `config { ... }` blocks (docs/language.md section 17). Checks E0801 (a
// path declared twice, one path under another, or two read from one environment variable), E0802 (a type other than int, float, bool,
// string), E0226 (defaults, bounds and allowed values must be literals), E0201 (of the setting's
// type), E0803 (a range on a non-number, MIN > MAX, a default outside the range or not among the
// allowed values). Valid settings are listed in Program::config with their constants as JSON text.
// `config.PATH` reads are resolved by the expression checker (E0804).
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>

#include "sema/context.hpp"

namespace fnd::sema {

using namespace fnd::ast;
using diag::Code;

namespace {

// A literal's value: what a setting's constants may be.
struct Constant {
  const Type* type = nullptr;
  std::int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  double number() const { return type && type->kind == TypeKind::Int ? static_cast<double>(i) : f; }
};

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string jsonOf(const Constant& c) {
  switch (c.type->kind) {
    case TypeKind::Int: return std::to_string(c.i);
    case TypeKind::Float: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, c.f);
      std::string t(buf, r.ptr);
      if (t.find_first_of(".eE") == std::string::npos) t += ".0";
      return t;
    }
    case TypeKind::Bool: return c.b ? "true" : "false";
    default: return jsonString(c.s);
  }
}

std::string show(const Constant& c) {
  return c.type->kind == TypeKind::String ? jsonString(c.s) : jsonOf(c);
}

class ConfigChecker {
 public:
  explicit ConfigChecker(Context& cx) : cx_(cx) {}

  void run() {
    std::map<std::string, const ConfigSetting*> seen;
    for (auto& m : cx_.program.modules)
      for (auto& sp : m->config) {
        ConfigSetting& s = *sp;
        if (!declareOnce(s, seen)) continue;
        if (!check(s)) continue;
        s.index = cx_.program.config.size();
        cx_.program.config.push_back(&s);
      }
  }

 private:
  bool declareOnce(const ConfigSetting& s, std::map<std::string, const ConfigSetting*>& seen) {
    for (auto& [path, other] : seen) {
      const bool same = path == s.path;
      const bool under = s.path.rfind(path + ".", 0) == 0, over = path.rfind(s.path + ".", 0) == 0;
      if (!same && !under && !over) continue;
      auto d = cx_.error(Code::E0801, s.pathRange,
                         same ? "config setting '" + s.path + "' is declared twice"
                              : "config setting '" + s.path + "' overlaps setting '" + path + "'");
      d.note(other->pathRange, "'" + path + "' is declared here");
      if (!same) d.note({}, "a setting is a leaf: no setting may be under another");
      return false;
    }
    // FND_ + the parts upper-cased and joined by __ (docs section 17): `x.Port` and `x.port`, or
    // `a.b__c` and `a.b.c`, would read one variable.
    for (auto& [path, other] : seen)
      if (envName(path) == envName(s.path)) {
        cx_.error(Code::E0801, s.pathRange, "config settings '" + s.path + "' and '" + path +
                                                "' would both be set by the environment variable " + envName(path))
            .note(other->pathRange, "'" + path + "' is declared here");
        return false;
      }
    seen[s.path] = &s;
    return true;
  }

  static std::string envName(const std::string& path) {
    std::string v = "FND_";
    for (char c : path) {
      if (c == '.') v += "__";
      else v += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return v;
  }

  // The value of a literal (or `-` literal) of type `want`; reports E0226 / E0201.
  std::optional<Constant> literal(Expr& e, const Type* want) {
    auto& T = cx_.types();
    Constant c;
    bool negate = false;
    Expr* x = &e;
    if (x->is<UnaryExpr>() && x->as<UnaryExpr>().op == UnaryOp::Neg) {
      negate = true;
      x = x->as<UnaryExpr>().operand.get();
    }
    switch (x->kind) {
      case ExprKind::IntLit: c.type = T.intType(); c.i = x->as<IntLit>().value; break;
      case ExprKind::FloatLit: c.type = T.floatType(); c.f = x->as<FloatLit>().value; break;
      case ExprKind::BoolLit: if (!negate) { c.type = T.boolType(); c.b = x->as<BoolLit>().value; } break;
      case ExprKind::StringLit: {
        auto& parts = x->as<StringLit>().parts;
        if (!negate && parts.size() == 1 && !parts[0].expr) {
          c.type = T.stringType();
          c.s = parts[0].text;
        } else if (!negate && parts.empty()) {
          c.type = T.stringType();
        }
        break;
      }
      default: break;
    }
    if (!c.type) {
      cx_.error(Code::E0226, e.range, "config values must be literals")
          .note({}, "a default, a bound or an allowed value is a number, a string without '{...}', true or false");
      return std::nullopt;
    }
    if (negate) {
      c.i = static_cast<std::int64_t>(0ull - static_cast<std::uint64_t>(c.i));
      c.f = -c.f;
    }
    e.type = x->type = c.type;
    if (want && c.type != want) {
      auto d = cx_.error(Code::E0201, e.range, "expected '" + want->str() + "', found '" + c.type->str() + "'");
      if (want->kind == TypeKind::Float && c.type->kind == TypeKind::Int) d.note({}, "write a float literal such as 1.0");
      return std::nullopt;
    }
    return c;
  }

  bool check(ConfigSetting& s) {
    const Type* t = s.type ? resolveTypeNode(cx_, *s.type) : nullptr;
    if (!t || t->isError()) return false;
    switch (t->kind) {
      case TypeKind::Int: case TypeKind::Float: case TypeKind::Bool: case TypeKind::String: break;
      default:
        cx_.error(Code::E0802, s.type->range, "a config setting cannot have type '" + t->str() + "'")
            .note({}, "settings are int, float, bool or string");
        return false;
    }
    s.valueType = t;
    bool ok = true;
    auto def = literal(*s.defaultValue, t);
    ok = ok && def;
    std::optional<Constant> lo, hi;
    if (s.min) {
      const bool numeric = t->kind == TypeKind::Int || t->kind == TypeKind::Float;
      if (!numeric) {
        cx_.error(Code::E0803, diag::SourceRange{s.min->range.file, s.min->range.begin, s.max->range.end},
                  "a range needs an int or float setting; '" + s.path + "' is a " + t->str());
        return false;
      }
      lo = literal(*s.min, t);
      hi = literal(*s.max, t);
      if (!lo || !hi) return false;
      if (lo->number() > hi->number()) {
        cx_.error(Code::E0803, diag::SourceRange{s.min->range.file, s.min->range.begin, s.max->range.end},
                  "empty range: " + show(*lo) + " is greater than " + show(*hi));
        return false;
      }
      s.hasRange = true;
      s.minValue = lo->number();
      s.maxValue = hi->number();
      if (def && (def->number() < lo->number() || def->number() > hi->number())) {
        cx_.error(Code::E0803, s.defaultValue->range,
                  "default " + show(*def) + " is outside the range " + show(*lo) + ".." + show(*hi));
        ok = false;
      }
    }
    if (!s.oneOfRange.valid()) {
      if (ok) s.defaultJson = jsonOf(*def);
      return ok;
    }
    std::vector<Constant> allowed;
    std::string json = "[";
    for (auto& v : s.oneOf) {
      auto c = literal(*v, t);
      if (!c) {
        ok = false;
        continue;
      }
      if (json.size() > 1) json += ",";
      json += jsonOf(*c);
      allowed.push_back(*c);
    }
    json += "]";
    if (s.oneOf.empty()) {
      cx_.error(Code::E0803, s.oneOfRange, "'one of' needs at least one value");
      return false;
    }
    if (ok && def) {
      const std::string d = jsonOf(*def);
      bool found = false;
      for (auto& a : allowed) found = found || jsonOf(a) == d;
      if (!found) {
        cx_.error(Code::E0803, s.defaultValue->range, "default " + show(*def) + " is not one of the allowed values")
            .note(s.oneOfRange, "allowed here");
        ok = false;
      }
    }
    if (!ok) return false;
    s.defaultJson = jsonOf(*def);
    s.oneOfJson = json;
    return true;
  }

  Context& cx_;
};

}  // namespace

void checkConfig(Context& cx) { ConfigChecker(cx).run(); }

}  // namespace fnd::sema
