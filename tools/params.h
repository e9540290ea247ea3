/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NAPT parameters of an instance (filter, timeouts, limits, mark,
 * mss-clamp) and its static forwards: keywords of "map-e add" and
 * "map-e set", attributes of INST_NEW / INST_SET / INST_GET, and their
 * place in "show".
 */
#ifndef SWCTL_PARAMS_H
#define SWCTL_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/softwire.h>
#include "swctl.h"

enum sw_param {
	SW_P_FILTER,
	SW_P_TIMEOUT_UDP,
	SW_P_TIMEOUT_TCP_EST,
	SW_P_TIMEOUT_TCP_TRANS,
	SW_P_TIMEOUT_ICMP,
	SW_P_MAX_MAPPINGS,
	SW_P_MAX_PER_HOST,
	SW_P_MSS_CLAMP,
	SW_P_MARK,
	SW_P_FASTPATH,
	SW_P__MAX,
};

struct sw_fwd_entry {
	uint8_t proto;		/* IPPROTO_TCP / IPPROTO_UDP */
	uint16_t port;
	uint32_t to_addr;	/* host order */
	uint16_t to_port;
};

struct sw_params {
	bool has[SW_P__MAX];	/* given on the command line / by the kernel */
	uint32_t val[SW_P__MAX];
	bool has_fwds;
	unsigned int nfwd;
	struct sw_fwd_entry fwd[SOFTWIRE_MAX_FORWARDS];
};

/* Usage lines of the keywords, for "map-e help". */
#define SW_PARAMS_USAGE \
	"       PARAMS := [filter { eif | adf | apdf }] [timeout-udp S]\n" \
	"                 [timeout-tcp-est S] [timeout-tcp-trans S] [timeout-icmp S]\n" \
	"                 [max-mappings N] [max-per-host N] [mss-clamp N] [mark M]\n" \
	"                 [fastpath { on | off }]\n"

/*
 * If kw is a parameter keyword, consume its value into p. Returns -1 when
 * kw is not one, 0 on success, else an exit code (after a message).
 */
int sw_params_kw(struct sw_args *a, const char *ctx, const char *kw,
		 struct sw_params *p);
bool sw_params_any(const struct sw_params *p);
/* The parameters given, as attributes of an INST_NEW / INST_SET request. */
void sw_params_put(struct nlmsghdr *nlh, const struct sw_params *p);

/* INST_GET: true when a was one of ours (and decoded into p). */
bool sw_params_attr(const struct nlattr *a, struct sw_params *p);
void sw_params_json(const struct sw_params *p);
void sw_params_print(const struct sw_params *p, const char *indent);

/* "tcp" / "udp" / "icmp" of an IPPROTO_* number. */
const char *sw_proto_name(uint8_t ipproto);
/* "a.b.c.d:port" of a host-order address. buf: SW_ADDRPORT_STRLEN. */
#define SW_ADDRPORT_STRLEN	22
void sw_format_addrport(uint32_t addr, uint16_t port, char *buf);

#endif
