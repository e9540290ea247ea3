// SPDX-License-Identifier: GPL-2.0
/*
 * swctl: the NAPT parameters and static forwards of an instance. swctl
 * only parses them; the kernel checks ranges (RFC minimums, the port
 * count) and explains any refusal.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "addr.h"
#include "json.h"
#include "params.h"

enum kind { K_U8, K_U16, K_U32 };

static const struct pdesc {
	const char *kw;		/* swctl keyword, as in show */
	int attr;		/* SOFTWIRE_A_* */
	enum kind kind;
	bool hex;		/* 0x accepted and shown */
} pdesc[SW_P__MAX] = {
	[SW_P_FILTER]		 = { "filter", SOFTWIRE_A_FILTER, K_U8, false },
	[SW_P_TIMEOUT_UDP]	 = { "timeout-udp", SOFTWIRE_A_TIMEOUT_UDP, K_U32, false },
	[SW_P_TIMEOUT_TCP_EST]	 = { "timeout-tcp-est", SOFTWIRE_A_TIMEOUT_TCP_EST, K_U32, false },
	[SW_P_TIMEOUT_TCP_TRANS] = { "timeout-tcp-trans", SOFTWIRE_A_TIMEOUT_TCP_TRANS, K_U32, false },
	[SW_P_TIMEOUT_ICMP]	 = { "timeout-icmp", SOFTWIRE_A_TIMEOUT_ICMP, K_U32, false },
	[SW_P_MAX_MAPPINGS]	 = { "max-mappings", SOFTWIRE_A_MAX_MAPPINGS, K_U32, false },
	[SW_P_MAX_PER_HOST]	 = { "max-per-host", SOFTWIRE_A_MAX_PER_HOST, K_U32, false },
	[SW_P_MSS_CLAMP]	 = { "mss-clamp", SOFTWIRE_A_MSS_CLAMP, K_U16, false },
	[SW_P_MARK]		 = { "mark", SOFTWIRE_A_MARK, K_U32, true },
	[SW_P_FASTPATH]		 = { "fastpath", SOFTWIRE_A_FASTPATH, K_U8, false },
};

static const char *const filter_names[] = {
	[SOFTWIRE_FILTER_EIF] = "eif",
	[SOFTWIRE_FILTER_ADF] = "adf",
	[SOFTWIRE_FILTER_APDF] = "apdf",
};

