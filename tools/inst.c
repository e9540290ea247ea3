// SPDX-License-Identifier: GPL-2.0
/* swctl show / del / monitor: softwire instances as the kernel reports them. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "derived.h"
#include "json.h"
#include "nl.h"
#include "params.h"
#include "swctl.h"

struct inst {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	uint8_t mode;
	uint8_t event;		/* SOFTWIRE_A_EVENT of a notification, or 0 */
	uint8_t eup[16], eup_len, br[16];
	bool has_eup, has_br, has_mtu, has_bmr, has_ce, has_count;
	uint32_t flags, mtu, bmr, port_count;
	unsigned int nrules;
	struct sw_map_rule rules[SOFTWIRE_MAX_RULES];
	const void *ranges;	/* into the receive buffer, until finish() */
	size_t ranges_len;
	struct sw_derived d;
	struct sw_params params;	/* NAPT parameters, static forwards */
};

struct inst_list {
	struct inst **v;
	size_t n;
	bool oom;
};

void sw_usage_show(FILE *f)
{
	fprintf(f, "Usage: swctl [-j [-p]] show [NAME]\n"
		   "Shows every softwire instance of this network namespace, or NAME:\n"
		   "its configuration and the address, PSID and ports it derived.\n");
}

void sw_usage_del(FILE *f)
{
	fprintf(f, "Usage: swctl del NAME\n");
}

void sw_usage_monitor(FILE *f)
{
	fprintf(f, "Usage: swctl [-j] monitor\n"
		   "Prints softwire events until interrupted, each headed by its kind:\n"
		   "[created] or [deleted] and the instance (with -j, key \"event\").\n");
}

/* Names of enum softwire_event; a kind added later prints as "event-N". */
static const char *const event_names[] = {
	[SOFTWIRE_EVENT_INST_ADDED]	= "created",
	[SOFTWIRE_EVENT_INST_REMOVED]	= "deleted",
};

static const char *event_name(uint8_t event, char *buf, size_t len)
{
	if (event < SW_ARRAY_SIZE(event_names) &&
	    event_names[event])
		return event_names[event];
	snprintf(buf, len, "event-%u", event);
	return buf;
}

static int rule_attr_cb(const struct nlattr *a, void *data)
{
	struct sw_map_rule *r = data;
	const void *p = mnl_attr_get_payload(a);
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case SOFTWIRE_RULE_A_IPV6_PREFIX:
		if (len == 16)
			memcpy(r->ipv6_prefix, p, 16);
		break;
	case SOFTWIRE_RULE_A_IPV6_PREFIX_LEN:
		if (len >= 1)
			r->ipv6_prefix_len = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_RULE_A_IPV4_PREFIX:
		if (len == 4)
			r->ipv4_prefix = ntohl(mnl_attr_get_u32(a));
		break;
	case SOFTWIRE_RULE_A_IPV4_PREFIX_LEN:
		if (len >= 1)
			r->ipv4_prefix_len = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_RULE_A_EA_LEN:
		if (len >= 1)
			r->ea_len = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_RULE_A_PSID_OFFSET:
		if (len >= 1)
			r->psid_offset = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_RULE_A_PSID_LEN:
		if (len >= 1) {
			r->psid_len = mnl_attr_get_u8(a);
			r->flags |= SW_RULE_PSID_LEN_SET;
		}
		break;
	case SOFTWIRE_RULE_A_PSID:
		if (len >= 2) {
			r->psid = mnl_attr_get_u16(a);
			r->flags |= SW_RULE_PSID_SET;
		}
		break;
	case SOFTWIRE_RULE_A_FLAGS:
		if (len >= 4 && (mnl_attr_get_u32(a) & SOFTWIRE_RULE_F_FMR))
			r->flags |= SW_RULE_FMR;
		break;
	}
	return MNL_CB_OK;
}

static void parse_rules(const struct nlattr *nest, struct inst *in)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		struct sw_map_rule *r;

		if (mnl_attr_get_type(a) != SOFTWIRE_A_RULE ||
		    in->nrules >= SOFTWIRE_MAX_RULES)
			continue;
		r = &in->rules[in->nrules++];
		r->psid_offset = SW_PSID_OFFSET_DEFAULT;
		mnl_attr_parse_nested(a, rule_attr_cb, r);
	}
}

