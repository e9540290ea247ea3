// SPDX-License-Identifier: GPL-2.0
/*
 * swctl map-e: "calc" runs the kmod/core RFC 7597 arithmetic offline;
 * "add" sends the same rules to the kernel, which alone validates them
 * (swctl only refuses what it cannot parse).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "derived.h"
#include "json.h"
#include "nl.h"
#include "params.h"
#include "swctl.h"

struct mape_cfg {
	const char *name;
	uint8_t eup[16];
	uint8_t eup_len;
	uint8_t br[16];
	bool has_eup, has_br, legacy_iid, has_mtu;
	uint32_t mtu;
	unsigned int nrules;
	struct sw_map_rule rules[SW_MAX_CLI_RULES];
	struct sw_params params;	/* NAPT, mark, mss-clamp (add only) */
};

void sw_usage_mape(FILE *f)
{
	fprintf(f,
		"Usage: swctl map-e calc end-user-prefix PREFIX RULE [legacy-iid]\n"
		"       swctl map-e add NAME end-user-prefix PREFIX br ADDR\n"
		"                   RULE [fmr] [RULE [fmr]]... [legacy-iid] [mtu MTU]\n"
		"                   [PARAMS]\n"
		"       swctl map-e set NAME PARAMS\n"
		"       swctl map-e forward add NAME proto { tcp | udp } port PORT\n"
		"                   to ADDR[:PORT]\n"
		"       swctl map-e forward del NAME proto { tcp | udp } port PORT\n"
		"       swctl map-e mappings NAME\n"
		"       swctl map-e show [NAME]\n"
		"       swctl map-e del NAME\n"
		"where  RULE := rule ipv6-prefix PREFIX ipv4-prefix PREFIX ea-len LEN\n"
		"               [psid-offset OFFSET] [psid-len LEN] [psid PSID]\n"
		SW_PARAMS_USAGE
		"       PSID and M are decimal or 0x-prefixed hex; OFFSET defaults to %d;\n"
		"       S are seconds; filter eif is full cone (RFC 4787).\n"
		"calc prints the IPv4 address, PSID, MAP IPv6 address and ports a CE\n"
		"with END-USER PREFIX gets from the rule (RFC 7597), without the kernel.\n"
		"The first rule containing the end-user prefix is the BMR; fmr also\n"
		"uses a rule to forward directly to other CEs.\n",
		SW_PSID_OFFSET_DEFAULT);
}

static int dup_kw(const char *ctx, const char *kw)
{
	sw_err("%s: %s given twice", ctx, kw);
	return SW_EXIT_USAGE;
}

static int missing(const char *cmd, const char *kw)
{
	sw_err("%s: missing %s", cmd, kw);
	return SW_EXIT_USAGE;
}

static int parse_u8(const char *val, uint8_t *out)
{
	unsigned long v;

	if (sw_parse_uint(val, UINT8_MAX, false, &v))
		return -1;
	*out = v;
	return 0;
}

static int set_v6(struct sw_map_rule *r, const char *val)
{
	return sw_parse_ipv6_prefix(val, r->ipv6_prefix, &r->ipv6_prefix_len);
}

static int set_v4(struct sw_map_rule *r, const char *val)
{
	return sw_parse_ipv4_prefix(val, &r->ipv4_prefix, &r->ipv4_prefix_len);
}

static int set_ea(struct sw_map_rule *r, const char *val)
{
	return parse_u8(val, &r->ea_len);
}

static int set_offset(struct sw_map_rule *r, const char *val)
{
	return parse_u8(val, &r->psid_offset);
}

static int set_psid_len(struct sw_map_rule *r, const char *val)
{
	return parse_u8(val, &r->psid_len);
}

static int set_psid(struct sw_map_rule *r, const char *val)
{
	unsigned long v;

	if (sw_parse_uint(val, UINT16_MAX, true, &v))
		return -1;
	r->psid = v;
	return 0;
}

/*
 * The keywords of a rule. A keyword's index is its bit in the "seen" mask
 * (to report the missing and refuse repeats); required ones are reported
 * missing in this order.
 */
