// SPDX-License-Identifier: GPL-2.0
/*
 * Human decoding of softwire netlink messages: --dump-request output and
 * naming the attribute an extack NLMSGERR_ATTR_OFFS points at.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "addr.h"
#include "nl.h"
#include "swctl.h"

enum vt { V_BIN, V_STR, V_U8, V_U16, V_U32, V_BE32, V_IN6, V_NEST };

struct adesc {
	const char *name;
	enum vt t;
	const struct adesc *nest;	/* V_NEST: table for the children */
	unsigned int nest_max;
};

static const struct adesc rule_attrs[] = {
	[SOFTWIRE_RULE_A_IPV6_PREFIX]		= { "IPV6_PREFIX", V_IN6 },
	[SOFTWIRE_RULE_A_IPV6_PREFIX_LEN]	= { "IPV6_PREFIX_LEN", V_U8 },
	[SOFTWIRE_RULE_A_IPV4_PREFIX]		= { "IPV4_PREFIX", V_BE32 },
	[SOFTWIRE_RULE_A_IPV4_PREFIX_LEN]	= { "IPV4_PREFIX_LEN", V_U8 },
	[SOFTWIRE_RULE_A_EA_LEN]		= { "EA_LEN", V_U8 },
	[SOFTWIRE_RULE_A_PSID_OFFSET]		= { "PSID_OFFSET", V_U8 },
	[SOFTWIRE_RULE_A_PSID_LEN]		= { "PSID_LEN", V_U8 },
	[SOFTWIRE_RULE_A_PSID]			= { "PSID", V_U16 },
	[SOFTWIRE_RULE_A_FLAGS]			= { "FLAGS", V_U32 },
};

/* TO_ADDR shown as "TO", the keyword report() turns a pointer at it into. */
static const struct adesc fwd_attrs[] = {
	[SOFTWIRE_FWD_A_PROTO]			= { "PROTO", V_U8 },
	[SOFTWIRE_FWD_A_PORT]			= { "PORT", V_U16 },
	[SOFTWIRE_FWD_A_TO_ADDR]		= { "TO", V_BE32 },
	[SOFTWIRE_FWD_A_TO_PORT]		= { "TO_PORT", V_U16 },
};

static const struct adesc forwards_attrs[] = {
	[SOFTWIRE_A_FORWARD] = { "FORWARD", V_NEST, fwd_attrs, SOFTWIRE_FWD_A_MAX },
};

static const struct adesc rules_attrs[] = {
	[SOFTWIRE_A_RULE] = { "RULE", V_NEST, rule_attrs, SOFTWIRE_RULE_A_MAX },
};

