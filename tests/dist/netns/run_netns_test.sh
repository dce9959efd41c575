#!/usr/bin/env bash
# Runs test_dist_netns in network namespaces: t, b and c each in a namespace of their own, joined by
# veth pairs to a bridge in a fourth ("hub") namespace, 10.77.0.0/24. The test cuts b off with iptables
# rules inside b's namespace and removes them again.
#   run_netns_test.sh <test_dist_netns> <dist_test_node> [catch2 arguments...]
# Exits 77 (CTest SKIP_RETURN_CODE) when the machine cannot do this: not root, no `ip`, no iptables, or
# namespaces, veth, bridges or iptables refused (a container without CAP_SYS_ADMIN / CAP_NET_ADMIN, a
# kernel without nf_tables). Everything it made is removed on any exit (trap), the rules with the
# namespaces; namespaces left by a run that was killed outright are removed by the next run.
set -u

test_bin=$1
node_bin=$2
shift 2

skip() {
  echo "SKIP: $*"
  exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces and iptables)"
command -v ip >/dev/null 2>&1 || skip "no ip command (iproute2)"
command -v iptables >/dev/null 2>&1 || skip "iptables is not installed (scripts/setup-deps.sh installs it)"
ip netns list >/dev/null 2>&1 || skip "ip netns is not available"

prefix=fndnetns
# A run killed outright (SIGKILL) could not clean up: remove namespaces whose run is gone.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${prefix}-" || true); do
  owner=${ns#${prefix}-}
  owner=${owner%%-*}
  if ! kill -0 "$owner" 2>/dev/null; then
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  fi
done

run=${prefix}-$$
hub=$run-hub
names=(t b c)
declare -A ns_of ip_of
ns_of=([t]=$run-t [b]=$run-b [c]=$run-c)
ip_of=([t]=10.77.0.1 [b]=10.77.0.2 [c]=10.77.0.3)

cleanup() {
  for n in "${names[@]}"; do
    for p in $(ip netns pids "${ns_of[$n]}" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  done
  for ns in "${ns_of[@]}" "$hub"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$hub" 2>/dev/null || skip "cannot create a network namespace (no CAP_SYS_ADMIN?)"
ip -n "$hub" link add br0 type bridge 2>/dev/null || skip "cannot create a bridge in a namespace"
ip -n "$hub" link set br0 up || exit 1
for n in "${names[@]}"; do
  ns=${ns_of[$n]}
  ip netns add "$ns" || exit 1
  # The veth pair is made inside the namespace: its names (eth0 there, v<node> on the hub) are private
  # to the namespaces, so parallel runs never collide.
  ip -n "$ns" link add eth0 type veth peer name "v$n" netns "$hub" 2>/dev/null ||
    skip "cannot create veth pairs between namespaces"
  ip -n "$hub" link set "v$n" master br0 up || exit 1
  ip -n "$ns" addr add "${ip_of[$n]}/24" dev eth0 || exit 1
  ip -n "$ns" link set eth0 up || exit 1
  ip -n "$ns" link set lo up || exit 1
done
ip netns exec "${ns_of[b]}" iptables -w -L -n >/dev/null 2>&1 ||
  skip "iptables does not work inside a network namespace here (kernel or container)"

# The hang guard (below CTest's TIMEOUT) keeps this script alive to clean up even when the test hangs;
# the test runs in the background so that a signal to this script is handled at once (bash defers
# traps until a foreground command returns), and cleanup kills it with the namespaces' processes.
FND_NETNS_NODE=$node_bin \
  FND_NETNS_T_IP=${ip_of[t]} \
  FND_NETNS_B=${ns_of[b]} FND_NETNS_B_IP=${ip_of[b]} \
  FND_NETNS_C=${ns_of[c]} FND_NETNS_C_IP=${ip_of[c]} \
  timeout -s KILL 50 ip netns exec "${ns_of[t]}" "$test_bin" "$@" &
wait $!
rc=$?
[ "$rc" -eq 77 ] && rc=1  # 77 means SKIP to CTest; a test that ran and failed must not read as one
exit "$rc"
