// SPDX-License-Identifier: GPL-2.0
/*
 * The NAPT's TCP session tracking (see tcpstate.h).
 *
 * RFC 5382 5 only needs the NAT to tell "established" from "transitory"
 * (partially open or closing) connections; the states below are the
 * smallest set that does so with per-direction SYN/FIN memory, following
 * RFC 7857 2.1 / RFC 6146 3.5.2.2:
 *
 *   NONE --SYN out--> SYN_SENT --SYN in--> ESTABLISHED
 *   NONE --SYN in---> SYN_RCVD --SYN out-> ESTABLISHED   (simultaneous open
 *                                                         and EIF inbound
 *                                                         SYN, RFC 5382 REQ-2)
 *   NONE --SYN-ACK out--> ESTABLISHED  (the answer to a SYN that came in
 *                                       before the connection was tracked)
 *   ESTABLISHED --FIN out--> FIN_WAIT_OUT --FIN in--> TIME_WAIT
 *   ESTABLISHED --FIN in---> FIN_WAIT_IN  --FIN out-> TIME_WAIT
 *   any --RST--> CLOSED;  CLOSED --non-RST--> ESTABLISHED (or a new SYN_*)
 *   TIME_WAIT --SYN--> SYN_SENT / SYN_RCVD (the ports are reused)
 *
 * ACK, PSH and data never change the state except in CLOSED. A SYN-ACK is
 * a SYN: it is the peer's SYN being seen.
 *
 * The module tracks one state per connection (mapping and remote endpoint)
 * and starts it at NONE on the first outbound segment to that remote: an
 * inbound SYN from a remote not yet sent to (EIF, RFC 5382 REQ-3 hole
 * punching) changes no state, so the LAN host's SYN-ACK is the first
 * segment seen, and it proves both SYNs.
 */
#include "tcpstate.h"

/* The state a SYN in this direction opens. */
static enum sw_tcp_state syn_open(bool outbound)
{
	return outbound ? SW_TCP_SYN_SENT : SW_TCP_SYN_RCVD;
}

/* SYN in the handshake states: seen both ways -> established. */
static enum sw_tcp_state on_syn(enum sw_tcp_state s, bool outbound)
{
	switch (s) {
	case SW_TCP_SYN_SENT:
		return outbound ? s : SW_TCP_ESTABLISHED;
	case SW_TCP_SYN_RCVD:
		return outbound ? SW_TCP_ESTABLISHED : s;
	case SW_TCP_NONE:
	case SW_TCP_TIME_WAIT:
	case SW_TCP_CLOSED:
		return syn_open(outbound);
	default:
		return s;	/* retransmitted SYN / SYN-ACK: no change */
	}
}

/* SYN-ACK out on an untracked connection: it answers a SYN that came in. */
static bool answers_syn(enum sw_tcp_state s, uint8_t tcp_flags, bool outbound)
{
	return s == SW_TCP_NONE && outbound &&
	       (tcp_flags & (SW_TCPF_SYN | SW_TCPF_ACK)) ==
	       (SW_TCPF_SYN | SW_TCPF_ACK);
}

/* FIN: half-close, then close when both directions have sent one. */
static enum sw_tcp_state on_fin(enum sw_tcp_state s, bool outbound)
{
	switch (s) {
	case SW_TCP_ESTABLISHED:
		return outbound ? SW_TCP_FIN_WAIT_OUT : SW_TCP_FIN_WAIT_IN;
	case SW_TCP_FIN_WAIT_OUT:
		return outbound ? s : SW_TCP_TIME_WAIT;
	case SW_TCP_FIN_WAIT_IN:
		return outbound ? SW_TCP_TIME_WAIT : s;
	default:
		return s;	/* FIN before the handshake finished: ignore */
	}
}

enum sw_tcp_state sw_tcp_next(enum sw_tcp_state s, uint8_t tcp_flags,
			      bool outbound)
{
	if ((unsigned int)s >= SW_TCP_NSTATES)
		s = SW_TCP_NONE;
	/*
	 * RFC 7857 2.3: do not drop the session on RST; keep it for the
	 * transitory timeout (4 min), so a stray or forged RST cannot kill
	 * a live mapping (RFC 6146 3.5.2.2 TRANS state).
	 */
	if (tcp_flags & SW_TCPF_RST)
		return SW_TCP_CLOSED;
	if (answers_syn(s, tcp_flags, outbound))
		return SW_TCP_ESTABLISHED;
	if (tcp_flags & SW_TCPF_SYN)
		return on_syn(s, outbound);
	/* RFC 6146 3.5.2.2: a non-RST packet in TRANS means it is alive */
	if (s == SW_TCP_CLOSED)
		return SW_TCP_ESTABLISHED;
	if (tcp_flags & SW_TCPF_FIN)
		return on_fin(s, outbound);
	return s;
}

/*
 * RFC 5382 5: established vs transitory (partially open, or closing).
 * Half-closed connections keep the established timeout, as in RFC 6146
 * 3.5.2.2 (V4/V6 FIN RCV use TCP_EST): a shutdown(SHUT_WR) client may
 * legitimately receive data for hours. RST (CLOSED) is transitory per
 * RFC 7857 2.3; NONE (a mapping a non-SYN created) is too.
 */
enum sw_timeout_class sw_tcp_timeout_class(enum sw_tcp_state s)
{
	switch (s) {
	case SW_TCP_ESTABLISHED:
	case SW_TCP_FIN_WAIT_OUT:
	case SW_TCP_FIN_WAIT_IN:
		return SW_TIMEOUT_ESTABLISHED;
	default:
		return SW_TIMEOUT_TRANSITORY;
	}
}

int sw_tcp_est_delta(enum sw_tcp_state old, enum sw_tcp_state new)
{
	return (sw_tcp_timeout_class(new) == SW_TIMEOUT_ESTABLISHED) -
	       (sw_tcp_timeout_class(old) == SW_TIMEOUT_ESTABLISHED);
}

static const char *const names[SW_TCP_NSTATES] = {
	[SW_TCP_NONE]		= "none",
	[SW_TCP_SYN_SENT]	= "syn-sent",
	[SW_TCP_SYN_RCVD]	= "syn-rcvd",
	[SW_TCP_ESTABLISHED]	= "established",
	[SW_TCP_FIN_WAIT_OUT]	= "fin-wait-out",
	[SW_TCP_FIN_WAIT_IN]	= "fin-wait-in",
	[SW_TCP_TIME_WAIT]	= "time-wait",
	[SW_TCP_CLOSED]		= "closed",
};

const char *sw_tcp_state_name(enum sw_tcp_state s)
{
	if ((unsigned int)s >= SW_TCP_NSTATES)
		return "?";
	return names[s];
}