static const struct rule_kwd {
	const char *kw;
	int (*set)(struct sw_map_rule *r, const char *val);	/* NULL: no value */
	uint32_t flag;		/* SW_RULE_* the keyword also sets */
	bool required;
} rule_kwds[] = {
	{ "ipv6-prefix", set_v6, 0, true },
	{ "ipv4-prefix", set_v4, 0, true },
	{ "ea-len", set_ea, 0, true },
	{ "psid-offset", set_offset, 0, false },
	{ "psid-len", set_psid_len, SW_RULE_PSID_LEN_SET, false },
	{ "psid", set_psid, SW_RULE_PSID_SET, false },
	{ "fmr", NULL, SW_RULE_FMR, false },	/* only where FMRs are allowed */
};
#define N_RULE_KWDS	(sizeof(rule_kwds) / sizeof(rule_kwds[0]))

static const struct rule_kwd *find_rule_kw(const char *kw, bool allow_fmr)
{
	for (size_t i = 0; i < N_RULE_KWDS; i++) {
		if (strcmp(kw, rule_kwds[i].kw) != 0)
			continue;
		if (rule_kwds[i].flag == SW_RULE_FMR && !allow_fmr)
			return NULL;
		return &rule_kwds[i];
	}
	return NULL;
}

static int rule_kw(struct sw_args *a, const char *ctx, const struct rule_kwd *d,
		   struct sw_map_rule *r, unsigned int *seen)
{
	unsigned int bit = 1u << (d - rule_kwds);
	const char *val = NULL;

	if (d->set) {
		val = sw_args_value(a, ctx, d->kw);
		if (!val)
			return SW_EXIT_USAGE;
	}
	if (*seen & bit)
		return dup_kw(ctx, d->kw);
	*seen |= bit;
	if (d->set && d->set(r, val))
		return sw_bad_value(d->kw, val);
	r->flags |= d->flag;
	return 0;
}

/* After "rule": consume rule keywords until something else. */
static int parse_rule(struct sw_args *a, const char *cmd, bool allow_fmr,
		      struct sw_map_rule *r)
{
	const struct rule_kwd *d;
	char ctx[64];
	unsigned int seen = 0;
	const char *kw;
	int rc;

	snprintf(ctx, sizeof(ctx), "%s: rule", cmd);
	memset(r, 0, sizeof(*r));
	r->psid_offset = SW_PSID_OFFSET_DEFAULT;
	while ((kw = sw_args_peek(a)) && (d = find_rule_kw(kw, allow_fmr))) {
		sw_args_next(a);
		rc = rule_kw(a, ctx, d, r, &seen);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < N_RULE_KWDS; i++)
		if (rule_kwds[i].required && !(seen & (1u << i)))
			return missing(ctx, rule_kwds[i].kw);
	return 0;
}

/* Keywords shared by calc and add. Returns -1 when kw is not one of them. */
static int common_kw(struct sw_args *a, const char *cmd, const char *kw,
		     struct mape_cfg *c, bool allow_fmr)
{
	const char *val;

	if (strcmp(kw, "rule") == 0) {
		if (c->nrules >= (allow_fmr ? SW_MAX_CLI_RULES : 1)) {
			sw_err("%s: too many rules", cmd);
			return SW_EXIT_USAGE;
		}
		return parse_rule(a, cmd, allow_fmr, &c->rules[c->nrules++]);
	}
	if (strcmp(kw, "legacy-iid") == 0) {
		if (c->legacy_iid)
			return dup_kw(cmd, kw);
		c->legacy_iid = true;
		return 0;
	}
	if (strcmp(kw, "end-user-prefix") != 0)
		return -1;
	if (c->has_eup)
		return dup_kw(cmd, kw);
	val = sw_args_value(a, cmd, kw);
	if (!val)
		return SW_EXIT_USAGE;
	if (sw_parse_ipv6_prefix(val, c->eup, &c->eup_len))
		return sw_bad_value(kw, val);
	c->has_eup = true;
	return 0;
}

static int unknown(const char *cmd, const char *kw)
{
	sw_err("%s: unknown keyword \"%s\"; try \"swctl map-e help\"", cmd, kw);
	return SW_EXIT_USAGE;
}

