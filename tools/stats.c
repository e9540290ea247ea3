// SPDX-License-Identifier: GPL-2.0
/*
 * swctl stats [NAME]: the counters of one instance or of every instance
 * of the network namespace (STATS_GET each, names from an INST_GET dump),
 * drop reasons by name, optionally explained.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drops.h"
#include "json.h"
#include "nl.h"
#include "swctl.h"

#define MAX_DROPS	128	/* reasons kept; the kernel has about twenty */

struct drop {
	char name[48];
	uint64_t count;
};

struct stats {
	char name[IFNAMSIZ];
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint32_t mappings;
	uint64_t fastpath_packets;
	uint32_t remotes, remotes_max;
	uint64_t remotes_full;
	unsigned int ndrops;
	struct drop drops[MAX_DROPS];
};

/* Instance names of the INST_GET dump. */
struct names {
	char (*v)[IFNAMSIZ];
	size_t n;
	bool oom;
};

void sw_usage_stats(FILE *f)
{
	fprintf(f, "Usage: swctl [-j [-p]] [-s] [-e] stats [-s | --all] [-e | --explain] [NAME]\n"
		   "Packet counters of instance NAME (of every instance without NAME),\n"
		   "its number of NAPT mappings and its drop counters by reason (only\n"
		   "the non-zero ones unless -s). --explain says under each reason what\n"
		   "it counts and what to do about it.\n");
}

static void copy_str(char *dst, size_t len, const struct nlattr *a)
{
	snprintf(dst, len, "%.*s",
		 (int)strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a)),
		 (const char *)mnl_attr_get_payload(a));
}

static uint64_t get_u64(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) == 8 ? mnl_attr_get_u64(a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : 0;
}

static int drop_attr_cb(const struct nlattr *a, void *data)
{
	struct drop *d = data;

	if (mnl_attr_get_type(a) == SOFTWIRE_DROP_A_COUNT)
		d->count = get_u64(a);
	else if (mnl_attr_get_type(a) == SOFTWIRE_DROP_A_NAME)
		copy_str(d->name, sizeof(d->name), a);
	return MNL_CB_OK;
}

static void parse_drops(const struct nlattr *nest, struct stats *s)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		struct drop *d;

		if (mnl_attr_get_type(a) != SOFTWIRE_STATS_A_DROP ||
		    s->ndrops >= MAX_DROPS)
			continue;
		d = &s->drops[s->ndrops];
		memset(d, 0, sizeof(*d));
		mnl_attr_parse_nested(a, drop_attr_cb, d);
		if (d->name[0])
			s->ndrops++;
	}
}

static int stats_attr_cb(const struct nlattr *a, void *data)
{
	struct stats *s = data;

	switch (mnl_attr_get_type(a)) {
	case SOFTWIRE_STATS_A_TX_PACKETS:	s->tx_packets = get_u64(a); break;
	case SOFTWIRE_STATS_A_TX_BYTES:		s->tx_bytes = get_u64(a); break;
	case SOFTWIRE_STATS_A_RX_PACKETS:	s->rx_packets = get_u64(a); break;
	case SOFTWIRE_STATS_A_RX_BYTES:		s->rx_bytes = get_u64(a); break;
	case SOFTWIRE_STATS_A_MAPPINGS:		s->mappings = get_u32(a); break;
	case SOFTWIRE_STATS_A_DROPS:		parse_drops(a, s); break;
	case SOFTWIRE_STATS_A_FASTPATH_PACKETS:	s->fastpath_packets = get_u64(a); break;
	case SOFTWIRE_STATS_A_REMOTES:		s->remotes = get_u32(a); break;
	case SOFTWIRE_STATS_A_REMOTES_MAX:	s->remotes_max = get_u32(a); break;
	case SOFTWIRE_STATS_A_REMOTES_FULL:	s->remotes_full = get_u64(a); break;
	}
	return MNL_CB_OK;
}

