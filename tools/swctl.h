/* SPDX-License-Identifier: GPL-2.0 */
/* swctl: shared declarations of the command-line tool. */
#ifndef SWCTL_H
#define SWCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <linux/softwire.h>
#include "mapcalc.h"

#define SWCTL_VERSION	"0.1"

#define SW_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit codes (documented in swctl.8). */
#define SW_EXIT_OK	0
#define SW_EXIT_FAIL	1	/* kernel refused, validation failed, I/O error */
#define SW_EXIT_USAGE	2	/* bad command line */

struct sw_opts {
	bool json;
	bool pretty;
	bool dump_request;	/* hidden: print the request instead of sending */
	bool all;		/* -s: every counter, zero or not */
	bool explain;		/* -e: stats explain each drop reason */
};
extern struct sw_opts sw_opts;

/* Command-line cursor: objects and keywords consume from it. */
struct sw_args {
	int argc;
	char **argv;
};

static inline const char *sw_args_peek(const struct sw_args *a)
{
	return a->argc > 0 ? a->argv[0] : NULL;
}

static inline const char *sw_args_next(struct sw_args *a)
{
	if (a->argc <= 0)
		return NULL;
	a->argc--;
	return *a->argv++;
}

/* An option: long name (-NAME, --NAME, unique prefixes) and letter (or 0). */
struct sw_opt {
	const char *name;
	char letter;
};

/* Parse option word arg (starts with '-') into bits of *set; exit code. */
int sw_opt_parse(const char *arg, const struct sw_opt *tab, size_t n,
		 unsigned int *set);

void sw_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Value of keyword kw, or NULL after printing "missing value" (usage). */
const char *sw_args_value(struct sw_args *a, const char *ctx, const char *kw);
int sw_bad_value(const char *kw, const char *val);
bool sw_is_help(const char *s);
/* "help" anywhere among the remaining words (iproute2 style). */
bool sw_args_want_help(const struct sw_args *a);

/* Decimal only ("0x" hex too when hex is set); rejects signs, junk, > max. */
int sw_parse_uint(const char *s, unsigned long max, bool hex, unsigned long *out);
int sw_parse_ifname(const char *s);

/* Objects. */
int sw_cmd_mape(struct sw_args *a);
int sw_cmd_show(struct sw_args *a, const char *ctx);
int sw_cmd_del(struct sw_args *a, const char *ctx);
int sw_cmd_monitor(struct sw_args *a);
int sw_cmd_stats(struct sw_args *a);
/* map-e subcommands of napt.c */
int sw_mape_set(struct sw_args *a);
int sw_mape_forward(struct sw_args *a);
int sw_mape_mappings(struct sw_args *a);

void sw_usage_mape(FILE *f);
void sw_usage_show(FILE *f);
void sw_usage_del(FILE *f);
void sw_usage_monitor(FILE *f);
void sw_usage_stats(FILE *f);

#endif
