# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034  # OUT/ERR are read by the sourcing test
#
# Shared helpers for softwire selftests. Source it, then:
#
#   trap cleanup EXIT         (cleanup() should call lib_cleanup last)
#   require_root; require_swctl; require_module
#   or lib_begin [CMD...]     (all of the above, ip python3 CMD..., dmesg_mark;
#                             the default cleanup() is lib_cleanup alone)
#   ns_create NS              (sets $NS to a fresh netns, lo up, auto-deleted)
#   check_eq / check_match / check_ok / check_fail_msg / json_get
#   wait_for / wait_ge / wait_gt (poll a command, run again on every try)
#   ksft_exit                 (exit 0 if every check passed, 1 otherwise)
#
# Output is TAP-ish: "# " diagnostics, one "# ok N - ..." / "# not ok N - ..."
# line per check (commented, so the runner's own TAP stream stays valid).
# Exit codes follow tools/testing/selftests: 0 pass, 1 fail, 4 skip.

ksft_pass=0
ksft_fail=1
ksft_skip=4

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_NAME=$(basename "$0" .sh)

# RFC 7597 Appendix A example 1: with EUP 2001:db8:12:3400::/56 -> 192.0.2.18,
# PSID 0x34.
EX1_RULE="rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 16"

_n_checks=0
_n_fail=0
_ns_list=()
_dmesg_marker=""

# ---------------------------------------------------------------- diagnostics
log() { echo "# $*"; }

# Indent a block of text as TAP diagnostics.
log_block() { sed 's/^/#    /'; }

_pass() { _n_checks=$((_n_checks + 1)); echo "# ok $_n_checks - $*"; }
_failed() {
	_n_checks=$((_n_checks + 1)); _n_fail=$((_n_fail + 1))
	echo "# not ok $_n_checks - $*"
}

# A skip fails CI (guest-run.sh) unless it is expected: skip_expected says
# the kernel under test lacks what the test needs, by design (name the kernel
# feature and the versions that have it).
skip() { log "SKIP: $*"; exit "$ksft_skip"; }
skip_expected() { log "SKIP-EXPECTED: $*"; exit "$ksft_skip"; }

# ---------------------------------------------------------------- requirements
require_root() { [ "$(id -u)" -eq 0 ] || skip "must run as root"; }

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
	done
}

# swctl: $SWCTL, else PATH, else the in-tree build.
require_swctl() {
	if [ -z "${SWCTL:-}" ]; then
		if command -v swctl >/dev/null 2>&1; then
			SWCTL=$(command -v swctl)
		elif [ -x "$LIB_DIR/../tools/swctl" ]; then
			SWCTL=$LIB_DIR/../tools/swctl
		fi
	fi
	if [ -z "${SWCTL:-}" ] || [ ! -x "$SWCTL" ]; then skip "swctl not found"; fi
	export SWCTL
}

module_loaded() { [ -d /sys/module/softwire ]; }

# Refcount of the module as the kernel reports it ("" when not loaded).
module_refcnt() { cat /sys/module/softwire/refcnt 2>/dev/null; }

# For wait_for: true when the refcount equals $1.
module_refcnt_is() { [ "$(module_refcnt)" = "$1" ]; }

require_module() {
	module_loaded || modprobe softwire 2>/dev/null || true
	module_loaded || skip "softwire module not loaded and modprobe failed"
}

# ---------------------------------------------------------------- netns
# ns_create VAR: create "sw-<test>-<random>" with lo up, store its name in VAR.
ns_create() {
	local __var=$1 __name
	__name="sw-${TEST_NAME#test_}-$(printf '%04x%04x' $RANDOM $RANDOM)"
	ip netns add "$__name" || { _failed "ip netns add $__name"; return 1; }
	ip -n "$__name" link set lo up
	_ns_list+=("$__name")
	printf -v "$__var" '%s' "$__name"
}

# Forget a netns the test deleted on purpose.
ns_forget() {
	local i
	for i in "${!_ns_list[@]}"; do
		[ "${_ns_list[$i]}" = "$1" ] && unset '_ns_list[i]'
	done
}

# swctl inside a netns: nsw NS ARGS...
nsw() { local ns=$1; shift; ip netns exec "$ns" "$SWCTL" "$@"; }

# Names of the softwire devices of a netns ("" = the current one), sorted.
sw_devs() {
	local ns=$1
	if [ -n "$ns" ]; then
		ip -n "$ns" -d -o link show
	else
		ip -d -o link show
	fi | awk -F': ' '/ softwire /{ sub(/@.*/, "", $2); print $2 }' | sort
}

sw_dev_count() { sw_devs "$1" | grep -c . || true; }

# udp_bound NS PORT: a UDP socket in NS is bound to PORT (for wait_for).
udp_bound() { ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q .; }

# ---------------------------------------------------------------- checks
# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then
		_pass "$1"
	else
		_failed "$1"
		log "  expected: $2"
		log "  actual:   $3"
		return 1
	fi
}

# check_match DESC ERE ACTUAL   (grep -E, case-insensitive)
check_match() {
	if printf '%s\n' "$3" | grep -Eqi -- "$2"; then
		_pass "$1"
	else
		_failed "$1"
		log "  expected to match /$2/:"
		printf '%s\n' "$3" | log_block
		return 1
	fi
}