static int stats_top_cb(const struct nlattr *a, void *data)
{
	struct stats *s = data;

	if (mnl_attr_get_type(a) == SOFTWIRE_A_STATS)
		mnl_attr_parse_nested(a, stats_attr_cb, s);
	else if (mnl_attr_get_type(a) == SOFTWIRE_A_IFNAME)
		copy_str(s->name, sizeof(s->name), a);
	return MNL_CB_OK;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, GENL_HDRLEN, stats_top_cb, data);
	return MNL_CB_OK;
}

static int name_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == SOFTWIRE_A_IFNAME)
		copy_str(data, IFNAMSIZ, a);
	return MNL_CB_OK;
}

static int names_cb(const struct nlmsghdr *nlh, void *data)
{
	struct names *l = data;
	char (*v)[IFNAMSIZ];

	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		l->oom = true;
		return MNL_CB_OK;	/* drain the dump; report afterwards */
	}
	l->v = v;
	v[l->n][0] = '\0';
	mnl_attr_parse(nlh, GENL_HDRLEN, name_attr_cb, v[l->n]);
	if (v[l->n][0])
		l->n++;
	return MNL_CB_OK;
}

/* The names of every instance of the netns, in the dump's order. */
static int list_names(struct sw_nl *nl, struct names *l)
{
	static char buf[SW_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	int rc;

	nlh = sw_nl_req(nl, buf, SOFTWIRE_CMD_INST_GET, NLM_F_DUMP);
	rc = sw_nl_talk(nl, nlh, names_cb, l);
	if (!rc && l->oom) {
		sw_err("out of memory");
		rc = SW_EXIT_FAIL;
	}
	return rc;
}

/*
 * STATS_GET of name into s. With gone_ok (a name from the dump), an
 * instance deleted since is skipped: returns -1.
 */
static int get_one(struct sw_nl *nl, const char *name, struct stats *s,
		   bool gone_ok)
{
	static char buf[SW_NL_REQ_SIZE];
	struct nlmsghdr *nlh;

	memset(s, 0, sizeof(*s));
	nlh = sw_nl_req(nl, buf, SOFTWIRE_CMD_STATS_GET, NLM_F_ACK);
	mnl_attr_put_strz(nlh, SOFTWIRE_A_IFNAME, name);
	return sw_nl_talk_unless(nl, nlh, stats_cb, s, gone_ok ? ENODEV : 0);
}

/* One object of the array; the keys of show's objects come first. */
static void stats_json(const struct stats *s)
{
	sw_json_obj_start(NULL);
	sw_json_str("name", s->name);
	sw_json_uint("tx_packets", s->tx_packets);
	sw_json_uint("tx_bytes", s->tx_bytes);
	sw_json_uint("rx_packets", s->rx_packets);
	sw_json_uint("rx_bytes", s->rx_bytes);
	sw_json_uint("mappings", s->mappings);
	sw_json_uint("fastpath_packets", s->fastpath_packets);
	sw_json_uint("remotes", s->remotes);
	sw_json_uint("remotes_max", s->remotes_max);
	sw_json_uint("remotes_full", s->remotes_full);
	sw_json_obj_start("drops");
	for (unsigned int i = 0; i < s->ndrops; i++)
		sw_json_uint(s->drops[i].name, s->drops[i].count);
	sw_json_obj_end();
	sw_json_obj_end();
}

static void drop_print(const struct drop *d, bool explain)
{
	const struct sw_drop_doc *doc;

	printf("\n        %-24s %llu", d->name, (unsigned long long)d->count);
	if (!explain)
		return;
	doc = sw_drop_doc(d->name);
	printf("\n            why: %s\n            do:  %s", doc->cause, doc->action);
}

static void stats_print(const struct stats *s, bool all, bool explain)
{
	unsigned int shown = 0;

	printf("%s: mappings %u\n", s->name, s->mappings);
	printf("    tx packets %llu bytes %llu\n",
	       (unsigned long long)s->tx_packets,
	       (unsigned long long)s->tx_bytes);
	printf("    rx packets %llu bytes %llu\n",
	       (unsigned long long)s->rx_packets,
	       (unsigned long long)s->rx_bytes);
	if (s->fastpath_packets)
		printf("    fastpath packets %llu\n",
		       (unsigned long long)s->fastpath_packets);
	printf("    remotes %u of %u, not remembered %llu\n", s->remotes,
	       s->remotes_max, (unsigned long long)s->remotes_full);
	printf("    drops:");
	for (unsigned int i = 0; i < s->ndrops; i++) {
		if (!all && !s->drops[i].count)
			continue;
		drop_print(&s->drops[i], explain);
		shown++;
	}
	printf("%s\n", shown ? "" : " none");
}

enum { SO_ALL, SO_EXPLAIN };

static const struct sw_opt stats_opts[] = {
	[SO_ALL]	= { "all",	's' },
	[SO_EXPLAIN]	= { "explain",	'e' },
};

/* Options before or after NAME: swctl stats [-s] [-e] [NAME] [-s] [-e] */
static int parse_args(struct sw_args *a, const char **name, unsigned int *set)
{
	const char *arg;
	int rc;

	while ((arg = sw_args_next(a))) {
		if (arg[0] == '-') {
			rc = sw_opt_parse(arg, stats_opts,
					  SW_ARRAY_SIZE(stats_opts), set);
			if (rc)
				return rc;
		} else if (!*name) {
			*name = arg;
		} else {
			sw_err("stats: unexpected \"%s\"", arg);
			return SW_EXIT_USAGE;
		}
	}
	if (*name && sw_parse_ifname(*name))
		return SW_EXIT_USAGE;
	return 0;
}

/* Counters of every instance of l into *out (*n of them). */
static int fetch(struct sw_nl *nl, const struct names *l, bool from_dump,
		 struct stats **out, size_t *n)
{
	struct stats *v = calloc(l->n ? l->n : 1, sizeof(*v));
	int rc = 0;

	*out = v;
	*n = 0;
	if (!v) {
		sw_err("out of memory");
		return SW_EXIT_FAIL;
	}
	for (size_t i = 0; i < l->n && !rc; i++) {
		rc = get_one(nl, l->v[i], &v[*n], from_dump);
		if (rc < 0)
			rc = 0;		/* deleted since the dump */
		else if (!rc)
			(*n)++;
	}
	return rc;
}

static void print_all(const struct stats *v, size_t n, bool all, bool explain)
{
	if (sw_opts.json) {
		sw_json_begin(stdout, sw_opts.pretty);
		sw_json_arr_start(NULL, false);
		for (size_t i = 0; i < n; i++)
			stats_json(&v[i]);
		sw_json_arr_end();
		sw_json_end();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			printf("\n");
		stats_print(&v[i], all, explain);
	}
}

int sw_cmd_stats(struct sw_args *a)
{
	unsigned int set = 0;
	const char *name = NULL;
	struct names l = { 0 };
	struct stats *v = NULL;
	struct sw_nl nl;
	size_t n = 0;
	int rc;

	if (sw_args_want_help(a)) {
		sw_usage_stats(stdout);
		return SW_EXIT_OK;
	}
	rc = parse_args(a, &name, &set);
	if (rc)
		return rc;
	rc = sw_nl_open(&nl);
	if (rc)
		return rc;
	if (name) {
		l.v = calloc(1, sizeof(*l.v));
		if (l.v)
			snprintf(l.v[l.n++], IFNAMSIZ, "%s", name);
		else
			rc = SW_EXIT_FAIL;
	} else {
		rc = list_names(&nl, &l);
	}
	if (!rc)
		rc = fetch(&nl, &l, !name, &v, &n);
	if (!rc && !sw_opts.dump_request)
		print_all(v, n, sw_opts.all || (set & (1U << SO_ALL)),
			  sw_opts.explain || (set & (1U << SO_EXPLAIN)));
	free(v);
	sw_nl_close(&nl);
	free(l.v);
	return rc;
}
