// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kmod/core/addr.c. Oracles: glibc inet_pton()
 * (same accepted language, same value), inet_ntop() (RFC 5952 text except
 * its dotted-quad forms), parse(format(x)) == x, and a bitwise reference for
 * the prefix helpers. Any disagreement aborts.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include "../../kmod/core/addr.h"

#define MUST(c) do { if (!(c)) { fprintf(stderr, "violated: %s\n", #c); abort(); } } while (0)

static void v6_text(const char *s)
{
	uint8_t a[16], w[16], len;
	char buf[SW_IPV6_STRLEN];
	int ok = inet_pton(AF_INET6, s, w) == 1;

	MUST((sw_parse_ipv6(s, a) == 0) == ok);
	if (ok) {
		MUST(memcmp(a, w, 16) == 0);
		sw_format_ipv6(a, buf);
		MUST(sw_parse_ipv6(buf, w) == 0 && memcmp(a, w, 16) == 0);
	}
	if (sw_parse_ipv6_prefix(s, a, &len) == 0) {
		const char *slash = strchr(s, '/');
		char addr[64];

		MUST(len <= 128);
		MUST(slash ? (size_t)(slash - s) < sizeof(addr) : ok);
		if (slash) {
			memcpy(addr, s, (size_t)(slash - s));
			addr[slash - s] = '\0';
			MUST(inet_pton(AF_INET6, addr, w) == 1 && memcmp(a, w, 16) == 0);
		}
	}
}

static void v4_text(const char *s)
{
	struct in_addr w;
	uint32_t v;
	uint8_t len;
	int ok = inet_pton(AF_INET, s, &w) == 1;

	MUST((sw_parse_ipv4(s, &v) == 0) == ok);
	if (ok)
		MUST(v == ntohl(w.s_addr));
	if (sw_parse_ipv4_prefix(s, &v, &len) == 0)
		MUST(len <= 32);
}

static int bit(const uint8_t *a, unsigned int i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

static void raw_bytes(const uint8_t *data, size_t size)
{
	char buf[SW_IPV6_STRLEN], ref[INET6_ADDRSTRLEN];
	uint8_t back[16];
	unsigned int len, i;
	int zero = 1, eq = 1;

	if (size < 33)
		return;
	sw_format_ipv6(data, buf);
	MUST(strlen(buf) < SW_IPV6_STRLEN);
	MUST(sw_parse_ipv6(buf, back) == 0 && memcmp(back, data, 16) == 0);
	inet_ntop(AF_INET6, data, ref, sizeof(ref));
	MUST(strchr(ref, '.') || strcmp(ref, buf) == 0);
	len = data[32];
	for (i = len; i < 128; i++)
		zero &= !bit(data, i);
	for (i = 0; i < len && i < 128; i++)
		eq &= bit(data, i) == bit(data + 16, i);
	MUST(sw_ipv6_host_bits_zero(data, len) == !!zero);
	MUST(sw_ipv6_prefix_eq(data, data + 16, len) == !!eq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[200];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	memcpy(s, data, n);
	s[n] = '\0';
	v6_text(s);
	v4_text(s);
	raw_bytes(data, size);
	return 0;
}
