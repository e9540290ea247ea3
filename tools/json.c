// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming JSON writer. Depth is bounded (swctl output nests at most
 * four levels); exceeding it is a programming error and aborts.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include "json.h"

#define MAX_DEPTH 16

static struct {
	FILE *f;
	bool pretty;
	int depth;
	bool first[MAX_DEPTH];	/* no member written yet at this level */
	bool flat[MAX_DEPTH];	/* inline array: no newlines inside */
} w;

void sw_json_begin(FILE *f, bool pretty)
{
	w.f = f;
	w.pretty = pretty;
	w.depth = 0;
	w.first[0] = true;
	w.flat[0] = false;
}

static void newline_indent(void)
{
	fputc('\n', w.f);
	for (int i = 0; i < w.depth; i++)
		fputs("    ", w.f);
}

static void put_escaped(const char *s);

/* Separator, indentation and "key": before every value. */
static void member(const char *key)
{
	bool flat = w.depth > 0 && w.flat[w.depth];

	if (!w.first[w.depth])
		fputs(w.pretty && flat ? ", " : ",", w.f);
	w.first[w.depth] = false;
	if (w.pretty && w.depth > 0 && !flat)
		newline_indent();
	if (key) {
		put_escaped(key);
		fputs(w.pretty ? ": " : ":", w.f);
	}
}

/* Length of a valid UTF-8 sequence at s, or 0 (RFC 3629 ranges). */
static int utf8_len(const unsigned char *s)
{
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f))
			return 0;	/* overlong, surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Interface names are arbitrary bytes: valid UTF-8 passes through, any
 * other byte >= 0x80 is written as the code point of the same value
 * (Latin-1) so the document stays valid JSON.
 */
static void put_escaped(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', w.f);
	while (*s) {
		unsigned char c = *s;
		int n;

		switch (c) {
		case '"':  fputs("\\\"", w.f); s++; continue;
		case '\\': fputs("\\\\", w.f); s++; continue;
		case '\b': fputs("\\b", w.f); s++; continue;
		case '\f': fputs("\\f", w.f); s++; continue;
		case '\n': fputs("\\n", w.f); s++; continue;
		case '\r': fputs("\\r", w.f); s++; continue;
		case '\t': fputs("\\t", w.f); s++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(w.f, "\\u%04x", c);
			s++;
		} else if (c < 0x80) {
			fputc(c, w.f);
			s++;
		} else if ((n = utf8_len(s)) > 0) {
			fwrite(s, 1, n, w.f);
			s += n;
		} else {
			fprintf(w.f, "\\u%04x", c);
			s++;
		}
	}
	fputc('"', w.f);
}

static void push(bool flat, char open)
{
	fputc(open, w.f);
	assert(w.depth + 1 < MAX_DEPTH);
	if (w.depth + 1 >= MAX_DEPTH)
		abort();
	w.depth++;
	w.first[w.depth] = true;
	w.flat[w.depth] = flat || (w.depth > 1 && w.flat[w.depth - 1]);
}

static void pop(char close)
{
	bool empty = w.first[w.depth];
	bool flat = w.flat[w.depth];

	assert(w.depth > 0);
	w.depth--;
	if (w.pretty && !empty && !flat)
		newline_indent();
	fputc(close, w.f);
}

void sw_json_obj_start(const char *key)
{
	member(key);
	push(false, '{');
}

void sw_json_obj_end(void)
{
	pop('}');
}

void sw_json_arr_start(const char *key, bool inline_)
{
	member(key);
	push(inline_, '[');
}

void sw_json_arr_end(void)
{
	pop(']');
}

void sw_json_str(const char *key, const char *val)
{
	member(key);
	put_escaped(val);
}

void sw_json_uint(const char *key, uint64_t val)
{
	member(key);
	fprintf(w.f, "%" PRIu64, val);
}

void sw_json_bool(const char *key, bool val)
{
	member(key);
	fputs(val ? "true" : "false", w.f);
}

void sw_json_null(const char *key)
{
	member(key);
	fputs("null", w.f);
}

void sw_json_end(void)
{
	assert(w.depth == 0);
	fputc('\n', w.f);
	w.first[0] = true;
}
