// SPDX-License-Identifier: GPL-2.0
/*
 * swctl: configure softwire (MAP-E CE) instances over generic netlink.
 *
 *   swctl [OPTIONS] OBJECT { COMMAND | help }
 *
 * Exit codes: 0 success, 1 failure (kernel refusal, rule validation),
 * 2 command-line error.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "params.h"
#include "swctl.h"

struct sw_opts sw_opts;

void sw_err(const char *fmt, ...)
{
	va_list ap;

	fputs("swctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool sw_is_help(const char *s)
{
	return s && strcmp(s, "help") == 0;
}

bool sw_args_want_help(const struct sw_args *a)
{
	for (int i = 0; i < a->argc; i++)
		if (sw_is_help(a->argv[i]))
			return true;
	return false;
}

const char *sw_args_value(struct sw_args *a, const char *ctx, const char *kw)
{
	const char *v = sw_args_next(a);

	if (!v)
		sw_err("%s: missing value after %s", ctx, kw);
	return v;
}

int sw_bad_value(const char *kw, const char *val)
{
	sw_err("invalid %s \"%s\"", kw, val);
	return SW_EXIT_USAGE;
}

int sw_parse_uint(const char *s, unsigned long max, bool hex, unsigned long *out)
{
	int base = 10;
	unsigned long v;
	char *end;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoul accepts blanks, signs and a second "0x": refuse them. */
	if (!((s[0] >= '0' && s[0] <= '9') ||
	      (base == 16 && ((s[0] >= 'a' && s[0] <= 'f') ||
			      (s[0] >= 'A' && s[0] <= 'F')))))
		return -1;
	if (base == 16 && (s[1] == 'x' || s[1] == 'X'))
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int sw_parse_ifname(const char *s)
{
	size_t n = strlen(s);

	/* IFNAMSIZ includes the NUL; the kernel refuses the rest itself. */
	if (n == 0 || n >= IFNAMSIZ) {
		sw_err("invalid name \"%s\" (1..%d characters)", s, IFNAMSIZ - 1);
		return SW_EXIT_USAGE;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: swctl [OPTIONS] OBJECT { COMMAND | help }\n"
		"       swctl [OPTIONS] map-e calc end-user-prefix PREFIX RULE [legacy-iid]\n"
		"       swctl [OPTIONS] map-e add NAME end-user-prefix PREFIX br ADDR\n"
		"                       RULE [fmr] [RULE [fmr]]... [legacy-iid] [mtu MTU]\n"
		"                       [PARAMS]\n"
		"       swctl [OPTIONS] map-e set NAME PARAMS\n"
		"       swctl [OPTIONS] map-e forward { add | del } NAME proto { tcp | udp }\n"
		"                       port PORT [to ADDR[:PORT]]\n"
		"       swctl [OPTIONS] map-e mappings NAME\n"
		"       swctl [OPTIONS] show [NAME]\n"
		"       swctl [OPTIONS] stats [NAME]\n"
		"       swctl [OPTIONS] del NAME\n"
		"       swctl [OPTIONS] monitor\n"
		"where  RULE := rule ipv6-prefix PREFIX ipv4-prefix PREFIX ea-len LEN\n"
		"               [psid-offset OFFSET] [psid-len LEN] [psid PSID]\n"
		SW_PARAMS_USAGE
		"       OBJECT := { map-e | show | stats | del | monitor }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -s | -e[xplain] | -h[elp] |\n"
		"                    -V[ersion] }\n"
		"Try \"swctl OBJECT help\" for details.\n");
}

static const struct {
	const char *name;
	int (*run)(struct sw_args *a);
	void (*help)(FILE *f);
} objects[] = {
	{ "map-e",	sw_cmd_mape,	sw_usage_mape },
	{ "monitor",	sw_cmd_monitor,	sw_usage_monitor },
	{ "stats",	sw_cmd_stats,	sw_usage_stats },
};

static int run_show(struct sw_args *a)
{
	return sw_cmd_show(a, "show");
}

static int run_del(struct sw_args *a)
{
	return sw_cmd_del(a, "del");
}