# check_ok DESC CMD...: command must exit 0. Its stdout goes to $OUT.
check_ok() {
	local desc=$1 err rc
	shift
	err=$(mktemp)
	OUT=$("$@" 2>"$err"); rc=$?
	if [ $rc -eq 0 ]; then
		_pass "$desc"
	else
		_failed "$desc"
		log "  command: $*"
		log "  exit $rc, stderr:"
		log_block <"$err"
	fi
	rm -f "$err"
	return $rc
}

# check_fail_msg DESC ERE CMD...: command must exit non-zero and its stderr
# must match ERE (case-insensitive). Stderr is left in $ERR.
check_fail_msg() {
	local desc=$1 re=$2 errf rc
	shift 2
	errf=$(mktemp)
	OUT=$("$@" 2>"$errf"); rc=$?
	ERR=$(cat "$errf"); rm -f "$errf"
	if [ $rc -eq 0 ]; then
		_failed "$desc (exit 0, expected failure)"
		log "  command: $*"
		return 1
	fi
	if ! printf '%s\n' "$ERR" | grep -Eqi -- "$re"; then
		_failed "$desc (exit $rc, stderr does not match /$re/)"
		log "  command: $*"
		printf '%s\n' "$ERR" | log_block
		return 1
	fi
	_pass "$desc"
}

# check_cond DESC CMD...: pass when CMD succeeds (no output capture).
check_cond() {
	local desc=$1
	shift
	if "$@"; then _pass "$desc"; else _failed "$desc"; return 1; fi
}

# json_get JSON EXPR: evaluate a Python expression over j = json.loads(JSON).
# Strings print raw, bool/None/lists/dicts print as compact JSON.
json_get() {
	python3 -c '
import json, sys
try:
    j = json.loads(sys.argv[1])
    v = eval(sys.argv[2], {"j": j, "len": len, "sorted": sorted})
except Exception as e:
    print("<json_get: %s: %r>" % (type(e).__name__, sys.argv[1][:80]))
    sys.exit(1)
if isinstance(v, str):
    print(v)
else:
    print(json.dumps(v, separators=(",", ":")))
' "$1" "$2"
}

# wait_for TIMEOUT_S CMD...: poll CMD every 100 ms until it succeeds.
wait_for() {
	local timeout=$1 deadline
	shift
	deadline=$(( $(date +%s%N) / 1000000 + timeout * 1000 ))
	while ! "$@"; do
		[ $(( $(date +%s%N) / 1000000 )) -ge $deadline ] && return 1
		sleep 0.1
	done
	return 0
}

# wait_ge TIMEOUT N CMD...: poll until CMD, run again on every try, prints a
# number >= N; wait_gt: > N. Pass the command, not its output:
# `wait_for 10 test "$(mape_drop filtered)" -ge 3` expands once and compares
# the same value until the timeout; `wait_ge 10 3 mape_drop filtered` polls.
_num_ge() {
	local n=$1 v
	shift
	v=$("$@")
	[[ $v =~ ^[0-9]+$ ]] && [ "$v" -ge "$n" ]
}
wait_ge() { local t=$1 n=$2; shift 2; wait_for "$t" _num_ge "$n" "$@"; }
wait_gt() { local t=$1 n=$2; shift 2; wait_for "$t" _num_ge $((n + 1)) "$@"; }

# count_lines CMD...: the number of non-empty lines CMD prints (for wait_ge).
count_lines() { "$@" | grep -c . || true; }

# ---------------------------------------------------------------- dmesg
# Mark the kernel log so dmesg_check only looks at this test's messages.
dmesg_mark() {
	_dmesg_marker="softwire-selftest: begin $TEST_NAME $$ $RANDOM"
	echo "$_dmesg_marker" >/dev/kmsg 2>/dev/null || _dmesg_marker=""
}

dmesg_check() {
	local log_text bad
	[ -n "$_dmesg_marker" ] || { log "dmesg: no marker, not checked"; return 0; }
	log_text=$(dmesg | awk -v m="$_dmesg_marker" 'f; index($0, m) { f = 1 }')
	bad=$(printf '%s\n' "$log_text" | grep -E \
		'WARNING:|BUG[: ]|Oops|general protection|KASAN|UBSAN|refcount_t|kmemleak|list_(add|del) corruption|RCU.*stall|unregister_netdevice: waiting|Call Trace' || true)
	if [ -z "$bad" ]; then
		_pass "dmesg has no WARN/BUG/oops"
	else
		_failed "dmesg has no WARN/BUG/oops"
		printf '%s\n' "$bad" | head -40 | log_block
	fi
}

# ---------------------------------------------------------------- teardown
lib_cleanup() {
	local ns
	for ns in "${_ns_list[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	_ns_list=()
}

# The EXIT handler lib_begin installs. A test with more to undo defines its
# own after sourcing this file, calling lib_cleanup last.
cleanup() { lib_cleanup; }

# lib_begin [CMD...]: common start of a test that needs the module: EXIT
# trap, root, swctl, the module, ip, python3 and CMD..., the dmesg marker.
lib_begin() {
	trap cleanup EXIT
	require_root
	require_swctl
	require_module
	require_cmd ip python3 "$@"
	dmesg_mark
}

ksft_exit() {
	if [ "$_n_fail" -eq 0 ]; then
		log "$TEST_NAME: all $_n_checks checks passed"
		exit "$ksft_pass"
	fi
	log "$TEST_NAME: $_n_fail of $_n_checks checks FAILED"
	exit "$ksft_fail"
}
