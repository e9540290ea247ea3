/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place kmod/core picks its base types: the kernel's or libc's.
 * Everything else in kmod/core is plain C99 on uint*_t, bool and memcpy/memset.
 */
#ifndef SW_CORE_TYPES_H
#define SW_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#endif

#endif