static int calc_output(const struct mape_cfg *c)
{
	const struct sw_map_rule *r = &c->rules[0];
	struct sw_derived d = { 0 };
	struct sw_map_ce ce;
	const char *why = "invalid rule";

	if (sw_rule_validate(r, &why)) {
		sw_err("rule: %s", why);
		return SW_EXIT_FAIL;
	}
	why = "end-user-prefix does not match the rule";
	if (sw_map_ce_derive(r, c->eup, c->eup_len,
			     c->legacy_iid ? SW_IID_LEGACY : SW_IID_RFC7597,
			     &ce, &why)) {
		sw_err("%s", why);
		return SW_EXIT_FAIL;
	}
	d.ipv4 = ce.ipv4;
	d.ipv4_plen = ce.ipv4_prefix_len;
	d.ps = ce.ps;
	memcpy(d.ipv6, ce.ipv6, sizeof(d.ipv6));
	if (sw_derived_ranges_from_ps(&d)) {
		sw_err("out of memory");
		return SW_EXIT_FAIL;
	}
	if (sw_opts.json) {
		sw_json_begin(stdout, sw_opts.pretty);
		sw_json_obj_start(NULL);
		sw_derived_json(&d);
		sw_json_obj_end();
		sw_json_end();
	} else {
		sw_derived_print(&d, "");
	}
	sw_derived_free(&d);
	return SW_EXIT_OK;
}

static int mape_calc(struct sw_args *a)
{
	static struct mape_cfg c;
	const char *kw;
	int rc;

	if (sw_args_want_help(a)) {
		sw_usage_mape(stdout);
		return SW_EXIT_OK;
	}
	while ((kw = sw_args_next(a))) {
		rc = common_kw(a, "map-e calc", kw, &c, false);
		if (rc < 0)
			return unknown("map-e calc", kw);
		if (rc)
			return rc;
	}
	if (!c.has_eup)
		return missing("map-e calc", "end-user-prefix");
	if (!c.nrules)
		return missing("map-e calc", "rule");
	return calc_output(&c);
}

static int add_kw(struct sw_args *a, const char *kw, struct mape_cfg *c)
{
	const char *cmd = "map-e add";
	unsigned long v;
	const char *val;
	int rc = common_kw(a, cmd, kw, c, true);

	if (rc >= 0)
		return rc;
	if (strcmp(kw, "br") == 0) {
		if (c->has_br)
			return dup_kw(cmd, kw);
		val = sw_args_value(a, cmd, kw);
		if (!val)
			return SW_EXIT_USAGE;
		if (sw_parse_ipv6(val, c->br))
			return sw_bad_value(kw, val);
		c->has_br = true;
	} else if (strcmp(kw, "mtu") == 0) {
		if (c->has_mtu)
			return dup_kw(cmd, kw);
		val = sw_args_value(a, cmd, kw);
		if (!val)
			return SW_EXIT_USAGE;
		if (sw_parse_uint(val, UINT32_MAX, false, &v))
			return sw_bad_value(kw, val);
		c->mtu = v;
		c->has_mtu = true;
	} else {
		rc = sw_params_kw(a, cmd, kw, &c->params);
		return rc < 0 ? unknown(cmd, kw) : rc;
	}
	return 0;
}

static void put_rule(struct nlmsghdr *nlh, const struct sw_map_rule *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, SOFTWIRE_A_RULE);

	mnl_attr_put(nlh, SOFTWIRE_RULE_A_IPV6_PREFIX, 16, r->ipv6_prefix);
	mnl_attr_put_u8(nlh, SOFTWIRE_RULE_A_IPV6_PREFIX_LEN, r->ipv6_prefix_len);
	mnl_attr_put_u32(nlh, SOFTWIRE_RULE_A_IPV4_PREFIX, htonl(r->ipv4_prefix));
	mnl_attr_put_u8(nlh, SOFTWIRE_RULE_A_IPV4_PREFIX_LEN, r->ipv4_prefix_len);
	mnl_attr_put_u8(nlh, SOFTWIRE_RULE_A_EA_LEN, r->ea_len);
	mnl_attr_put_u8(nlh, SOFTWIRE_RULE_A_PSID_OFFSET, r->psid_offset);
	if (r->flags & SW_RULE_PSID_LEN_SET)
		mnl_attr_put_u8(nlh, SOFTWIRE_RULE_A_PSID_LEN, r->psid_len);
	if (r->flags & SW_RULE_PSID_SET)
		mnl_attr_put_u16(nlh, SOFTWIRE_RULE_A_PSID, r->psid);
	if (r->flags & SW_RULE_FMR)
		mnl_attr_put_u32(nlh, SOFTWIRE_RULE_A_FLAGS, SOFTWIRE_RULE_F_FMR);
	mnl_attr_nest_end(nlh, nest);
}

