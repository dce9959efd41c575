// See gen_cluster.hpp.
#include "backends/cpp/gen_cluster.hpp"

namespace fnd::backend::cpp {

using namespace ast;

std::string placedStart(const Program& program, const std::string& start) {
  if (!program.cluster) return start;
  return "fnd::lang::placed(" + start + ")";
}

void clusterDefinitions(Code& c, const Program& program) {
  const ClusterDecl& cl = *program.cluster;
  c.line("// cluster " + cl.name.name + ": nodes and placements (docs/language.md section 16)");
  c.open("static const fnd::lang::ClusterSpec& fnd_cluster_spec()");
  c.open("static const fnd::lang::ClusterSpec spec = []");
  c.line("fnd::lang::ClusterSpec s;");
  c.line("s.name = " + quote(cl.name.name) + ";");
  for (const ClusterNode& n : cl.nodes) c.line("s.nodes.push_back({" + quote(n.name.name) + ", " + quote(n.address) + "});");
  for (const Placement& p : cl.placements) {
    std::string nodes;
    for (const Ident& n : p.nodes) nodes += (nodes.empty() ? "" : ", ") + quote(n.name);
    c.line("s.placements.push_back({" + quote(p.registeredName.empty() ? p.dotted() : p.registeredName) + ", {" + nodes +
           "}, " + (p.across ? "true" : "false") + "});");
  }
  if (cl.security == ClusterSecurity::Curve) c.line("s.curve = true;");
  for (const ClusterSetting& st : cl.membership)
    c.line("s.membership.push_back({" + quote(st.name) + ", " + quote(st.value) + "});");
  c.line("return s;");
  c.close("}();");
  c.line("return spec;");
  c.close();
  c.line("// every message type may cross nodes: registered under \"module.Message\"");
  c.open("static void fnd_wire_messages()");
  for (const auto& m : program.modules)
    for (const auto& msg : m->messages)
      c.line("fnd::lang::wire_message<" + moduleNamespace(*m) + "::" + msg->name.name + ">(" +
             quote(m->name + "." + msg->name.name) + ");");
  c.close();
}

}  // namespace fnd::backend::cpp
