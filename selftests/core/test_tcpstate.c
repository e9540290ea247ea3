// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/core/tcpstate.c: table-driven transitions (3-way handshake both
 * ways, simultaneous open, half-close, close, RST and recovery from a stray
 * RST, reuse after TIME_WAIT), timeout classes, RFC minimum timeouts, and
 * totality over every (state, flags, direction).
 */
#include "../../kmod/core/tcpstate.h"
#include "tap.h"

#define S SW_TCPF_SYN
#define A SW_TCPF_ACK
#define F SW_TCPF_FIN
#define R SW_TCPF_RST
#define P SW_TCPF_PSH
#define OUT true
#define IN false

struct step {
	uint8_t flags;
	bool out;
	enum sw_tcp_state want;
};

struct scenario {
	const char *name;
	enum sw_tcp_state start;
	struct step steps[8];
	int n;
};

static const struct scenario scenarios[] = {
	{ "outbound 3-way handshake", SW_TCP_NONE, {
		{ S, OUT, SW_TCP_SYN_SENT },
		{ S | A, IN, SW_TCP_ESTABLISHED },
		{ A, OUT, SW_TCP_ESTABLISHED },
		{ A | P, IN, SW_TCP_ESTABLISHED } }, 4 },
	{ "inbound 3-way handshake (EIF, RFC 5382 REQ-2)", SW_TCP_NONE, {
		{ S, IN, SW_TCP_SYN_RCVD },
		{ S | A, OUT, SW_TCP_ESTABLISHED },
		{ A, IN, SW_TCP_ESTABLISHED } }, 3 },
	{ "SYN-ACK out first: an untracked inbound SYN answered (RFC 5382 REQ-3)",
	  SW_TCP_NONE, {
		{ S | A, OUT, SW_TCP_ESTABLISHED },
		{ A, IN, SW_TCP_ESTABLISHED } }, 2 },
	{ "SYN-ACK in on an untracked connection is only the peer's SYN",
	  SW_TCP_NONE, {
		{ S | A, IN, SW_TCP_SYN_RCVD },
		{ A, OUT, SW_TCP_SYN_RCVD } }, 2 },
	{ "simultaneous open", SW_TCP_NONE, {
		{ S, OUT, SW_TCP_SYN_SENT },
		{ S, IN, SW_TCP_ESTABLISHED },
		{ S | A, OUT, SW_TCP_ESTABLISHED },
		{ S | A, IN, SW_TCP_ESTABLISHED } }, 4 },
	{ "SYN retransmits stay half-open", SW_TCP_NONE, {
		{ S, OUT, SW_TCP_SYN_SENT },
		{ S, OUT, SW_TCP_SYN_SENT },
		{ A, IN, SW_TCP_SYN_SENT },
		{ F, OUT, SW_TCP_SYN_SENT } }, 4 },
	{ "non-SYN on a new mapping", SW_TCP_NONE, {
		{ A, OUT, SW_TCP_NONE },
		{ F | A, IN, SW_TCP_NONE } }, 2 },
	{ "half-close out then close", SW_TCP_ESTABLISHED, {
		{ F | A, OUT, SW_TCP_FIN_WAIT_OUT },
		{ A, IN, SW_TCP_FIN_WAIT_OUT },
		{ A | P, IN, SW_TCP_FIN_WAIT_OUT },
		{ F | A, OUT, SW_TCP_FIN_WAIT_OUT },	/* FIN retransmit */
		{ F | A, IN, SW_TCP_TIME_WAIT },
		{ A, OUT, SW_TCP_TIME_WAIT } }, 6 },
	{ "half-close in then close", SW_TCP_ESTABLISHED, {
		{ F | A, IN, SW_TCP_FIN_WAIT_IN },
		{ A | P, OUT, SW_TCP_FIN_WAIT_IN },
		{ F | A, IN, SW_TCP_FIN_WAIT_IN },
		{ F | A, OUT, SW_TCP_TIME_WAIT } }, 4 },
	{ "RST in established, then traffic resumes", SW_TCP_ESTABLISHED, {
		{ R, IN, SW_TCP_CLOSED },
		{ R | A, OUT, SW_TCP_CLOSED },
		{ A, OUT, SW_TCP_ESTABLISHED } }, 3 },
	{ "RST refuses a connection; SYN reopens", SW_TCP_NONE, {
		{ S, OUT, SW_TCP_SYN_SENT },
		{ R | A, IN, SW_TCP_CLOSED },
		{ S, OUT, SW_TCP_SYN_SENT } }, 3 },
	{ "RST wins over SYN/FIN in one segment", SW_TCP_ESTABLISHED, {
		{ R | S | F, OUT, SW_TCP_CLOSED } }, 1 },
	{ "RST in half-close and TIME_WAIT", SW_TCP_FIN_WAIT_IN, {
		{ R, OUT, SW_TCP_CLOSED },
		{ S, IN, SW_TCP_SYN_RCVD },
		{ S | A, OUT, SW_TCP_ESTABLISHED },
		{ F, IN, SW_TCP_FIN_WAIT_IN },
		{ F, OUT, SW_TCP_TIME_WAIT },
		{ R, IN, SW_TCP_CLOSED } }, 6 },
	{ "port reuse after TIME_WAIT", SW_TCP_TIME_WAIT, {
		{ S, OUT, SW_TCP_SYN_SENT },
		{ S | A, IN, SW_TCP_ESTABLISHED } }, 2 },
	{ "SYN in established/half-close changes nothing", SW_TCP_ESTABLISHED, {
		{ S | A, IN, SW_TCP_ESTABLISHED },
		{ F, OUT, SW_TCP_FIN_WAIT_OUT },
		{ S, IN, SW_TCP_FIN_WAIT_OUT } }, 3 },
};

