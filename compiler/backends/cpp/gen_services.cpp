// The core services in generated C++ (docs/language.md section 17): `config.PATH` reads and the
// program's setting table. Both call the services' C ABI (fnd/services/lang.h), as the LLVM back
// end does, so the two back ends share one implementation of the command line and the layers.
#include "backends/cpp/gen.hpp"

namespace fnd::backend::cpp {

using namespace fnd::ast;

std::string Gen::configRead(const ConfigExpr& e) {
  const std::string i = std::to_string(e.setting->index) + "u";
  switch (e.setting->valueType->kind) {
    case TypeKind::Int: return "fnd_cfg_int(" + i + ")";
    case TypeKind::Float: return "fnd_cfg_float(" + i + ")";
    case TypeKind::Bool: return "(fnd_cfg_bool(" + i + ") != 0)";
    default: return "fnd::lang::services::config_string(" + i + ")";
  }
}

// A protected message: admitted (or dropped) first; the guard records how the handler ended.
void Gen::protectedDispatch(Code& c, const HandlerDecl& h) {
  const std::string i = std::to_string(h.protect->index) + "u";
  c.open("if (auto* msg = m.try_get<" + messageName(*h.message) + ">())");
  c.line("if (!fnd_protect_admit(" + i + ")) return;  // refused: breaker open or rate limited");
  c.line("fnd::lang::services::ProtectedCall fnd_call(" + i + ");");
  c.line("return " + std::string("on_") + h.name.name + "(*msg);");
  c.close();
}

void protectTable(Code& c, const Program& program) {
  c.open("static const fnd_protect_spec fnd_protect_specs[] =");
  for (const ProtectDecl* p : program.protects)
    c.line("{" + quote(p->actor->name.name + "." + p->message.name) + ", " + (p->breaker ? "1" : "0") + ", " +
           std::to_string(p->threshold) + "u, " + std::to_string(p->windowMs) + "u, " + std::to_string(p->resetMs) +
           "u, " + std::to_string(p->trials) + "u, " + (p->rate ? "1" : "0") + ", " + std::to_string(p->rateCount) +
           "u, " + std::to_string(p->ratePeriodMs) + "u},");
  c.close("};");
}

void configTable(Code& c, const Program& program) {
  c.open("static const fnd_cfg_setting fnd_config_settings[] =");
  for (const ConfigSetting* s : program.config) {
    const char* type = s->valueType->kind == TypeKind::Int     ? "FND_CFG_INT"
                       : s->valueType->kind == TypeKind::Float ? "FND_CFG_FLOAT"
                       : s->valueType->kind == TypeKind::Bool  ? "FND_CFG_BOOL"
                                                               : "FND_CFG_STRING";
    c.line("{" + quote(s->path) + ", " + type + ", " + quote(s->defaultJson) + ", " + (s->hasRange ? "1" : "0") +
           ", " + floatLiteral(s->minValue) + ", " + floatLiteral(s->maxValue) + ", " +
           (s->oneOfJson.empty() ? std::string("nullptr") : quote(s->oneOfJson)) + ", " +
           (s->updatable ? "1" : "0") + "},");
  }
  c.close("};");
}

}  // namespace fnd::backend::cpp
