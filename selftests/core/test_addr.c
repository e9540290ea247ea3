// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/core/addr.c: address/prefix parsing (glibc inet_pton() is the
 * oracle) and RFC 5952 canonical formatting.
 */
#include <arpa/inet.h>
#include "../../kmod/core/addr.h"
#include "tap.h"

/* sw_parse_ipv6 must agree with inet_pton on acceptance and value. */
static void same_as_pton6(const char *s)
{
	uint8_t got[16], want[16];
	int rc = sw_parse_ipv6(s, got);
	int ok = inet_pton(AF_INET6, s, want) == 1;

	CHECK((rc == 0) == ok, "\"%s\": rc %d, inet_pton %d", s, rc, ok);
	if (rc == 0 && ok)
		CHECK(memcmp(got, want, 16) == 0, "\"%s\": value differs", s);
}

static void same_as_pton4(const char *s)
{
	uint32_t got = 0;
	struct in_addr want;
	int rc = sw_parse_ipv4(s, &got);
	int ok = inet_pton(AF_INET, s, &want) == 1;

	CHECK((rc == 0) == ok, "\"%s\": rc %d, inet_pton %d", s, rc, ok);
	if (rc == 0 && ok)
		CHECK(got == ntohl(want.s_addr), "\"%s\": value differs", s);
}

static const char *const v4_cases[] = {
	"0.0.0.0", "192.0.2.1", "255.255.255.255", "1.2.3.4",
	"", "1", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1.2.3.4.5", "256.0.0.1",
	"01.2.3.4", "1.2.3.04", "1.2.3.00", "1..3.4", "1.2.3.4 ", " 1.2.3.4",
	"0x1.2.3.4", "1.2.3.-4", "1000.2.3.4", "1.2.3.4/24", "a.b.c.d",
};

static void test_ipv4_parse(void)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < sizeof(v4_cases) / sizeof(v4_cases[0]); i++)
		same_as_pton4(v4_cases[i]);
	CHECK(sw_parse_ipv4("192.0.2.18", &v) == 0 && v == 0xc0000212, "value");
}

static const char *const v6_cases[] = {
	"::", "::1", "1::", "1::2", "2001:db8::1", "2001:DB8::AbCd",
	"2001:db8:0:0:1:0:0:1", "1:2:3:4:5:6:7:8", "0001:0002:0003:0004:0005:0006:0007:0008",
	"1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6::8",
	"::ffff:192.0.2.1", "::192.0.2.1", "1:2:3:4:5:6:1.2.3.4",
	"1::1.2.3.4", "fe80::1:0:0:0",
	/* invalid */
	"", ":", ":::", "::::", "1:::2", ":1::2", "1::2:", "1:2:3:4:5:6:7:8:9",
	"1:2:3:4:5:6:7", "1::2::3", "12345::", "1:2:3:4:5:6:7:8::",
	"::1:2:3:4:5:6:7:8", "g::", "1.2.3.4", "::1.2.3", "::1.2.3.4.5",
	"::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::01.2.3.4", "::256.1.1.1",
	"::a.2.3.4", "::1234.1.1.1", "2001:db8::/32", " ::", ":: ", "::%eth0",
	"[::1]", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "::ffff:1.2.3.4.",
	"1::2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8",
};

static void test_ipv6_parse_table(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(v6_cases) / sizeof(v6_cases[0]); i++)
		same_as_pton6(v6_cases[i]);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* Random strings over the address alphabet against inet_pton. */
static void test_ipv6_parse_random(void)
{
	static const char alpha[] = "0123456789abcdefABCDEF::::...//x";
	char s[48];
	int i, j, len;

	for (i = 0; i < 200000; i++) {
		len = (int)(rnd() % 42);
		for (j = 0; j < len; j++)
			s[j] = alpha[rnd() % (sizeof(alpha) - 1)];
		s[len] = '\0';
		same_as_pton6(s);
		same_as_pton4(s);
	}
}

