#include <iostream>

#include "driver/commands.hpp"

namespace fnd::driver {

Frontend::Frontend(const CommonOptions& opts) : opts_(opts) {
  std::ostream& out = opts.format == diag::OutputFormat::Json ? std::cout : std::cerr;
  diags_ = std::make_unique<diag::DiagnosticEngine>(sources_, out);
  diags_->setFormat(opts.format);
  diags_->setWarningsAsErrors(opts.werror);
  diags_->setErrorLimit(opts.errorLimit);
}

Frontend::~Frontend() = default;

bool Frontend::run() {
  sema::Options so;
  so.includeDirs = opts_.includeDirs;
  so.stdlibDir = opts_.stdlibDir.empty() ? sema::defaultStdlibDir() : opts_.stdlibDir;
  result_ = sema::analyze(opts_.files, so, sources_, *diags_);
  return !diags_->hadErrors();
}

}  // namespace fnd::driver
