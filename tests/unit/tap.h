/* SPDX-License-Identifier: MIT */
/* A minimal TAP producer for vx86's unit tests (prove reads the output). */
#ifndef VX86_TAP_H
#define VX86_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

static inline void tap_plan_end(void)
{
	printf("1..%d\n", tap_n);
}

/* ok(cond, fmt, ...): one test point. Returns cond so callers can add detail. */
static inline int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/* is_u64(got, want, name): equality with both values shown on failure. */
#define is_u64(got, want, ...)                                                                     \
	do {                                                                                       \
		uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);                         \
		if (!ok(got_ == want_, __VA_ARGS__))                                               \
			printf("#   got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", got_, want_);        \
	} while (0)

static inline int tap_done(void)
{
	tap_plan_end();
	return tap_failed ? 1 : 0;
}

#endif
