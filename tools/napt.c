// SPDX-License-Identifier: GPL-2.0
/*
 * swctl: the NAPT of an instance at run time.
 *
 *   map-e set NAME PARAMS            change parameters (INST_SET)
 *   map-e forward add|del NAME ...   static forwards (FWD_ADD / FWD_DEL)
 *   map-e mappings NAME              the mapping table (MAP_GET dump)
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "json.h"
#include "nl.h"
#include "params.h"
#include "swctl.h"

/* Name check and the netlink socket: an exit code. */
static int open_for(const char *name, struct sw_nl *nl)
{
	if (sw_parse_ifname(name))
		return SW_EXIT_USAGE;
	return sw_nl_open(nl);
}

/* Send one request naming instance @name, run @cb on the replies. */
static int talk_named(const char *name, uint8_t cmd, uint16_t flags,
		      const struct sw_params *p, mnl_cb_t cb, void *data,
		      void (*put)(struct nlmsghdr *nlh, const void *arg),
		      const void *arg)
{
	static char buf[SW_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct sw_nl nl;
	int rc = open_for(name, &nl);

	if (rc)
		return rc;
	nlh = sw_nl_req(&nl, buf, cmd, flags);
	mnl_attr_put_strz(nlh, SOFTWIRE_A_IFNAME, name);
	if (p)
		sw_params_put(nlh, p);
	if (put)
		put(nlh, arg);
	rc = sw_nl_talk(&nl, nlh, cb, data);
	sw_nl_close(&nl);
	return rc;
}

/* --- map-e set ---------------------------------------------------------- */

int sw_mape_set(struct sw_args *a)
{
	static struct sw_params p;
	const char *ctx = "map-e set";
	const char *name, *kw;
	int rc;

	if (sw_args_want_help(a)) {
		sw_usage_mape(stdout);
		return SW_EXIT_OK;
	}
	name = sw_args_next(a);
	if (!name) {
		sw_err("%s: missing NAME", ctx);
		return SW_EXIT_USAGE;
	}
	while ((kw = sw_args_next(a))) {
		rc = sw_params_kw(a, ctx, kw, &p);
		if (rc < 0) {
			sw_err("%s: unknown keyword \"%s\"; try \"swctl map-e help\"",
			       ctx, kw);
			return SW_EXIT_USAGE;
		}
		if (rc)
			return rc;
	}
	if (!sw_params_any(&p)) {
		sw_err("%s: nothing to change", ctx);
		return SW_EXIT_USAGE;
	}
	return talk_named(name, SOFTWIRE_CMD_INST_SET, NLM_F_ACK, &p, NULL,
			  NULL, NULL, NULL);
}

/* --- map-e forward ------------------------------------------------------ */

struct fwd_req {
	bool add;
	bool has_proto, has_port, has_to, has_to_port;
	uint8_t proto;
	uint16_t port, to_port;
	uint32_t to_addr;	/* host order */
};

/* "a.b.c.d" or "a.b.c.d:port". */
static int parse_to(const char *s, struct fwd_req *r)
{
	char addr[SW_IPV4_STRLEN];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	unsigned long v;

	if (n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (sw_parse_ipv4(addr, &r->to_addr))
		return -1;
	if (!colon)
		return 0;
	if (sw_parse_uint(colon + 1, UINT16_MAX, false, &v) || !v)
		return -1;
	r->to_port = v;
	r->has_to_port = true;
	return 0;
}

static int fwd_kw(struct sw_args *a, const char *ctx, const char *kw,
		  struct fwd_req *r)
{
	bool *seen = strcmp(kw, "proto") == 0 ? &r->has_proto :
		     strcmp(kw, "port") == 0 ? &r->has_port :
		     strcmp(kw, "to") == 0 && r->add ? &r->has_to : NULL;
	unsigned long v;
	const char *val;

	if (!seen) {
		sw_err("%s: unknown keyword \"%s\"; try \"swctl map-e help\"",
		       ctx, kw);
		return SW_EXIT_USAGE;
	}
	if (*seen) {
		sw_err("%s: %s given twice", ctx, kw);
		return SW_EXIT_USAGE;
	}
	*seen = true;
	val = sw_args_value(a, ctx, kw);
	if (!val)
		return SW_EXIT_USAGE;
	if (seen == &r->has_proto) {
		if (strcmp(val, "tcp") && strcmp(val, "udp"))
			return sw_bad_value(kw, val);
		r->proto = strcmp(val, "tcp") == 0 ? IPPROTO_TCP : IPPROTO_UDP;
	} else if (seen == &r->has_port) {
		if (sw_parse_uint(val, UINT16_MAX, false, &v) || !v)
			return sw_bad_value(kw, val);
		r->port = v;
	} else if (parse_to(val, r)) {
		return sw_bad_value(kw, val);
	}
	return 0;
}

static void fwd_put(struct nlmsghdr *nlh, const void *arg)
{
	const struct fwd_req *r = arg;
	struct nlattr *nest = mnl_attr_nest_start(nlh, SOFTWIRE_A_FORWARD);

	mnl_attr_put_u8(nlh, SOFTWIRE_FWD_A_PROTO, r->proto);
	mnl_attr_put_u16(nlh, SOFTWIRE_FWD_A_PORT, r->port);
	if (r->has_to)
		mnl_attr_put_u32(nlh, SOFTWIRE_FWD_A_TO_ADDR, htonl(r->to_addr));
	if (r->has_to_port)
		mnl_attr_put_u16(nlh, SOFTWIRE_FWD_A_TO_PORT, r->to_port);
	mnl_attr_nest_end(nlh, nest);
}

static int fwd_missing(const char *ctx, const struct fwd_req *r)
{
	const char *kw = !r->has_proto ? "proto" : !r->has_port ? "port" :
			 r->add && !r->has_to ? "to" : NULL;

	if (!kw)
		return 0;
	sw_err("%s: missing %s", ctx, kw);
	return SW_EXIT_USAGE;
}

int sw_mape_forward(struct sw_args *a)
{
	const char *op = sw_args_next(a), *name, *kw;
	struct fwd_req r = { 0 };
	char ctx[32];
	int rc;

	if (!op || sw_is_help(op) || sw_args_want_help(a)) {
		sw_usage_mape(op ? stdout : stderr);
		return op ? SW_EXIT_OK : SW_EXIT_USAGE;
	}
	if (strcmp(op, "add") && strcmp(op, "del")) {
		sw_err("map-e forward: unknown command \"%s\" (add or del)", op);
		return SW_EXIT_USAGE;
	}
	r.add = strcmp(op, "add") == 0;
	snprintf(ctx, sizeof(ctx), "map-e forward %s", op);
	name = sw_args_next(a);
	if (!name) {
		sw_err("%s: missing NAME", ctx);
		return SW_EXIT_USAGE;
	}
	while ((kw = sw_args_next(a))) {
		rc = fwd_kw(a, ctx, kw, &r);
		if (rc)
			return rc;
	}
	rc = fwd_missing(ctx, &r);
	if (rc)
		return rc;
	return talk_named(name, r.add ? SOFTWIRE_CMD_FWD_ADD :
			  SOFTWIRE_CMD_FWD_DEL, NLM_F_ACK, NULL, NULL, NULL,
			  fwd_put, &r);
}

/* --- map-e mappings ----------------------------------------------------- */

struct mapping {
	uint8_t proto;
	uint32_t int_addr, ext_addr, remote_addr;	/* host order */
	uint16_t int_port, ext_port, remote_port;
	bool has_remote;
	uint32_t age, flags;
	char state[24];
};

struct map_list {
	struct mapping *v;
	size_t n, cap;
	bool oom;
};

static uint32_t get_addr(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) == 4 ? ntohl(mnl_attr_get_u32(a)) : 0;
}

static uint16_t get_u16(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 2 ? mnl_attr_get_u16(a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : 0;
}

static int map_attr_cb(const struct nlattr *a, void *data)
{
	struct mapping *m = data;

	switch (mnl_attr_get_type(a)) {
	case SOFTWIRE_MAP_A_PROTO:
		if (mnl_attr_get_payload_len(a) >= 1)
			m->proto = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_MAP_A_INT_ADDR:	m->int_addr = get_addr(a); break;
	case SOFTWIRE_MAP_A_INT_PORT:	m->int_port = get_u16(a); break;
	case SOFTWIRE_MAP_A_EXT_ADDR:	m->ext_addr = get_addr(a); break;
	case SOFTWIRE_MAP_A_EXT_PORT:	m->ext_port = get_u16(a); break;
	case SOFTWIRE_MAP_A_REMOTE_ADDR:
		m->remote_addr = get_addr(a);
		m->has_remote = true;
		break;
	case SOFTWIRE_MAP_A_REMOTE_PORT: m->remote_port = get_u16(a); break;
	case SOFTWIRE_MAP_A_AGE:	m->age = get_u32(a); break;
	case SOFTWIRE_MAP_A_FLAGS:	m->flags = get_u32(a); break;
	case SOFTWIRE_MAP_A_STATE:
		snprintf(m->state, sizeof(m->state), "%.*s",
			 (int)strnlen(mnl_attr_get_payload(a),
				      mnl_attr_get_payload_len(a)),
			 (const char *)mnl_attr_get_payload(a));
		break;
	}
	return MNL_CB_OK;
}

static int map_top_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == SOFTWIRE_A_MAPPING)
		mnl_attr_parse_nested(a, map_attr_cb, data);
	return MNL_CB_OK;
}