static int add_send(const struct mape_cfg *c)
{
	static char buf[SW_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct sw_nl nl;
	int rc = sw_nl_open(&nl);

	if (rc)
		return rc;
	nlh = sw_nl_req(&nl, buf, SOFTWIRE_CMD_INST_NEW, NLM_F_ACK);
	mnl_attr_put_u8(nlh, SOFTWIRE_A_MODE, SOFTWIRE_MODE_MAPE_CE);
	mnl_attr_put_strz(nlh, SOFTWIRE_A_IFNAME, c->name);
	mnl_attr_put(nlh, SOFTWIRE_A_END_USER_PREFIX, 16, c->eup);
	mnl_attr_put_u8(nlh, SOFTWIRE_A_END_USER_PREFIX_LEN, c->eup_len);
	mnl_attr_put(nlh, SOFTWIRE_A_BR_ADDR, 16, c->br);
	nest = mnl_attr_nest_start(nlh, SOFTWIRE_A_RULES);
	for (unsigned int i = 0; i < c->nrules; i++)
		put_rule(nlh, &c->rules[i]);
	mnl_attr_nest_end(nlh, nest);
	if (c->legacy_iid)
		mnl_attr_put_u32(nlh, SOFTWIRE_A_FLAGS, SOFTWIRE_F_LEGACY_IID);
	if (c->has_mtu)
		mnl_attr_put_u32(nlh, SOFTWIRE_A_MTU, c->mtu);
	sw_params_put(nlh, &c->params);
	rc = sw_nl_talk(&nl, nlh, NULL, NULL);
	sw_nl_close(&nl);
	return rc;
}

static int mape_add(struct sw_args *a)
{
	static struct mape_cfg c;
	const char *kw;
	int rc;

	if (sw_args_want_help(a)) {
		sw_usage_mape(stdout);
		return SW_EXIT_OK;
	}
	kw = sw_args_next(a);
	if (!kw)
		return missing("map-e add", "NAME");
	if (sw_parse_ifname(kw))
		return SW_EXIT_USAGE;
	c.name = kw;
	while ((kw = sw_args_next(a))) {
		rc = add_kw(a, kw, &c);
		if (rc)
			return rc;
	}
	if (!c.has_eup)
		return missing("map-e add", "end-user-prefix");
	if (!c.has_br)
		return missing("map-e add", "br");
	if (!c.nrules)
		return missing("map-e add", "rule");
	return add_send(&c);
}

int sw_cmd_mape(struct sw_args *a)
{
	const char *cmd = sw_args_next(a);

	if (!cmd) {
		sw_usage_mape(stderr);
		return SW_EXIT_USAGE;
	}
	if (sw_is_help(cmd)) {
		sw_usage_mape(stdout);
		return SW_EXIT_OK;
	}
	if (strcmp(cmd, "calc") == 0)
		return mape_calc(a);
	if (strcmp(cmd, "add") == 0)
		return mape_add(a);
	if (strcmp(cmd, "set") == 0)
		return sw_mape_set(a);
	if (strcmp(cmd, "forward") == 0)
		return sw_mape_forward(a);
	if (strcmp(cmd, "mappings") == 0)
		return sw_mape_mappings(a);
	if (strcmp(cmd, "show") == 0)
		return sw_cmd_show(a, "map-e show");
	if (strcmp(cmd, "del") == 0)
		return sw_cmd_del(a, "map-e del");
	sw_err("map-e: unknown command \"%s\"; try \"swctl map-e help\"", cmd);
	return SW_EXIT_USAGE;
}