/* Random addresses with zero runs, in several spellings. */
static void random_addr(uint8_t *a)
{
	int i;

	for (i = 0; i < 16; i += 2) {
		unsigned int r = rnd() % 4;
		uint16_t g = r == 0 ? (uint16_t)rnd() : r == 1 ? (uint16_t)(rnd() % 16) : 0;

		a[i] = g >> 8;
		a[i + 1] = (uint8_t)g;
	}
}

static void test_ipv6_format_roundtrip(void)
{
	char buf[SW_IPV6_STRLEN], ref[INET6_ADDRSTRLEN];
	uint8_t a[16], b[16];
	int i;

	for (i = 0; i < 100000; i++) {
		random_addr(a);
		sw_format_ipv6(a, buf);
		CHECK(strlen(buf) < SW_IPV6_STRLEN, "length");
		CHECK(sw_parse_ipv6(buf, b) == 0 && memcmp(a, b, 16) == 0,
		      "%s does not parse back", buf);
		/* glibc inet_ntop is RFC 5952 except its dotted-quad forms */
		inet_ntop(AF_INET6, a, ref, sizeof(ref));
		if (!strchr(ref, '.'))
			CHECK(strcmp(buf, ref) == 0, "%s, inet_ntop %s", buf, ref);
		same_as_pton6(buf);
	}
}

static void fmt(const char *in, const char *want)
{
	char buf[SW_IPV6_STRLEN];
	uint8_t a[16];

	if (sw_parse_ipv6(in, a)) {
		CHECK(0, "cannot parse %s", in);
		return;
	}
	sw_format_ipv6(a, buf);
	CHECK(strcmp(buf, want) == 0, "%s -> %s, want %s", in, buf, want);
}