static int map_collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct map_list *l = data;
	struct mapping *m;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct mapping *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return MNL_CB_OK;	/* drain the dump; report afterwards */
		}
		l->v = v;
		l->cap = cap;
	}
	m = &l->v[l->n++];
	memset(m, 0, sizeof(*m));
	mnl_attr_parse(nlh, GENL_HDRLEN, map_top_cb, m);
	return MNL_CB_OK;
}

static void map_json(const struct mapping *m)
{
	char b[SW_ADDRPORT_STRLEN];

	sw_json_obj_start(NULL);
	sw_json_str("proto", sw_proto_name(m->proto));
	sw_format_addrport(m->int_addr, m->int_port, b);
	sw_json_str("internal", b);
	sw_format_addrport(m->ext_addr, m->ext_port, b);
	sw_json_str("external", b);
	if (m->has_remote) {
		sw_format_addrport(m->remote_addr, m->remote_port, b);
		sw_json_str("last_remote", b);
	} else {
		sw_json_null("last_remote");
	}
	sw_json_uint("age", m->age);
	sw_json_str("state", m->state[0] ? m->state : "-");
	sw_json_bool("static", m->flags & SOFTWIRE_MAP_F_STATIC);
	sw_json_obj_end();
}

#define MAP_ROW "%-5s %-21s %-21s %-21s %7s %-12s %s\n"

