/* SPDX-License-Identifier: GPL-2.0 */
/* Bounds-checked text parsing and formatting of addresses and prefixes (pure C). */
#ifndef SW_CORE_ADDR_H
#define SW_CORE_ADDR_H

#include "sw_types.h"

/* "a.b.c.d" -> host order. Returns 0 or -1. Strict: no leading zeros tricks, 4 octets. */
int sw_parse_ipv4(const char *s, uint32_t *out);
/* "a.b.c.d/len" (len 0..32; missing /len = 32). Returns 0 or -1. */
int sw_parse_ipv4_prefix(const char *s, uint32_t *addr, uint8_t *len);
/* RFC 4291 2.2 text forms, including "::" and trailing dotted quad. 0 or -1. */
int sw_parse_ipv6(const char *s, uint8_t *out);
/* "addr/len" (len 0..128; missing /len = 128). Returns 0 or -1. */
int sw_parse_ipv6_prefix(const char *s, uint8_t *addr, uint8_t *len);

/* RFC 5952 canonical text. buf must hold SW_IPV6_STRLEN bytes. */
#define SW_IPV6_STRLEN 46
void sw_format_ipv6(const uint8_t *addr, char *buf);
#define SW_IPV4_STRLEN 16
void sw_format_ipv4(uint32_t addr, char *buf);

/* True when bits [len, 128) of addr are all zero. */
bool sw_ipv6_host_bits_zero(const uint8_t *addr, unsigned int len);
/* True when a[0..len) == b[0..len). */
bool sw_ipv6_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int len);

#endif
