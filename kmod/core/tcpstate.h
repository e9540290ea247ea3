/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP session tracking for the NAPT's mappings and the default mapping
 * timeouts. Pure C: compiled into softwire.ko and into the unit tests.
 */
#ifndef SW_CORE_TCPSTATE_H
#define SW_CORE_TCPSTATE_H

#include "sw_types.h"

/* TCP header flag bits (RFC 9293 3.1, byte 13). */
#define SW_TCPF_FIN	0x01
#define SW_TCPF_SYN	0x02
#define SW_TCPF_RST	0x04
#define SW_TCPF_PSH	0x08
#define SW_TCPF_ACK	0x10

/*
 * Default mapping timeouts, seconds (the module makes them configurable
 * per instance but never below the RFC minimums).
 */
/* RFC 4787 REQ-5: a UDP mapping MUST NOT expire in less than 2 min... */
#define SW_TIMEOUT_UDP_MIN		120
/* ...and a default of 5 min or more is RECOMMENDED. */
#define SW_TIMEOUT_UDP			300
/* RFC 5382 REQ-5: established connection idle-timeout >= 2 h 4 min. */
#define SW_TIMEOUT_TCP_EST		7440
/* RFC 5382 REQ-5: transitory connection idle-timeout >= 4 min. */
#define SW_TIMEOUT_TCP_TRANS		240
/* RFC 5508 REQ-2: an ICMP query mapping MUST NOT expire in < 60 s. */
#define SW_TIMEOUT_ICMP			60

/*
 * States of one TCP connection (a mapping and one remote endpoint), as
 * seen by the NAT (RFC 7857 2.1, modelled on RFC 6146 3.5.2.2). "OUT" is
 * inside -> outside.
 */
enum sw_tcp_state {
	SW_TCP_NONE = 0,	/* mapping exists, no SYN seen yet */
	SW_TCP_SYN_SENT,	/* SYN seen outbound only */
	SW_TCP_SYN_RCVD,	/* SYN seen inbound only */
	SW_TCP_ESTABLISHED,	/* SYN seen both ways */
	SW_TCP_FIN_WAIT_OUT,	/* FIN seen outbound only (half-closed) */
	SW_TCP_FIN_WAIT_IN,	/* FIN seen inbound only (half-closed) */
	SW_TCP_TIME_WAIT,	/* FIN seen both ways */
	SW_TCP_CLOSED,		/* RST seen; kept for the transitory timeout */
	SW_TCP_NSTATES
};

enum sw_timeout_class {
	SW_TIMEOUT_TRANSITORY = 0,	/* SW_TIMEOUT_TCP_TRANS */
	SW_TIMEOUT_ESTABLISHED,		/* SW_TIMEOUT_TCP_EST */
};

/*
 * Next state after a segment with tcp_flags (SW_TCPF_*) in direction
 * outbound (true: from the inside host). Total over all inputs: an
 * unknown state is treated as SW_TCP_NONE.
 */
enum sw_tcp_state sw_tcp_next(enum sw_tcp_state s, uint8_t tcp_flags,
			      bool outbound);

/* Idle-timeout class of a state (RFC 5382 5, RFC 7857 2.2-2.3). */
enum sw_timeout_class sw_tcp_timeout_class(enum sw_tcp_state s);

/*
 * Change in the number of established-class connections when one goes
 * from old to new: -1, 0 or +1. A mapping's timeout is established while
 * the sum over its connections is positive.
 */
int sw_tcp_est_delta(enum sw_tcp_state old, enum sw_tcp_state new);

/* Static name for logs and netlink dumps ("?" for out-of-range). */
const char *sw_tcp_state_name(enum sw_tcp_state s);

#endif /* SW_CORE_TCPSTATE_H */