static const struct adesc top_attrs[] = {
	[SOFTWIRE_A_IFNAME]		= { "IFNAME", V_STR },
	[SOFTWIRE_A_IFINDEX]		= { "IFINDEX", V_U32 },
	[SOFTWIRE_A_MODE]		= { "MODE", V_U8 },
	[SOFTWIRE_A_END_USER_PREFIX]	= { "END_USER_PREFIX", V_IN6 },
	[SOFTWIRE_A_END_USER_PREFIX_LEN] = { "END_USER_PREFIX_LEN", V_U8 },
	[SOFTWIRE_A_BR_ADDR]		= { "BR_ADDR", V_IN6 },
	[SOFTWIRE_A_RULES]		= { "RULES", V_NEST, rules_attrs, SOFTWIRE_A_RULE },
	[SOFTWIRE_A_RULE]		= { "RULE", V_NEST, rule_attrs, SOFTWIRE_RULE_A_MAX },
	[SOFTWIRE_A_FLAGS]		= { "FLAGS", V_U32 },
	[SOFTWIRE_A_MTU]		= { "MTU", V_U32 },
	[SOFTWIRE_A_CE_IPV4]		= { "CE_IPV4", V_BE32 },
	[SOFTWIRE_A_CE_IPV4_PREFIX_LEN]	= { "CE_IPV4_PREFIX_LEN", V_U8 },
	[SOFTWIRE_A_PSID]		= { "PSID", V_U16 },
	[SOFTWIRE_A_PSID_LEN]		= { "PSID_LEN", V_U8 },
	[SOFTWIRE_A_PSID_OFFSET]	= { "PSID_OFFSET", V_U8 },
	[SOFTWIRE_A_PORT_COUNT]		= { "PORT_COUNT", V_U32 },
	[SOFTWIRE_A_PORT_RANGES]	= { "PORT_RANGES", V_BIN },
	[SOFTWIRE_A_CE_IPV6]		= { "CE_IPV6", V_IN6 },
	[SOFTWIRE_A_BMR_INDEX]		= { "BMR_INDEX", V_U32 },
	[SOFTWIRE_A_PAD]		= { "PAD", V_BIN },
	[SOFTWIRE_A_EVENT]		= { "EVENT", V_U8 },
	[SOFTWIRE_A_FILTER]		= { "FILTER", V_U8 },
	[SOFTWIRE_A_TIMEOUT_UDP]	= { "TIMEOUT_UDP", V_U32 },
	[SOFTWIRE_A_TIMEOUT_TCP_EST]	= { "TIMEOUT_TCP_EST", V_U32 },
	[SOFTWIRE_A_TIMEOUT_TCP_TRANS]	= { "TIMEOUT_TCP_TRANS", V_U32 },
	[SOFTWIRE_A_TIMEOUT_ICMP]	= { "TIMEOUT_ICMP", V_U32 },
	[SOFTWIRE_A_MAX_MAPPINGS]	= { "MAX_MAPPINGS", V_U32 },
	[SOFTWIRE_A_MAX_PER_HOST]	= { "MAX_PER_HOST", V_U32 },
	[SOFTWIRE_A_MARK]		= { "MARK", V_U32 },
	[SOFTWIRE_A_MSS_CLAMP]		= { "MSS_CLAMP", V_U16 },
	[SOFTWIRE_A_FORWARDS]		= { "FORWARDS", V_NEST, forwards_attrs, SOFTWIRE_A_FORWARD },
	[SOFTWIRE_A_FORWARD]		= { "FORWARD", V_NEST, fwd_attrs, SOFTWIRE_FWD_A_MAX },
	[SOFTWIRE_A_MAPPING]		= { "MAPPING", V_BIN },
	[SOFTWIRE_A_STATS]		= { "STATS", V_BIN },
	[SOFTWIRE_A_FASTPATH]		= { "FASTPATH", V_U8 },
};

static const char *const cmd_names[] = {
	[SOFTWIRE_CMD_INST_NEW]		= "INST_NEW",
	[SOFTWIRE_CMD_INST_DEL]		= "INST_DEL",
	[SOFTWIRE_CMD_INST_GET]		= "INST_GET",
	[SOFTWIRE_CMD_INST_NOTIFY]	= "INST_NOTIFY",
	[SOFTWIRE_CMD_INST_SET]		= "INST_SET",
	[SOFTWIRE_CMD_FWD_ADD]		= "FWD_ADD",
	[SOFTWIRE_CMD_FWD_DEL]		= "FWD_DEL",
	[SOFTWIRE_CMD_MAP_GET]		= "MAP_GET",
	[SOFTWIRE_CMD_STATS_GET]	= "STATS_GET",
};

static const struct adesc *lookup(const struct adesc *tab, unsigned int max,
				  unsigned int type)
{
	if (!tab || type > max || !tab[type].name)
		return NULL;
	return &tab[type];
}

static void print_value(const struct nlattr *a, enum vt t)
{
	const void *p = mnl_attr_get_payload(a);
	uint16_t len = mnl_attr_get_payload_len(a);
	char buf[SW_IPV6_STRLEN];
	uint32_t v32;

	if ((t == V_U8 && len == 1) ) {
		printf("u8 %u", *(const uint8_t *)p);
	} else if (t == V_U16 && len == 2) {
		printf("u16 %u", mnl_attr_get_u16(a));
	} else if (t == V_U32 && len == 4) {
		printf("u32 %u (0x%x)", mnl_attr_get_u32(a), mnl_attr_get_u32(a));
	} else if (t == V_BE32 && len == 4) {
		memcpy(&v32, p, 4);
		sw_format_ipv4(ntohl(v32), buf);
		printf("be32 %s", buf);
	} else if (t == V_IN6 && len == 16) {
		sw_format_ipv6(p, buf);
		printf("in6 %s", buf);
	} else if (t == V_STR && len > 0 && memchr(p, 0, len)) {
		printf("string \"%s\"", (const char *)p);
	} else {
		printf("%u bytes", len);
		for (uint16_t i = 0; i < len && i < 32; i++)
			printf(" %02x", ((const uint8_t *)p)[i]);
		if (len > 32)
			printf(" ...");
	}
}

