/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal kselftest-style TAP for the kmod/core unit tests: each test is a
 * function that reports failures with CHECK(); the runner prints
 * "ok N name" / "not ok N name" and exits 1 if anything failed.
 */
#ifndef SW_TEST_TAP_H
#define SW_TEST_TAP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
};

static int tap_failures;	/* failures in the current test */

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		tap_failures++;						\
		if (tap_failures <= 20) {				\
			printf("# %s:%d: CHECK(%s) failed: ",		\
			       __FILE__, __LINE__, #cond);		\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	}								\
} while (0)

#define CHECK_STR(got, want) \
	CHECK((got) && strcmp((got), (want)) == 0, "got \"%s\" want \"%s\"", \
	      (got) ? (got) : "(null)", (want))

static inline int tap_run(const struct tap_test *tests, int n)
{
	int i, failed = 0;

	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		tap_failures = 0;
		tests[i].fn();
		if (tap_failures > 20)
			printf("# ... %d failures in total\n", tap_failures);
		printf("%sok %d %s\n", tap_failures ? "not " : "", i + 1,
		       tests[i].name);
		failed += tap_failures != 0;
	}
	printf("# %d/%d passed\n", n - failed, n);
	return failed ? 1 : 0;
}

#ifdef TAP_WANT_RNG
/*
 * Seeded xorshift64 for the property tests: the seed is printed by the
 * tests that use it, and SW_SEED=n replays a run.
 */
static uint64_t rng;
static unsigned long long seed;

static inline uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static inline void tap_seed(void)
{
	const char *env = getenv("SW_SEED");

	seed = env ? strtoull(env, NULL, 0) :
		(unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	rng = seed ? seed : 1;
}

#define TAP_MAIN_SEEDED(tests) \
	int main(void) { tap_seed(); return tap_run(tests, sizeof(tests) / sizeof(tests[0])); }
#endif /* TAP_WANT_RNG */

#define TAP_MAIN(tests) \
	int main(void) { return tap_run(tests, sizeof(tests) / sizeof(tests[0])); }

#endif
