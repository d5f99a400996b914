/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the MSR model tests: a vCPU model over a zeroed state after
 * RESET, one-line accessors, and check_writes, which runs a list of writes from
 * the same starting state and checks each result, that a refused write left the
 * whole vcpu_state unchanged (memcmp), and what an accepted one reads back.
 */
#ifndef VX86_MSR_TEST_H
#define VX86_MSR_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "vcpu/cpu_model.h"
#include "vcpu/cr.h"
#include "vcpu/msr.h"

#define GUEST  false
#define HOST   true
#define ONES   (~0ull)
#define BIT(n) (1ull << (n))

struct fixture {
	struct cpu_model cpu;
	struct vcpu_state st;
	struct vcpu_model m;
};

/* The built-in model for v, a zeroed state, then RESET of the BSP. */
static inline void fx_init(struct fixture *f, enum cpu_vendor v)
{
	memset(f, 0, sizeof(*f));
	cpu_model_init(&f->cpu, v);
	f->m.st = &f->st;
	f->m.cpu = &f->cpu;
	msr_reset(&f->m, false, true);
}

static inline enum msr_result wr(struct fixture *f, uint32_t index, uint64_t val, bool host)
{
	struct msr_req r = {index, val, host};

	return msr_set(&f->m, &r);
}

static inline enum msr_result rd(struct fixture *f, uint32_t index, bool host, uint64_t *val)
{
	struct msr_req r = {index, 0xdeadbeefull, host};
	enum msr_result res = msr_get(&f->m, &r);

	*val = r.data;
	return res;
}

/* A host read that must succeed; ~0 flags a failure to the comparison that follows. */
static inline uint64_t rdv(struct fixture *f, uint32_t index)
{
	uint64_t v;

	return rd(f, index, HOST, &v) == MSR_OK ? v : 0xbad0bad0bad0bad0ull;
}

static inline const char *res_name(int res)
{
	return res == MSR_OK ? "OK" : res == MSR_FAULT ? "FAULT" : "UNSUPPORTED";
}

/* A write that must be refused with want and leave every byte of the state alone. */
static inline bool refused(struct fixture *f, uint32_t index, uint64_t val, bool host,
			   enum msr_result want)
{
	struct vcpu_state before;
	enum msr_result res;

	memcpy(&before, &f->st, sizeof(before));
	res = wr(f, index, val, host);
	if (res != want)
		printf("#   write 0x%x = 0x%" PRIx64 ": %s, want %s\n", index, val, res_name(res),
		       res_name(want));
	return res == want && memcmp(&before, &f->st, sizeof(before)) == 0;
}

/* One write: the value, the result it must get, and (if MSR_OK) what a host read returns. */
struct wcase {
	uint64_t val;
	enum msr_result res;
	uint64_t read;
};

static inline bool wcase_check(struct fixture *f, uint32_t index, bool host, const struct wcase *c,
			       const struct vcpu_state *base)
{
	const struct msr_desc *d = msr_lookup(index);
	enum msr_result res = wr(f, index, c->val, host);
	uint64_t got = 0;
	const char *why = NULL;

	if (res != c->res)
		why = "wrong result";
	else if (res != MSR_OK && memcmp(base, &f->st, sizeof(*base)) != 0)
		why = "a refused write changed the state";
	else if (res == MSR_OK && d && d->writer != MSR_WRITER_NONE_RD &&
		 (rd(f, index, HOST, &got) != MSR_OK || got != c->read))
		why = "wrong value read back";
	if (why)
		printf("#   0x%x <- 0x%016" PRIx64 ": %s (got %s, read 0x%" PRIx64
		       "; want %s, 0x%" PRIx64 ")\n",
		       index, c->val, why, res_name(res), got, res_name(c->res), c->read);
	return !why;
}

/* Every case from the same starting state; one test point for the lot. */
static inline void check_writes(struct fixture *f, const char *what, uint32_t index, bool host,
				const struct wcase *c, unsigned n)
{
	struct vcpu_state base;
	unsigned bad = 0;

	memcpy(&base, &f->st, sizeof(base));
	for (unsigned i = 0; i < n; i++) {
		memcpy(&f->st, &base, sizeof(base));
		if (!wcase_check(f, index, host, &c[i], &base))
			bad++;
	}
	memcpy(&f->st, &base, sizeof(base));
	ok(bad == 0, "%s (%s): %u writes, %u wrong", what, host ? "host" : "guest", n, bad);
}

/*
 * For bit loops: case b writes old ^ BIT(b). fill_bits sets every case to res,
 * reading back the written value; the test then overrides the exceptions.
 */
static inline void fill_bits(struct wcase c[64], uint64_t old, enum msr_result res)
{
	for (unsigned b = 0; b < 64; b++)
		c[b] = (struct wcase){old ^ BIT(b), res, old ^ BIT(b)};
}

static inline void set_case(struct wcase c[64], unsigned b, enum msr_result res, uint64_t read)
{
	c[b].res = res;
	c[b].read = read;
}

#endif
