// Shared by the front-end unit tests: check a program held in memory.
#pragma once

#include <memory>
#include <sstream>
#include <string>

#include "diag/diagnostic.hpp"
#include "sema/sema.hpp"

struct Checked {
  fnd::diag::SourceManager sources;
  std::ostringstream out;
  std::unique_ptr<fnd::diag::DiagnosticEngine> diags;
  fnd::sema::Result result;

  explicit Checked(const std::string& text) {
    diags = std::make_unique<fnd::diag::DiagnosticEngine>(sources, out);
    auto id = sources.addBuffer("t.fnd", text);
    fnd::sema::Options o;
    o.stdlibDir = "/nonexistent";
    result = fnd::sema::analyzeFiles({id}, o, sources, *diags);
  }
  const fnd::ast::Module& module() const { return *result.program->modules.at(0); }
  // The codes reported, in order, space-separated ("E0102 W0001").
  std::string codes() const {
    std::string s;
    for (auto& d : diags->diagnostics()) {
      if (!s.empty()) s += ' ';
      s += std::string(fnd::diag::codeName(d.code));
    }
    return s;
  }
};