/* Scalar attributes: sized reads, silently ignoring malformed ones. */
static void parse_scalar(const struct nlattr *a, struct inst *in)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case SOFTWIRE_A_IFINDEX:
		if (len == 4)
			in->ifindex = mnl_attr_get_u32(a);
		break;
	case SOFTWIRE_A_MODE:
		if (len >= 1)
			in->mode = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_A_EVENT:
		if (len >= 1)
			in->event = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_A_END_USER_PREFIX_LEN:
		if (len >= 1)
			in->eup_len = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_A_FLAGS:
		if (len == 4)
			in->flags = mnl_attr_get_u32(a);
		break;
	case SOFTWIRE_A_MTU:
		in->has_mtu = len == 4;
		if (in->has_mtu)
			in->mtu = mnl_attr_get_u32(a);
		break;
	case SOFTWIRE_A_CE_IPV4_PREFIX_LEN:
		if (len >= 1)
			in->d.ipv4_plen = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_A_PSID:
		if (len >= 2)
			in->d.ps.psid = mnl_attr_get_u16(a);
		break;
	case SOFTWIRE_A_PSID_LEN:
		if (len >= 1)
			in->d.ps.psid_len = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_A_PSID_OFFSET:
		if (len >= 1)
			in->d.ps.psid_offset = mnl_attr_get_u8(a);
		break;
	case SOFTWIRE_A_PORT_COUNT:
		in->has_count = len == 4;
		if (in->has_count)
			in->port_count = mnl_attr_get_u32(a);
		break;
	case SOFTWIRE_A_BMR_INDEX:
		in->has_bmr = len == 4;
		if (in->has_bmr)
			in->bmr = mnl_attr_get_u32(a);
		break;
	}
}

static int inst_attr_cb(const struct nlattr *a, void *data)
{
	struct inst *in = data;
	const void *p = mnl_attr_get_payload(a);
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case SOFTWIRE_A_IFNAME:
		snprintf(in->name, sizeof(in->name), "%.*s", (int)len,
			 (const char *)p);
		break;
	case SOFTWIRE_A_END_USER_PREFIX:
		in->has_eup = len == 16;
		if (in->has_eup)
			memcpy(in->eup, p, 16);
		break;
	case SOFTWIRE_A_BR_ADDR:
		in->has_br = len == 16;
		if (in->has_br)
			memcpy(in->br, p, 16);
		break;
	case SOFTWIRE_A_RULES:
		parse_rules(a, in);
		break;
	case SOFTWIRE_A_CE_IPV4:
		in->has_ce = len == 4;
		if (in->has_ce)
			in->d.ipv4 = ntohl(mnl_attr_get_u32(a));
		break;
	case SOFTWIRE_A_CE_IPV6:
		if (len == 16)
			memcpy(in->d.ipv6, p, 16);
		break;
	case SOFTWIRE_A_PORT_RANGES:
		in->ranges = p;
		in->ranges_len = len;
		break;
	default:
		if (!sw_params_attr(a, &in->params))
			parse_scalar(a, in);
	}
	return MNL_CB_OK;
}

/* Port ranges: the kernel's when sent, else the same kmod/core arithmetic. */
static int finish(struct inst *in)
{
	struct sw_derived *d = &in->d;
	int rc = 0;

	if (!in->has_ce)
		return 0;
	if (in->ranges)
		rc = sw_derived_ranges_copy(d, in->ranges, in->ranges_len);
	else if (d->ps.psid_offset + d->ps.psid_len <= 16)
		rc = sw_derived_ranges_from_ps(d);
	in->ranges = NULL;
	if (in->has_count) {
		d->ports = in->port_count;
	} else if (in->ranges_len) {
		d->ports = 0;
		for (uint32_t i = 0; i < d->nranges; i++)
			d->ports += d->ranges[i].last - d->ranges[i].first + 1u;
	}
	return rc;
}

static struct inst *inst_parse(const struct nlmsghdr *nlh)
{
	struct inst *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->d.ipv4_plen = 32;
	mnl_attr_parse(nlh, GENL_HDRLEN, inst_attr_cb, in);
	if (finish(in)) {
		sw_derived_free(&in->d);
		free(in);
		return NULL;
	}
	return in;
}

static void inst_free(struct inst *in)
{
	if (in)
		sw_derived_free(&in->d);
	free(in);
}