static void map_print(const struct mapping *m)
{
	char in[SW_ADDRPORT_STRLEN], ex[SW_ADDRPORT_STRLEN];
	char re[SW_ADDRPORT_STRLEN] = "-", age[16];

	sw_format_addrport(m->int_addr, m->int_port, in);
	sw_format_addrport(m->ext_addr, m->ext_port, ex);
	if (m->has_remote)
		sw_format_addrport(m->remote_addr, m->remote_port, re);
	snprintf(age, sizeof(age), "%u", m->age);
	printf(MAP_ROW, sw_proto_name(m->proto), in, ex, re, age,
	       m->state[0] ? m->state : "-",
	       m->flags & SOFTWIRE_MAP_F_STATIC ? "yes" : "no");
}

static void map_list_print(const struct map_list *l)
{
	if (sw_opts.json) {
		sw_json_begin(stdout, sw_opts.pretty);
		sw_json_arr_start(NULL, false);
		for (size_t i = 0; i < l->n; i++)
			map_json(&l->v[i]);
		sw_json_arr_end();
		sw_json_end();
		return;
	}
	printf(MAP_ROW, "PROTO", "INTERNAL", "EXTERNAL", "LAST-REMOTE", "AGE",
	       "STATE", "STATIC");
	for (size_t i = 0; i < l->n; i++)
		map_print(&l->v[i]);
}

int sw_mape_mappings(struct sw_args *a)
{
	const char *name = sw_args_next(a);
	struct map_list l = { 0 };
	int rc;

	if (sw_is_help(name) || sw_args_want_help(a)) {
		sw_usage_mape(stdout);
		return SW_EXIT_OK;
	}
	if (!name) {
		sw_err("map-e mappings: missing NAME");
		return SW_EXIT_USAGE;
	}
	if (sw_args_peek(a)) {
		sw_err("map-e mappings: unexpected \"%s\"", sw_args_peek(a));
		return SW_EXIT_USAGE;
	}
	rc = talk_named(name, SOFTWIRE_CMD_MAP_GET, NLM_F_DUMP, NULL,
			map_collect_cb, &l, NULL, NULL);
	if (!rc && l.oom) {
		sw_err("out of memory");
		rc = SW_EXIT_FAIL;
	}
	if (!rc && !sw_opts.dump_request)
		map_list_print(&l);
	free(l.v);
	return rc;
}
