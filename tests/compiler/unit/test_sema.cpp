#include <catch2/catch.hpp>

#include "helpers.hpp"

using namespace fnd::ast;

TEST_CASE("names resolve to params, states, locals, and siblings at start sites", "[sema]") {
  Checked c(R"(module m
message Ping { n: int, tag: string }
actor Ponger { on Ping(p) { reply Ping { n: p.n } } }
actor Pinger {
  param peer: ref<Ponger>
  param rounds: int = 3
  state left = rounds
  on start { let k = left; send peer Ping { n: k } }
  on Ping(p) { left = left - 1 }
}
supervisor app {
  child pinger: Pinger(peer: ponger)
  child ponger: Ponger
}
main app
)");
  INFO(c.out.str());
  REQUIRE(c.result.ok);
  auto& prog = *c.result.program;
  auto& pinger = *c.module().actors[1];
  CHECK(pinger.states[0]->type->kind == TypeKind::Int);
  auto& stmts = pinger.handlers[0]->body->stmts;
  auto& let = stmts[0]->as<LetStmt>();
  CHECK(let.init->as<NameExpr>().ref == NameRef::State);
  auto& send = stmts[1]->as<SendStmt>();
  CHECK(send.target->as<NameExpr>().ref == NameRef::Param);
  CHECK(send.target->type == prog.types.ref(prog.actors.at("Ponger")));
  auto& lit = send.message->as<MessageLit>();
  REQUIRE(lit.byField.size() == 2);
  CHECK(lit.byField[0] != nullptr);
  CHECK(lit.byField[1] == nullptr);  // zero value
  CHECK(lit.inits[0].value->as<NameExpr>().ref == NameRef::Local);
  auto& child = *c.module().supervisors[0]->children[0];
  CHECK(child.start.targetKind == TargetKind::Actor);
  REQUIRE(child.start.byParam.size() == 2);
  CHECK(child.start.byParam[0]->as<NameExpr>().ref == NameRef::Child);
  CHECK(child.start.byParam[1] == nullptr);  // default
  CHECK(prog.main->start.supervisor == prog.supervisors.at("app"));
}

TEST_CASE("type errors do not cascade", "[sema]") {
  Checked c("module m\nactor A { on start { let x = nope + 1; let y = x * 2; print(y) } }\n");
  CHECK(c.codes() == "E0102");
}

TEST_CASE("reply is legal only in message handlers", "[sema]") {
  Checked c("module m\nmessage M {}\nactor A {\n on start { reply M {} }\n every 1s { reply M {} }\n on M { reply M {} }\n}\n");
  CHECK(c.codes() == "E0501 E0501");
}

TEST_CASE("roles are lists of refs; broadcast needs the mode", "[sema]") {
  Checked c(R"(module m
message Job { id: int }
actor W { on Job(j) { for w in worker { send w Job { id: j.id } } ; broadcast worker Job { id: 1 } } }
society s { members { worker: W x 3 } }
)");
  CHECK(c.codes() == "E0405");
  auto& body = c.module().actors[0]->handlers[0]->body->stmts;
  auto& loop = body[0]->as<ForStmt>();
  CHECK(loop.forKind == ForKind::List);
  CHECK(loop.iterable->as<NameExpr>().ref == NameRef::Role);
  CHECK(loop.first.type->kind == TypeKind::Ref);
}

TEST_CASE("supervision: cycles, counts and intensities", "[sema]") {
  Checked c(R"(module m
actor A { on start { } }
supervisor a { intensity: 2000000 per 1s
  child b: b }
supervisor b { child a: a }
supervisor pool { strategy: simple_one_for_one
  child x: A
  child y: A }
)");
  CHECK(c.codes() == "E0302 E0306 E0305");
}

TEST_CASE("every diagnostic of a long file is reported within the limit", "[sema]") {
  std::string src = "module m\nactor A { on start {\n";
  for (int i = 0; i < 30; ++i) src += "  print(undefined" + std::to_string(i) + ")\n";
  src += "} }\n";
  Checked c(src);
  CHECK(c.diags->errorCount() == 30);
}

TEST_CASE("methods, builtins, loops and pool spawns are annotated for the back ends", "[sema]") {
  Checked c(R"(module m
message Job { id: int }
actor W {
  param id: int
  param tag: string = "w"
  on Job(j) { }
}
actor Boss {
  state m: map<string, int> = {}
  on start {
    let w = spawn pool(id: 1)
    send w Job { id: 1 }
    m["a"] = m.get("a", 0) + abs(-2)
    for k, v in m { print("{k}={v}") }
    monitor(w)
  }
  on down(who, why) { log info why }
}
supervisor pool { strategy: simple_one_for_one
  child w: W(tag: "pooled") }
supervisor app { child boss: Boss
  child pool: pool }
main app
)");
  INFO(c.out.str());
  REQUIRE(c.result.ok);
  auto& boss = *c.module().actors[1];
  auto& body = boss.handlers[0]->body->stmts;
  auto& spawn = body[0]->as<LetStmt>().init->as<SpawnExpr>();
  REQUIRE(spawn.poolTemplate != nullptr);
  CHECK(spawn.poolTemplate->name.name == "w");
  CHECK(spawn.start.actor->name.name == "W");
  REQUIRE(spawn.start.byParam.size() == 2);
  CHECK(spawn.start.byParam[0] != nullptr);
  CHECK(spawn.start.byParam[1] == nullptr);  // from the template
  auto& assign = body[2]->as<AssignStmt>();
  CHECK(assign.target->is<IndexExpr>());
  auto& sum = assign.value->as<BinaryExpr>();
  CHECK(sum.lhs->as<MethodCallExpr>().resolved == Method::Get);
  CHECK(sum.rhs->as<CallExpr>().builtin == Builtin::Abs);
  auto& loop = body[3]->as<ForStmt>();
  CHECK(loop.forKind == ForKind::Map);
  CHECK(loop.first.type->kind == TypeKind::String);
  CHECK(loop.second->type->kind == TypeKind::Int);
  CHECK(body[4]->as<ExprStmt>().expr->as<CallExpr>().builtin == Builtin::Monitor);
  auto& down = *boss.handlers[1];
  CHECK(down.kind == HandlerKind::Down);
  CHECK(down.params[0]->type->kind == TypeKind::Ref);
  CHECK(down.params[1]->type->kind == TypeKind::String);
}