static void test_scenarios(void)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *sc = &scenarios[i];
		enum sw_tcp_state s = sc->start, got;

		for (int j = 0; j < sc->n; j++) {
			got = sw_tcp_next(s, sc->steps[j].flags, sc->steps[j].out);
			CHECK(got == sc->steps[j].want, "%s, step %d (%s %#x): %s, want %s",
			      sc->name, j + 1, sc->steps[j].out ? "out" : "in",
			      sc->steps[j].flags, sw_tcp_state_name(got),
			      sw_tcp_state_name(sc->steps[j].want));
			s = got;
		}
	}
}

static void test_timeout_classes(void)
{
	static const struct {
		enum sw_tcp_state s;
		enum sw_timeout_class c;
	} t[] = {
		{ SW_TCP_NONE,		SW_TIMEOUT_TRANSITORY },
		{ SW_TCP_SYN_SENT,	SW_TIMEOUT_TRANSITORY },
		{ SW_TCP_SYN_RCVD,	SW_TIMEOUT_TRANSITORY },
		{ SW_TCP_ESTABLISHED,	SW_TIMEOUT_ESTABLISHED },
		{ SW_TCP_FIN_WAIT_OUT,	SW_TIMEOUT_ESTABLISHED },
		{ SW_TCP_FIN_WAIT_IN,	SW_TIMEOUT_ESTABLISHED },
		{ SW_TCP_TIME_WAIT,	SW_TIMEOUT_TRANSITORY },
		{ SW_TCP_CLOSED,	SW_TIMEOUT_TRANSITORY },
	};

	CHECK(sizeof(t) / sizeof(t[0]) == SW_TCP_NSTATES, "table incomplete");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(sw_tcp_timeout_class(t[i].s) == t[i].c, "%s",
		      sw_tcp_state_name(t[i].s));
	CHECK(sw_tcp_timeout_class((enum sw_tcp_state)99) ==
	      SW_TIMEOUT_TRANSITORY, "out of range");
}

static void test_rfc_minimums(void)
{
	CHECK(SW_TIMEOUT_UDP_MIN >= 120, "RFC 4787 REQ-5");
	CHECK(SW_TIMEOUT_UDP >= 300 && SW_TIMEOUT_UDP >= SW_TIMEOUT_UDP_MIN,
	      "RFC 4787 REQ-5 default");
	CHECK(SW_TIMEOUT_TCP_EST >= 2 * 3600 + 4 * 60, "RFC 5382 REQ-5 est");
	CHECK(SW_TIMEOUT_TCP_TRANS >= 4 * 60, "RFC 5382 REQ-5 trans");
	CHECK(SW_TIMEOUT_ICMP >= 60, "RFC 5508 REQ-2");
}

/* Every input is handled; out-of-range states behave as NONE. */
static void test_total(void)
{
	for (int s = 0; s < SW_TCP_NSTATES + 3; s++) {
		for (int f = 0; f < 256; f++) {
			for (int d = 0; d < 2; d++) {
				enum sw_tcp_state n = sw_tcp_next((enum sw_tcp_state)s,
								  (uint8_t)f, d);

				CHECK((unsigned int)n < SW_TCP_NSTATES, "state %d", n);
				if (f & R)
					CHECK(n == SW_TCP_CLOSED, "RST");
				if (s >= SW_TCP_NSTATES)
					CHECK(n == sw_tcp_next(SW_TCP_NONE,
							       (uint8_t)f, d), "bad");
			}
		}
	}
	CHECK_STR(sw_tcp_state_name(SW_TCP_ESTABLISHED), "established");
	CHECK_STR(sw_tcp_state_name((enum sw_tcp_state)42), "?");
}

/*
 * Several connections of one mapping driven by random segments: the sum of
 * sw_tcp_est_delta() over every transition always equals the number of
 * connections in an established-class state (the module's n_est).
 */
static void test_est_count(void)
{
	enum sw_tcp_state c[4] = { SW_TCP_NONE, SW_TCP_NONE, SW_TCP_NONE,
				   SW_TCP_NONE };
	unsigned int x = 12345;
	int n_est = 0;

	for (int i = 0; i < 100000; i++) {
		int k, want = 0;
		enum sw_tcp_state n;

		x = x * 1103515245u + 12345u;
		k = (x >> 16) & 3;
		n = sw_tcp_next(c[k], (uint8_t)(x >> 8) & (S | A | F | R),
				(x >> 20) & 1);
		n_est += sw_tcp_est_delta(c[k], n);
		c[k] = n;
		for (k = 0; k < 4; k++)
			want += sw_tcp_timeout_class(c[k]) == SW_TIMEOUT_ESTABLISHED;
		if (n_est != want) {
			CHECK(n_est == want, "step %d: count %d, want %d", i, n_est, want);
			return;
		}
	}
	CHECK(sw_tcp_est_delta(SW_TCP_SYN_SENT, SW_TCP_ESTABLISHED) == 1, "open");
	CHECK(sw_tcp_est_delta(SW_TCP_ESTABLISHED, SW_TCP_CLOSED) == -1, "RST");
	CHECK(sw_tcp_est_delta(SW_TCP_ESTABLISHED, SW_TCP_FIN_WAIT_IN) == 0, "FIN");
}

static const struct tap_test tests[] = {
	{ "established_count_over_connections", test_est_count },
	{ "transition_scenarios", test_scenarios },
	{ "timeout_classes", test_timeout_classes },
	{ "default_timeouts_meet_rfc_minimums", test_rfc_minimums },
	{ "total_over_all_inputs", test_total },
};

TAP_MAIN(tests)