static void rule_json(const struct inst *in, unsigned int i)
{
	const struct sw_map_rule *r = &in->rules[i];
	char v6[SW_IPV6_STRLEN + 4], v4[SW_IPV4_STRLEN + 4];
	char a6[SW_IPV6_STRLEN], a4[SW_IPV4_STRLEN];

	sw_format_ipv6(r->ipv6_prefix, a6);
	snprintf(v6, sizeof(v6), "%s/%u", a6, r->ipv6_prefix_len);
	sw_format_ipv4(r->ipv4_prefix, a4);
	snprintf(v4, sizeof(v4), "%s/%u", a4, r->ipv4_prefix_len);
	sw_json_obj_start(NULL);
	sw_json_str("ipv6_prefix", v6);
	sw_json_str("ipv4_prefix", v4);
	sw_json_uint("ea_len", r->ea_len);
	sw_json_uint("psid_offset", r->psid_offset);
	if (r->flags & SW_RULE_PSID_LEN_SET)
		sw_json_uint("psid_len", r->psid_len);
	if (r->flags & SW_RULE_PSID_SET)
		sw_json_uint("psid", r->psid);
	sw_json_bool("fmr", r->flags & SW_RULE_FMR);
	sw_json_bool("bmr", in->has_bmr && in->bmr == i);
	sw_json_obj_end();
}

static const char *mode_name(uint8_t mode)
{
	return mode == SOFTWIRE_MODE_MAPE_CE ? "map-e" : "unknown";
}

static void inst_json(const struct inst *in, const char *event)
{
	char a[SW_IPV6_STRLEN], p[SW_IPV6_STRLEN + 4];

	sw_json_obj_start(NULL);
	if (event)
		sw_json_str("event", event);
	sw_json_str("name", in->name);
	sw_json_uint("ifindex", in->ifindex);
	if (in->mode)
		sw_json_str("mode", mode_name(in->mode));
	if (in->has_eup) {
		sw_format_ipv6(in->eup, a);
		snprintf(p, sizeof(p), "%s/%u", a, in->eup_len);
		sw_json_str("end_user_prefix", p);
	}
	if (in->has_br) {
		sw_format_ipv6(in->br, a);
		sw_json_str("br", a);
	}
	if (in->has_mtu)
		sw_json_uint("mtu", in->mtu);
	sw_json_bool("legacy_iid", in->flags & SOFTWIRE_F_LEGACY_IID);
	sw_json_arr_start("rules", false);
	for (unsigned int i = 0; i < in->nrules; i++)
		rule_json(in, i);
	sw_json_arr_end();
	if (in->has_ce)
		sw_derived_json(&in->d);
	sw_params_json(&in->params);
	sw_json_obj_end();
}

static void rule_print(const struct inst *in, unsigned int i)
{
	const struct sw_map_rule *r = &in->rules[i];
	bool bmr = in->has_bmr && in->bmr == i;
	char v6[SW_IPV6_STRLEN], v4[SW_IPV4_STRLEN];

	sw_format_ipv6(r->ipv6_prefix, v6);
	sw_format_ipv4(r->ipv4_prefix, v4);
	printf("    rule %u %-7s ipv6-prefix %s/%u ipv4-prefix %s/%u ea-len %u psid-offset %u",
	       i, bmr && (r->flags & SW_RULE_FMR) ? "BMR,FMR" :
	       bmr ? "BMR" : (r->flags & SW_RULE_FMR) ? "FMR" : "-",
	       v6, r->ipv6_prefix_len, v4, r->ipv4_prefix_len, r->ea_len,
	       r->psid_offset);
	if (r->flags & SW_RULE_PSID_LEN_SET)
		printf(" psid-len %u", r->psid_len);
	if (r->flags & SW_RULE_PSID_SET)
		printf(" psid 0x%x", r->psid);
	printf("\n");
}

static void inst_print(const struct inst *in, const char *event)
{
	char a[SW_IPV6_STRLEN];

	if (event)
		printf("[%s] ", event);
	printf("%s: ifindex %u", in->name, in->ifindex);
	if (in->mode)
		printf(" mode %s", mode_name(in->mode));
	if (in->has_mtu)
		printf(" mtu %u", in->mtu);
	if (in->flags & SOFTWIRE_F_LEGACY_IID)
		printf(" legacy-iid");
	printf("\n");
	if (in->has_eup) {
		sw_format_ipv6(in->eup, a);
		printf("    end-user-prefix %s/%u\n", a, in->eup_len);
	}
	if (in->has_br) {
		sw_format_ipv6(in->br, a);
		printf("    br %s\n", a);
	}
	for (unsigned int i = 0; i < in->nrules; i++)
		rule_print(in, i);
	if (in->has_ce)
		sw_derived_print(&in->d, "    ");
	sw_params_print(&in->params, "    ");
}

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct inst_list *l = data;
	struct inst **v;
	struct inst *in;

	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	in = v ? inst_parse(nlh) : NULL;
	if (v)
		l->v = v;
	if (!in) {
		l->oom = true;
		return MNL_CB_OK;	/* drain the dump; report afterwards */
	}
	l->v[l->n++] = in;
	return MNL_CB_OK;
}

