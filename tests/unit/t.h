/*
 * t.h: the unit-test harness.  Each T_CHECK is one test; a failing one
 * prints where and why.  T_DONE() prints "N passed, N failed" and gives
 * the exit status, which tests/run.sh adds up.
 */
#ifndef NG_T_H
#define NG_T_H

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Test material copied from other projects (tests/conformance/README.md);
 * the tests run from the top of the repository. */
#define T_CONFORMANCE "tests/conformance"

static int t_passed, t_failed;

#define T_CHECK(cond, ...) do {						\
	if (cond) t_passed++;						\
	else {								\
		t_failed++;						\
		fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define T_STREQ(got, want) do {						\
	const char *t_g_ = (got), *t_w_ = (want);			\
	T_CHECK(t_g_ && strcmp(t_g_, t_w_) == 0,			\
		"got \"%s\", want \"%s\"", t_g_ ? t_g_ : "(null)", t_w_); \
} while (0)

/* Equal as doubles; NaN equals NaN. */
#define T_NUMEQ(got, want) do {						\
	double t_g_ = (got), t_w_ = (want);				\
	T_CHECK((isnan(t_g_) && isnan(t_w_)) || t_g_ == t_w_ ||		\
		fabs(t_g_ - t_w_) <= 1e-12 * fabs(t_w_),		\
		"got %.17g, want %.17g", t_g_, t_w_);			\
} while (0)

#define T_DONE() (printf("%d passed, %d failed\n", t_passed, t_failed), \
		  t_failed ? 1 : 0)

#endif