/* RFC 5952 section 4 rules, one by one. */
static void test_ipv6_format_rfc5952(void)
{
	fmt("::", "::");
	fmt("::1", "::1");
	fmt("1::", "1::");
	fmt("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");	/* 4.1 */
	fmt("2001:DB8::ABCD", "2001:db8::abcd");			/* 4.3 */
	fmt("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");		/* 4.2.2 */
	fmt("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");			/* 4.2.3 */
	fmt("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");		/* 4.2.3 tie */
	fmt("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0");
	fmt("0:0:1:0:0:0:1:0", "0:0:1::1:0");
	fmt("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0");
	fmt("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7");
	fmt("1:2:3:4:5:6:0:0", "1:2:3:4:5:6::");
	fmt("0:0:1:2:3:4:5:6", "::1:2:3:4:5:6");
	fmt("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	fmt("::ffff:192.0.2.1", "::ffff:c000:201");	/* dotted form not used */
	fmt("2001:db8:12:3400:0:c000:212:34", "2001:db8:12:3400:0:c000:212:34");
}

static void test_ipv4_format(void)
{
	char buf[SW_IPV4_STRLEN];
	uint32_t v;
	int i;

	sw_format_ipv4(0xc0000212, buf);
	CHECK(strcmp(buf, "192.0.2.18") == 0, "%s", buf);
	sw_format_ipv4(0, buf);
	CHECK(strcmp(buf, "0.0.0.0") == 0, "%s", buf);
	sw_format_ipv4(0xffffffff, buf);
	CHECK(strcmp(buf, "255.255.255.255") == 0, "%s", buf);
	for (i = 0; i < 100000; i++) {
		uint32_t a = rnd() ^ (rnd() << 16);

		sw_format_ipv4(a, buf);
		CHECK(sw_parse_ipv4(buf, &v) == 0 && v == a, "%s", buf);
	}
}

static void test_prefix_parse(void)
{
	uint8_t a[16], w[16], len = 0;
	uint32_t v4 = 0;

	CHECK(sw_parse_ipv6_prefix("2001:db8::/32", a, &len) == 0 && len == 32,
	      "/32");
	inet_pton(AF_INET6, "2001:db8::", w);
	CHECK(memcmp(a, w, 16) == 0, "value");
	CHECK(sw_parse_ipv6_prefix("::/0", a, &len) == 0 && len == 0, "/0");
	CHECK(sw_parse_ipv6_prefix("::1", a, &len) == 0 && len == 128, "no len");
	CHECK(sw_parse_ipv6_prefix("::/128", a, &len) == 0 && len == 128, "/128");
	CHECK(sw_parse_ipv6_prefix("::/129", a, &len) == -1, "/129");
	CHECK(sw_parse_ipv6_prefix("::/032", a, &len) == -1, "leading zero");
	CHECK(sw_parse_ipv6_prefix("::/", a, &len) == -1, "empty len");
	CHECK(sw_parse_ipv6_prefix("/64", a, &len) == -1, "empty addr");
	CHECK(sw_parse_ipv6_prefix("::/64/1", a, &len) == -1, "two slashes");
	CHECK(sw_parse_ipv6_prefix("::/6a", a, &len) == -1, "hex len");
	CHECK(sw_parse_ipv6_prefix("::/-1", a, &len) == -1, "negative");
	CHECK(sw_parse_ipv4_prefix("192.0.2.0/24", &v4, &len) == 0 &&
	      v4 == 0xc0000200 && len == 24, "v4 /24");
	CHECK(sw_parse_ipv4_prefix("192.0.2.7", &v4, &len) == 0 && len == 32,
	      "v4 no len");
	CHECK(sw_parse_ipv4_prefix("0.0.0.0/0", &v4, &len) == 0 && len == 0,
	      "v4 /0");
	CHECK(sw_parse_ipv4_prefix("192.0.2.0/33", &v4, &len) == -1, "/33");
	CHECK(sw_parse_ipv4_prefix("192.0.2.0/", &v4, &len) == -1, "empty");
	CHECK(sw_parse_ipv4_prefix("192.0.2/24", &v4, &len) == -1, "3 octets");
	CHECK(sw_parse_ipv4_prefix("192.0.2.0/08", &v4, &len) == -1, "/08");
}

static void test_overlong_input(void)
{
	char s[300];
	uint8_t a[16], len;
	uint32_t v4;

	memset(s, '0', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	CHECK(sw_parse_ipv6(s, a) == -1 && sw_parse_ipv4(s, &v4) == -1 &&
	      sw_parse_ipv6_prefix(s, a, &len) == -1 &&
	      sw_parse_ipv4_prefix(s, &v4, &len) == -1, "overlong accepted");
}

/* Bit-by-bit reference for the prefix helpers. */
static int bit(const uint8_t *a, unsigned int i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

static void test_prefix_helpers(void)
{
	uint8_t a[16], b[16];
	unsigned int len, i;
	int n, zero, eq;

	for (n = 0; n < 20000; n++) {
		for (i = 0; i < 16; i++)
			a[i] = b[i] = (uint8_t)rnd();
		len = rnd() % 140;
		if (len < 128) {	/* clear the tail of a, flip one bit of b */
			for (i = len; i < 128; i++)
				if (rnd() % 4)
					a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
			i = rnd() % 128;
			b[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		}
		for (zero = 1, i = len; i < 128; i++)
			zero &= !bit(a, i);
		for (eq = 1, i = 0; i < len && i < 128; i++)
			eq &= bit(a, i) == bit(b, i);
		CHECK(sw_ipv6_host_bits_zero(a, len) == !!zero, "host bits len %u", len);
		CHECK(sw_ipv6_prefix_eq(a, b, len) == !!eq, "prefix_eq len %u", len);
	}
}

static const struct tap_test tests[] = {
	{ "ipv4_parse_vs_inet_pton", test_ipv4_parse },
	{ "ipv6_parse_table_vs_inet_pton", test_ipv6_parse_table },
	{ "ipv6_ipv4_parse_random_vs_inet_pton", test_ipv6_parse_random },
	{ "ipv6_format_roundtrip_vs_inet_ntop", test_ipv6_format_roundtrip },
	{ "ipv6_format_rfc5952", test_ipv6_format_rfc5952 },
	{ "ipv4_format", test_ipv4_format },
	{ "prefix_parse", test_prefix_parse },
	{ "overlong_input", test_overlong_input },
	{ "prefix_helpers_vs_bitwise", test_prefix_helpers },
};

TAP_MAIN(tests)