static void dump_attrs(const void *start, size_t len, const struct adesc *tab,
		       unsigned int max, int depth)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload(start, len) {
		const struct adesc *d = lookup(tab, max, mnl_attr_get_type(attr));

		printf("%*s%s (%u) len %u: ", 2 + 2 * depth, "",
		       d ? d->name : "?", mnl_attr_get_type(attr), attr->nla_len);
		if (d && d->t == V_NEST) {
			printf("nested\n");
			dump_attrs(mnl_attr_get_payload(attr),
				   mnl_attr_get_payload_len(attr), d->nest,
				   d->nest_max, depth + 1);
			continue;
		}
		print_value(attr, d ? d->t : V_BIN);
		printf("\n");
	}
}

void sw_nl_dump(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const uint8_t *b = (const uint8_t *)nlh;
	const char *cmd = g->cmd <= SOFTWIRE_CMD_MAX ? cmd_names[g->cmd] : NULL;

	printf("nlmsg len %u type %u flags 0x%x seq %u\n", nlh->nlmsg_len,
	       nlh->nlmsg_type, nlh->nlmsg_flags, nlh->nlmsg_seq);
	printf("genl cmd %s (%u) version %u\n", cmd ? cmd : "?", g->cmd,
	       g->version);
	dump_attrs((const uint8_t *)g + GENL_HDRLEN,
		   nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, top_attrs,
		   SOFTWIRE_A_MAX, 0);
	for (uint32_t i = 0; i < nlh->nlmsg_len; i++)
		printf("%s%02x%s", i % 16 ? " " : "  ", b[i],
		       i % 16 == 15 || i + 1 == nlh->nlmsg_len ? "\n" : "");
}

/* Walk the attributes in [start, start+len) looking for offset off. */
static int find_path(const uint8_t *base, const void *start, size_t len,
		     uint32_t off, const struct adesc *tab, unsigned int max,
		     char *buf, size_t blen)
{
	const struct nlattr *attr;
	unsigned int idx = 0;

	mnl_attr_for_each_payload(start, len) {
		uint32_t at = (uint32_t)((const uint8_t *)attr - base);
		const struct adesc *d = lookup(tab, max, mnl_attr_get_type(attr));
		size_t n = strlen(buf);

		if (off >= at && off < at + NLA_ALIGN(attr->nla_len)) {
			if (tab == rules_attrs)
				snprintf(buf + n, blen - n, "%s%s[%u]",
					 n ? "/" : "", d ? d->name : "?", idx);
			else if (d)
				snprintf(buf + n, blen - n, "%s%s", n ? "/" : "",
					 d->name);
			else
				snprintf(buf + n, blen - n, "%stype %u",
					 n ? "/" : "", mnl_attr_get_type(attr));
			if (off == at || !d || d->t != V_NEST)
				return 0;
			return find_path(base, mnl_attr_get_payload(attr),
					 mnl_attr_get_payload_len(attr), off,
					 d->nest, d->nest_max, buf, blen);
		}
		idx++;
	}
	return -1;
}

int sw_nl_attr_path(const struct nlmsghdr *req, uint32_t off, char *buf,
		    size_t len)
{
	const uint8_t *base = (const uint8_t *)req;
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (!req || len == 0 || off < hdr || off >= req->nlmsg_len)
		return -1;
	buf[0] = '\0';
	if (req->nlmsg_type == GENL_ID_CTRL)
		return -1;
	return find_path(base, base + hdr, req->nlmsg_len - hdr, off,
			 top_attrs, SOFTWIRE_A_MAX, buf, len);
}