static int parse_filter(const char *s, uint32_t *out)
{
	for (uint32_t i = 0; i <= SOFTWIRE_FILTER_MAX; i++) {
		if (strcmp(s, filter_names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static unsigned long kind_max(enum kind k)
{
	return k == K_U8 ? UINT8_MAX : k == K_U16 ? UINT16_MAX : UINT32_MAX;
}

int sw_params_kw(struct sw_args *a, const char *ctx, const char *kw,
		 struct sw_params *p)
{
	const struct pdesc *d = NULL;
	unsigned long v;
	const char *val;
	int i;

	for (i = 0; i < SW_P__MAX; i++) {
		if (strcmp(kw, pdesc[i].kw) == 0) {
			d = &pdesc[i];
			break;
		}
	}
	if (!d)
		return -1;
	if (p->has[i]) {
		sw_err("%s: %s given twice", ctx, kw);
		return SW_EXIT_USAGE;
	}
	val = sw_args_value(a, ctx, kw);
	if (!val)
		return SW_EXIT_USAGE;
	if (i == SW_P_FILTER) {
		if (parse_filter(val, &p->val[i]))
			return sw_bad_value(kw, val);
	} else if (i == SW_P_FASTPATH) {
		if (strcmp(val, "on") && strcmp(val, "off"))
			return sw_bad_value(kw, val);
		p->val[i] = strcmp(val, "on") == 0;
	} else {
		if (sw_parse_uint(val, kind_max(d->kind), d->hex, &v))
			return sw_bad_value(kw, val);
		p->val[i] = v;
	}
	p->has[i] = true;
	return 0;
}

bool sw_params_any(const struct sw_params *p)
{
	for (int i = 0; i < SW_P__MAX; i++)
		if (p->has[i])
			return true;
	return false;
}

void sw_params_put(struct nlmsghdr *nlh, const struct sw_params *p)
{
	for (int i = 0; i < SW_P__MAX; i++) {
		if (!p->has[i])
			continue;
		switch (pdesc[i].kind) {
		case K_U8:
			mnl_attr_put_u8(nlh, pdesc[i].attr, p->val[i]);
			break;
		case K_U16:
			mnl_attr_put_u16(nlh, pdesc[i].attr, p->val[i]);
			break;
		case K_U32:
			mnl_attr_put_u32(nlh, pdesc[i].attr, p->val[i]);
			break;
		}
	}
}

/* --- INST_GET ---------------------------------------------------------- */

static int fwd_attr_cb(const struct nlattr *a, void *data)
{
	struct sw_fwd_entry *f = data;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case SOFTWIRE_FWD_A_PROTO:
		if (len >= 1)
			f->proto = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_FWD_A_PORT:
		if (len >= 2)
			f->port = mnl_attr_get_u16(a);
		break;
	case SOFTWIRE_FWD_A_TO_ADDR:
		if (len == 4)
			f->to_addr = ntohl(mnl_attr_get_u32(a));
		break;
	case SOFTWIRE_FWD_A_TO_PORT:
		if (len >= 2)
			f->to_port = mnl_attr_get_u16(a);
		break;
	}
	return MNL_CB_OK;
}

static void parse_fwds(const struct nlattr *nest, struct sw_params *p)
{
	const struct nlattr *a;

	p->has_fwds = true;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != SOFTWIRE_A_FORWARD ||
		    p->nfwd >= SOFTWIRE_MAX_FORWARDS)
			continue;
		mnl_attr_parse_nested(a, fwd_attr_cb, &p->fwd[p->nfwd++]);
	}
}

bool sw_params_attr(const struct nlattr *a, struct sw_params *p)
{
	uint16_t type = mnl_attr_get_type(a), len = mnl_attr_get_payload_len(a);
	static const uint16_t need[] = { [K_U8] = 1, [K_U16] = 2, [K_U32] = 4 };

	if (type == SOFTWIRE_A_FORWARDS) {
		parse_fwds(a, p);
		return true;
	}
	for (int i = 0; i < SW_P__MAX; i++) {
		if (pdesc[i].attr != type)
			continue;
		if (len < need[pdesc[i].kind])
			return true;
		p->has[i] = true;
		p->val[i] = pdesc[i].kind == K_U8 ? mnl_attr_get_u8(a) :
			    pdesc[i].kind == K_U16 ? mnl_attr_get_u16(a) :
			    mnl_attr_get_u32(a);
		return true;
	}
	return false;
}

const char *sw_proto_name(uint8_t ipproto)
{
	switch (ipproto) {
	case IPPROTO_TCP:	return "tcp";
	case IPPROTO_UDP:	return "udp";
	case IPPROTO_ICMP:	return "icmp";
	default:		return "?";
	}
}

void sw_format_addrport(uint32_t addr, uint16_t port, char *buf)
{
	char a[SW_IPV4_STRLEN];

	sw_format_ipv4(addr, a);
	snprintf(buf, SW_ADDRPORT_STRLEN, "%s:%u", a, port);
}

static const char *filter_name(uint32_t f)
{
	return f <= SOFTWIRE_FILTER_MAX ? filter_names[f] : "?";
}

static void timeouts_json(const struct sw_params *p)
{
	static const struct { const char *key; enum sw_param i; } t[] = {
		{ "udp", SW_P_TIMEOUT_UDP }, { "tcp_est", SW_P_TIMEOUT_TCP_EST },
		{ "tcp_trans", SW_P_TIMEOUT_TCP_TRANS },
		{ "icmp", SW_P_TIMEOUT_ICMP },
	};

	sw_json_obj_start("timeouts");
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		if (p->has[t[k].i])
			sw_json_uint(t[k].key, p->val[t[k].i]);
	sw_json_obj_end();
}

/* Members of a show object; absent when the module predates them. */
void sw_params_json(const struct sw_params *p)
{
	char to[SW_ADDRPORT_STRLEN];

	if (p->has[SW_P_FILTER])
		sw_json_str("filter", filter_name(p->val[SW_P_FILTER]));
	if (p->has[SW_P_TIMEOUT_UDP])
		timeouts_json(p);
	if (p->has[SW_P_MAX_MAPPINGS])
		sw_json_uint("max_mappings", p->val[SW_P_MAX_MAPPINGS]);
	if (p->has[SW_P_MAX_PER_HOST])
		sw_json_uint("max_per_host", p->val[SW_P_MAX_PER_HOST]);
	if (p->has[SW_P_MARK])
		sw_json_uint("mark", p->val[SW_P_MARK]);
	if (p->has[SW_P_MSS_CLAMP])
		sw_json_uint("mss_clamp", p->val[SW_P_MSS_CLAMP]);
	if (p->has[SW_P_FASTPATH])
		sw_json_bool("fastpath", p->val[SW_P_FASTPATH]);
	if (!p->has_fwds)
		return;
	sw_json_arr_start("forwards", false);
	for (unsigned int i = 0; i < p->nfwd; i++) {
		const struct sw_fwd_entry *f = &p->fwd[i];

		sw_format_addrport(f->to_addr, f->to_port, to);
		sw_json_obj_start(NULL);
		sw_json_str("proto", sw_proto_name(f->proto));
		sw_json_uint("port", f->port);
		sw_json_str("to", to);
		sw_json_obj_end();
	}
	sw_json_arr_end();
}

/* Keyword-value lines, in the words "map-e set" takes. */
void sw_params_print(const struct sw_params *p, const char *indent)
{
	char to[SW_ADDRPORT_STRLEN];
	bool line = false;

	for (int i = 0; i < SW_P__MAX; i++) {
		if (!p->has[i])
			continue;
		if (i == SW_P_FILTER || i == SW_P_MAX_MAPPINGS || !line)
			printf("%s%s", line ? "\n" : "", indent);
		else
			printf(" ");
		line = true;
		if (i == SW_P_FILTER)
			printf("filter %s", filter_name(p->val[i]));
		else if (i == SW_P_FASTPATH)
			printf("fastpath %s", p->val[i] ? "on" : "off");
		else if (pdesc[i].hex)
			printf("%s 0x%x", pdesc[i].kw, p->val[i]);
		else
			printf("%s %u", pdesc[i].kw, p->val[i]);
	}
	if (line)
		printf("\n");
	for (unsigned int i = 0; i < p->nfwd; i++) {
		const struct sw_fwd_entry *f = &p->fwd[i];

		sw_format_addrport(f->to_addr, f->to_port, to);
		printf("%sforward %s port %u to %s\n", indent,
		       sw_proto_name(f->proto), f->port, to);
	}
}