static int dispatch(struct sw_args *a)
{
	const char *obj = sw_args_next(a);

	if (!obj) {
		usage(stderr);
		return SW_EXIT_USAGE;
	}
	if (sw_is_help(obj)) {
		usage(stdout);
		return SW_EXIT_OK;
	}
	if (strcmp(obj, "show") == 0)
		return run_show(a);
	if (strcmp(obj, "del") == 0)
		return run_del(a);
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (strcmp(obj, objects[i].name) == 0)
			return objects[i].run(a);
	}
	sw_err("unknown object \"%s\"; try \"swctl help\"", obj);
	return SW_EXIT_USAGE;
}

/* Bits of tab for the letters of w, or 0 if one is not a letter of tab. */
static unsigned int opt_letters(const char *w, const struct sw_opt *tab,
				size_t n)
{
	unsigned int set = 0;
	size_t i;

	for (; *w; w++) {
		for (i = 0; i < n && tab[i].letter != *w; i++)
			;
		if (i == n)
			return 0;
		set |= 1U << i;
	}
	return set;
}

/*
 * Options as ip(8) takes them: "-j", "-json", "--json" and any unique
 * prefix of the long name ("-pre", "--exp"); letters may be grouped
 * ("-jp"; "-js" is -j -s). Sets bit i of *set for tab[i]; every error
 * names the option as given.
 */
int sw_opt_parse(const char *arg, const struct sw_opt *tab, size_t n,
		 unsigned int *set)
{
	bool dashdash = arg[1] == '-';
	const char *w = arg + 1 + dashdash;
	size_t len = strlen(w), i, hit = n;
	unsigned int letters;

	if (len == 0)
		goto invalid;
	letters = dashdash ? 0 : opt_letters(w, tab, n);
	if (letters) {
		*set |= letters;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(w, tab[i].name, len))
			continue;
		if (hit < n) {
			sw_err("ambiguous option \"%s\" (%s or %s); try \"swctl -h\"",
			       arg, tab[hit].name, tab[i].name);
			return SW_EXIT_USAGE;
		}
		hit = i;
	}
	if (hit < n) {
		*set |= 1U << hit;
		return 0;
	}
invalid:
	sw_err("invalid option \"%s\"; try \"swctl -h\"", arg);
	return SW_EXIT_USAGE;
}

enum { O_JSON, O_PRETTY, O_ALL, O_EXPLAIN, O_HELP, O_VERSION, O_DUMP };

static const struct sw_opt global_opts[] = {
	[O_JSON]	= { "json",		'j' },
	[O_PRETTY]	= { "pretty",		'p' },
	[O_ALL]		= { "all",		's' },
	[O_EXPLAIN]	= { "explain",		'e' },
	[O_HELP]	= { "help",		'h' },
	[O_VERSION]	= { "version",		'V' },
	[O_DUMP]	= { "dump-request",	0 },	/* hidden */
};

int main(int argc, char **argv)
{
	unsigned int set = 0;
	struct sw_args a;
	int i, rc;

	/* Options up to the object, or "--" (like ip(8)). */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		rc = sw_opt_parse(argv[i], global_opts, SW_ARRAY_SIZE(global_opts),
				  &set);
		if (rc)
			return rc;
	}
	if (set & (1U << O_HELP)) {
		usage(stdout);
		return SW_EXIT_OK;
	}
	if (set & (1U << O_VERSION)) {
		printf("swctl %s (softwire genl version %d)\n",
		       SWCTL_VERSION, SOFTWIRE_GENL_VERSION);
		return SW_EXIT_OK;
	}
	sw_opts.json = set & (1U << O_JSON);
	sw_opts.pretty = set & (1U << O_PRETTY);
	sw_opts.all = set & (1U << O_ALL);
	sw_opts.explain = set & (1U << O_EXPLAIN);
	sw_opts.dump_request = set & (1U << O_DUMP);
	a.argc = argc - i;
	a.argv = argv + i;
	rc = dispatch(&a);
	if (fflush(stdout) || ferror(stdout)) {
		sw_err("write error: %s", strerror(errno));
		return SW_EXIT_FAIL;
	}
	return rc;
}
