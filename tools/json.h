/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal streaming JSON writer for swctl -j (RFC 8259 output: escaped
 * strings, no trailing commas, newline after the top-level value).
 * key is the member name inside an object and NULL inside an array.
 */
#ifndef SWCTL_JSON_H
#define SWCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void sw_json_begin(FILE *f, bool pretty);
void sw_json_obj_start(const char *key);
void sw_json_obj_end(void);
/* inline: in pretty mode, keep the elements on one line (short scalar arrays). */
void sw_json_arr_start(const char *key, bool inline_);
void sw_json_arr_end(void);
void sw_json_str(const char *key, const char *val);
void sw_json_uint(const char *key, uint64_t val);
void sw_json_bool(const char *key, bool val);
void sw_json_null(const char *key);
/* Ends the document: newline after the top-level value. */
void sw_json_end(void);

#endif
