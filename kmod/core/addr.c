// SPDX-License-Identifier: GPL-2.0
/*
 * Bounds-checked text parsing and formatting of IPv4/IPv6 addresses and
 * prefixes. Pure C on sw_types.h only (no libc string or ctype calls), so it
 * builds in the kernel too, although today only the tools use it.
 *
 * Accepted syntax is exactly that of glibc inet_pton(): the unit tests and
 * the fuzzer use inet_pton() as the oracle.
 */
#include "addr.h"

#define MAX_TEXT 128	/* longer input is rejected, never scanned further */

/* End of a NUL-terminated string, or NULL if longer than MAX_TEXT. */
static const char *text_end(const char *s)
{
	unsigned int i;

	for (i = 0; i <= MAX_TEXT; i++)
		if (s[i] == '\0')
			return s + i;
	return NULL;
}

/* First @c in [s, e), or e. */
static const char *find_char(const char *s, const char *e, char c)
{
	while (s < e && *s != c)
		s++;
	return s;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal in [s, e): 1..3 digits, no leading zero except "0", <= max. */
static int dec_field(const char *s, const char *e, unsigned int max,
		     unsigned int *out)
{
	unsigned int v = 0;

	if (s == e || e - s > 3 || (*s == '0' && e - s > 1))
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int ipv4_range(const char *s, const char *e, uint32_t *out)
{
	unsigned int i, octet;
	const char *f;
	uint32_t v = 0;

	for (i = 0; i < 4; i++) {
		f = find_char(s, e, '.');
		if (dec_field(s, f, 255, &octet))
			return -1;
		v = v << 8 | octet;
		if (i < 3 && f == e)
			return -1;
		s = i < 3 ? f + 1 : f;
	}
	if (s != e)
		return -1;
	*out = v;
	return 0;
}

/* One group of 1..4 hex digits in [s, e); returns its end or NULL. */
static const char *hex_group(const char *s, const char *e, uint16_t *out)
{
	const char *p = s;
	unsigned int v = 0;

	while (p < e && p - s < 5 && hex_val(*p) >= 0)
		v = v << 4 | (unsigned int)hex_val(*p++);
	if (p == s || p - s > 4)
		return NULL;
	*out = (uint16_t)v;
	return p;
}

/* Insert the zeros of "::" at byte offset gap of a len-byte address. */
static void expand_gap(uint8_t *buf, unsigned int len, unsigned int gap)
{
	unsigned int tail = len - gap, i;

	/* copy backwards: source and destination may overlap */
	for (i = tail; i > 0; i--)
		buf[16 - tail + i - 1] = buf[gap + i - 1];
	memset(buf + gap, 0, 16 - tail - gap);
}

/* Embedded dotted quad as the last 32 bits (RFC 4291 2.2 form 3). */
static int v6_dotted_tail(const char *tok, const char *e, uint8_t *buf,
			  unsigned int *len)
{
	uint32_t v4;

	if (*len > 12 || ipv4_range(tok, e, &v4))
		return -1;
	buf[(*len)++] = v4 >> 24;
	buf[(*len)++] = v4 >> 16;
	buf[(*len)++] = v4 >> 8;
	buf[(*len)++] = v4;
	return 0;
}

/*
 * One token and the separator after it. Returns 1 when the address is
 * complete, 0 to continue, -1 on error. *gap is the byte offset of "::".
 */
static int v6_token(const char **sp, const char *e, uint8_t *buf,
		    unsigned int *len, int *gap)
{
	const char *s = *sp, *p;
	uint16_t g;

	p = hex_group(s, e, &g);
	if (p && p < e && *p == '.')
		return v6_dotted_tail(s, e, buf, len) ? -1 : 1;
	if (!p || *len > 14)
		return -1;
	buf[(*len)++] = g >> 8;
	buf[(*len)++] = (uint8_t)g;
	if (p == e)
		return 1;
	if (*p != ':' || ++p == e)
		return -1;	/* junk, or a trailing single ':' */
	if (*p == ':') {
		if (*gap >= 0)
			return -1;	/* a second "::" */
		*gap = (int)*len;
		if (++p == e)
			return 1;
	}
	*sp = p;
	return 0;
}

static int ipv6_range(const char *s, const char *e, uint8_t *out)
{
	uint8_t buf[16];
	unsigned int len = 0;
	int gap = -1, rc = 0;

	if (e - s >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
		rc = s == e;
	} else if (s == e || *s == ':') {
		return -1;
	}
	while (rc == 0)
		rc = v6_token(&s, e, buf, &len, &gap);
	if (rc < 0)
		return -1;
	if (gap >= 0) {
		if (len == 16)
			return -1;	/* "::" must stand for at least one group */
		expand_gap(buf, len, (unsigned int)gap);
	} else if (len != 16) {
		return -1;
	}
	memcpy(out, buf, 16);
	return 0;
}

int sw_parse_ipv4(const char *s, uint32_t *out)
{
	const char *e = text_end(s);

	return e ? ipv4_range(s, e, out) : -1;
}

int sw_parse_ipv6(const char *s, uint8_t *out)
{
	const char *e = text_end(s);

	return e ? ipv6_range(s, e, out) : -1;
}

int sw_parse_ipv4_prefix(const char *s, uint32_t *addr, uint8_t *len)
{
	const char *e = text_end(s), *slash;
	unsigned int plen = 32;
	uint32_t a;

	if (!e)
		return -1;
	slash = find_char(s, e, '/');
	if (slash < e && dec_field(slash + 1, e, 32, &plen))
		return -1;
	if (ipv4_range(s, slash, &a))
		return -1;
	*addr = a;
	*len = (uint8_t)plen;
	return 0;
}

int sw_parse_ipv6_prefix(const char *s, uint8_t *addr, uint8_t *len)
{
	const char *e = text_end(s), *slash;
	unsigned int plen = 128;
	uint8_t a[16];

	if (!e)
		return -1;
	slash = find_char(s, e, '/');
	if (slash < e && dec_field(slash + 1, e, 128, &plen))
		return -1;
	if (ipv6_range(s, slash, a))
		return -1;
	memcpy(addr, a, 16);
	*len = (uint8_t)plen;
	return 0;
}

/* --- Formatting ------------------------------------------------------- */

static char *put_hex16(char *p, unsigned int v)
{
	static const char digits[] = "0123456789abcdef";
	int shift, started = 0;

	for (shift = 12; shift >= 0; shift -= 4) {
		unsigned int d = (v >> shift) & 0xf;

		if (d || started || shift == 0) {
			*p++ = digits[d];
			started = 1;
		}
	}
	return p;
}

static char *put_dec8(char *p, unsigned int v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* RFC 5952 4.2: longest run (>= 2 groups) of zero groups, leftmost on ties. */
static void longest_zero_run(const uint16_t *g, int *best, int *best_len)
{
	int i, run;

	*best = -1;
	*best_len = 1;
	for (i = 0; i < 8; i += run ? run : 1) {
		for (run = 0; i + run < 8 && g[i + run] == 0; run++)
			;
		if (run > *best_len) {
			*best = i;
			*best_len = run;
		}
	}
}

void sw_format_ipv6(const uint8_t *addr, char *buf)
{
	uint16_t g[8];
	int i, best, best_len;
	char *p = buf;

	for (i = 0; i < 8; i++)
		g[i] = (uint16_t)(addr[2 * i] << 8 | addr[2 * i + 1]);
	longest_zero_run(g, &best, &best_len);
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i > 0 && i != best + best_len)
			*p++ = ':';
		/* RFC 5952 4.1, 4.3: no leading zeros, lowercase */
		p = put_hex16(p, g[i]);
	}
	*p = '\0';
}

void sw_format_ipv4(uint32_t addr, char *buf)
{
	char *p = buf;
	int shift;

	for (shift = 24; shift >= 0; shift -= 8) {
		p = put_dec8(p, (addr >> shift) & 0xff);
		if (shift)
			*p++ = '.';
	}
	*p = '\0';
}

/* --- Prefix helpers --------------------------------------------------- */

bool sw_ipv6_host_bits_zero(const uint8_t *addr, unsigned int len)
{
	unsigned int i = len / 8;

	if (len >= 128)
		return true;
	if ((len % 8) && (addr[i++] & (0xff >> (len % 8))))
		return false;
	for (; i < 16; i++)
		if (addr[i])
			return false;
	return true;
}

bool sw_ipv6_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int bytes, bits;

	if (len > 128)
		len = 128;
	bytes = len / 8;
	bits = len % 8;
	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & (0xff00 >> bits));
}