static void list_print(const struct inst_list *l)
{
	if (sw_opts.json) {
		sw_json_begin(stdout, sw_opts.pretty);
		sw_json_arr_start(NULL, false);
		for (size_t i = 0; i < l->n; i++)
			inst_json(l->v[i], NULL);
		sw_json_arr_end();
		sw_json_end();
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			printf("\n");
		inst_print(l->v[i], NULL);
	}
}

int sw_cmd_show(struct sw_args *a, const char *ctx)
{
	static char buf[SW_NL_REQ_SIZE];
	const char *name = sw_args_next(a);
	struct inst_list l = { 0 };
	struct nlmsghdr *nlh;
	struct sw_nl nl;
	int rc;

	if (sw_is_help(name) || sw_args_want_help(a)) {
		sw_usage_show(stdout);
		return SW_EXIT_OK;
	}
	if (sw_args_peek(a)) {
		sw_err("%s: unexpected \"%s\"", ctx, sw_args_peek(a));
		return SW_EXIT_USAGE;
	}
	if (name && sw_parse_ifname(name))
		return SW_EXIT_USAGE;
	rc = sw_nl_open(&nl);
	if (rc)
		return rc;
	nlh = sw_nl_req(&nl, buf, SOFTWIRE_CMD_INST_GET,
			name ? NLM_F_ACK : NLM_F_DUMP);
	if (name)
		mnl_attr_put_strz(nlh, SOFTWIRE_A_IFNAME, name);
	rc = sw_nl_talk(&nl, nlh, collect_cb, &l);
	sw_nl_close(&nl);
	if (!rc && l.oom) {
		sw_err("out of memory");
		rc = SW_EXIT_FAIL;
	}
	if (!rc && !sw_opts.dump_request)
		list_print(&l);
	for (size_t i = 0; i < l.n; i++)
		inst_free(l.v[i]);
	free(l.v);
	return rc;
}

int sw_cmd_del(struct sw_args *a, const char *ctx)
{
	static char buf[SW_NL_REQ_SIZE];
	const char *name = sw_args_next(a);
	struct nlmsghdr *nlh;
	struct sw_nl nl;
	int rc;

	if (sw_is_help(name) || sw_args_want_help(a)) {
		sw_usage_del(stdout);
		return SW_EXIT_OK;
	}
	if (!name) {
		sw_err("%s: missing NAME", ctx);
		return SW_EXIT_USAGE;
	}
	if (sw_args_peek(a)) {
		sw_err("%s: unexpected \"%s\"", ctx, sw_args_peek(a));
		return SW_EXIT_USAGE;
	}
	if (sw_parse_ifname(name))
		return SW_EXIT_USAGE;
	rc = sw_nl_open(&nl);
	if (rc)
		return rc;
	nlh = sw_nl_req(&nl, buf, SOFTWIRE_CMD_INST_DEL, NLM_F_ACK);
	mnl_attr_put_strz(nlh, SOFTWIRE_A_IFNAME, name);
	rc = sw_nl_talk(&nl, nlh, NULL, NULL);
	sw_nl_close(&nl);
	return rc;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	uint16_t family = *(const uint16_t *)data;
	const char *event;
	struct inst *in;
	char buf[16];

	if (nlh->nlmsg_type != family ||
	    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
	    g->cmd != SOFTWIRE_CMD_INST_NOTIFY)
		return MNL_CB_OK;
	in = inst_parse(nlh);
	if (!in)
		return MNL_CB_OK;
	event = event_name(in->event, buf, sizeof(buf));
	if (sw_opts.json) {
		/* One JSON document per line (NDJSON), streamable. */
		sw_json_begin(stdout, false);
		inst_json(in, event);
		sw_json_end();
	} else {
		inst_print(in, event);
	}
	inst_free(in);
	return MNL_CB_OK;
}

int sw_cmd_monitor(struct sw_args *a)
{
	struct sw_nl nl;
	int rc;

	if (sw_args_want_help(a)) {
		sw_usage_monitor(stdout);
		return SW_EXIT_OK;
	}
	if (sw_args_peek(a)) {
		sw_err("monitor: unexpected \"%s\"", sw_args_peek(a));
		return SW_EXIT_USAGE;
	}
	if (sw_opts.dump_request)
		return SW_EXIT_OK;
	rc = sw_nl_open(&nl);
	if (rc)
		return rc;
	rc = sw_nl_listen(&nl, event_cb, &nl.family);
	sw_nl_close(&nl);
	return rc;
}
