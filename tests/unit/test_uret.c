/* SPDX-License-Identifier: MIT */
/*
 * User-return MSRs (spec/user-return-msrs.md) against a fake struct uret_hw: an
 * array of MSR values, a counter of writes the hardware took, and sets of indices
 * whose reads or writes fail.
 *
 * Spec §8 items checked here, each as its own named test point: 1, 2 (while
 * loaded), 4, 5, 6 and 7. Items that are not this module's:
 *  - §8.2 beyond "while loaded": a guest RDMSR returns the vCPU's cached data
 *    (across migration, long-mode changes, and for CSTAR, which is never loaded);
 *    that cache lives in the MSR model and the engine, not in the uret slots.
 *  - §8.3: whether STAR/LSTAR/SFMASK are loaded at all (LMA and SCE) is the
 *    engine's load policy, decided before it calls uret_set.
 *  - §8.8 and §8.9: what host kernel code may trust while guest values are live,
 *    and the preemption/IRQ ordering around VM entry, are facts about the host
 *    kernel; this module has no kernel paths, NMIs or IRQs to observe.
 */
#include <string.h>

#include "tap.h"
#include "vcpu/uret.h"

/*
 * SDM names, kept local so this test does not depend on vcpu/msr.h. SCE, LME, LMA
 * and NXE are EFER bits 0, 8, 10 and 11.
 */
#define MSR_IA32_EFER	  0xc0000080u
#define MSR_IA32_STAR	  0xc0000081u
#define MSR_IA32_LSTAR	  0xc0000082u
#define MSR_IA32_CSTAR	  0xc0000083u
#define MSR_IA32_FMASK	  0xc0000084u
#define MSR_TSC_AUX	  0xc0000103u
#define MSR_IA32_TSX_CTRL 0x122u
#define MSR_IA32_TSC	  0x10u
#define EFER_SCE	  (1ull << 0)

#define FAKE_MAX  32
#define FAIL_MAX  4
#define GUEST_VAL 0x1122334455667788ull

struct fake_hw {
	uint32_t index[FAKE_MAX];
	uint64_t val[FAKE_MAX];
	unsigned n;
	unsigned reads, writes, refused; /* writes: taken; refused: failed attempts */
	uint32_t fail_read[FAIL_MAX], fail_write[FAIL_MAX];
	unsigned nfail_read, nfail_write;
};

static bool in_set(const uint32_t *set, unsigned n, uint32_t index)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i] == index)
			return true;
	return false;
}

static uint64_t *fake_slot(struct fake_hw *f, uint32_t index)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->index[i] == index)
			return &f->val[i];
	return NULL;
}

static void fake_add(struct fake_hw *f, uint32_t index, uint64_t val)
{
	f->index[f->n] = index;
	f->val[f->n++] = val;
}

/* An MSR the fake does not have faults, like RDMSR of an absent MSR. */
static int fake_read(void *ctx, uint32_t index, uint64_t *val)
{
	struct fake_hw *f = ctx;
	uint64_t *p = fake_slot(f, index);

	f->reads++;
	if (!p || in_set(f->fail_read, f->nfail_read, index))
		return -1;
	*val = *p;
	return 0;
}

static int fake_write(void *ctx, uint32_t index, uint64_t val)
{
	struct fake_hw *f = ctx;
	uint64_t *p = fake_slot(f, index);

	if (!p || in_set(f->fail_write, f->nfail_write, index)) {
		f->refused++;
		return -1;
	}
	*p = val;
	f->writes++;
	return 0;
}

static uint64_t hwval(struct fake_hw *f, uint32_t index)
{
	return *fake_slot(f, index);
}

/* The host values, in spec §5's VMX registration order; TSX_CTRL is absent. */
enum {
	S_FMASK,
	S_LSTAR,
	S_CSTAR,
	S_EFER,
	S_TSC_AUX,
	S_STAR,
	S_COUNT
};
static const struct {
	uint32_t index;
	uint64_t host;
} host_msrs[S_COUNT] = {
	[S_FMASK] = {MSR_IA32_FMASK, 0x47700},
	[S_LSTAR] = {MSR_IA32_LSTAR, 0xffffffff81a00080ull},
	[S_CSTAR] = {MSR_IA32_CSTAR, 0xffffffff81a01a40ull},
	[S_EFER] = {MSR_IA32_EFER, 0xd01}, /* SCE | LME | LMA | NXE */
	[S_TSC_AUX] = {MSR_TSC_AUX, 3},	   /* the CPU number, as RDTSCP shows it */
	[S_STAR] = {MSR_IA32_STAR, 0x0023001000000000ull},
};

struct rig {
	struct fake_hw f;
	struct uret_hw hw;
	struct uret_registry reg;
	struct uret_cpu cpu;
};

static void rig_fake(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	r->hw = (struct uret_hw){.ctx = &r->f, .read = fake_read, .write = fake_write};
	for (unsigned i = 0; i < S_COUNT; i++)
		fake_add(&r->f, host_msrs[i].index, host_msrs[i].host);
	fake_add(&r->f, MSR_IA32_TSC, 12345);
}

/* Registered and online, with the fake's counters zeroed. */
static void rig_setup(struct rig *r)
{
	rig_fake(r);
	for (unsigned i = 0; i < S_COUNT; i++)
		uret_register(&r->reg, &r->hw, host_msrs[i].index);
	uret_register(&r->reg, &r->hw, MSR_IA32_TSX_CTRL);
	uret_cpu_online(&r->reg, &r->cpu, &r->hw);
	r->f.reads = r->f.writes = r->f.refused = 0;
}

static int set(struct rig *r, unsigned slot, uint64_t value, uint64_t mask)
{
	return uret_set(&r->reg, &r->cpu, &r->hw, slot, value, mask);
}

static void user_return(struct rig *r)
{
	uret_on_user_return(&r->reg, &r->cpu, &r->hw);
}

/* What the flag must say (§8.7): some slot has curr != host. */
static bool owed(const struct rig *r)
{
	for (unsigned i = 0; i < r->reg.count; i++)
		if (r->cpu.values[i].curr != r->cpu.values[i].host)
			return true;
	return false;
}

static bool all_host(struct rig *r)
{
	for (unsigned i = 0; i < S_COUNT; i++)
		if (hwval(&r->f, host_msrs[i].index) != host_msrs[i].host ||
		    r->cpu.values[i].curr != host_msrs[i].host)
			return false;
	return true;
}

static void test_register(void)
{
	struct rig r;
	bool order = true;

	rig_fake(&r);
	is_u64(uret_register(&r.reg, &r.hw, MSR_IA32_FMASK), 0, "register: first MSR gets slot 0");
	ok(r.f.reads == 1 && r.f.writes == 1 && hwval(&r.f, MSR_IA32_FMASK) == 0x47700,
	   "register: the probe is one read and one write of the same value");
	for (unsigned i = 1; i < S_COUNT; i++)
		order &= uret_register(&r.reg, &r.hw, host_msrs[i].index) == (int)i;
	ok(order && r.reg.count == S_COUNT, "register: registration order gives slot numbers");

	r.f.writes = 0;
	ok(uret_register(&r.reg, &r.hw, MSR_IA32_TSX_CTRL) == -1 && r.reg.count == S_COUNT &&
		   r.f.writes == 0 && r.f.refused == 0,
	   "register: a refused probe read registers nothing, returns -1, writes nothing");
	r.f.fail_write[r.f.nfail_write++] = MSR_IA32_TSC;
	ok(uret_register(&r.reg, &r.hw, MSR_IA32_TSC) == -1 && r.reg.count == S_COUNT &&
		   hwval(&r.f, MSR_IA32_TSC) == 12345,
	   "register: a refused probe write registers nothing and returns -1");
	ok(uret_register(&r.reg, &r.hw, MSR_IA32_LSTAR) == S_LSTAR && r.reg.count == S_COUNT,
	   "register: registering an MSR twice gives back its slot, not a second one");

	bool found = true;
	for (unsigned i = 0; i < S_COUNT; i++)
		found &= uret_find(&r.reg, host_msrs[i].index) == (int)i;
	ok(found, "find: every registered MSR is found at its slot");
	ok(uret_find(&r.reg, MSR_IA32_TSX_CTRL) == -1 && uret_find(&r.reg, MSR_IA32_TSC) == -1 &&
		   uret_find(&r.reg, 0) == -1,
	   "find: an MSR that failed its probe or was never registered is -1");
}

static void test_full(void)
{
	struct rig r;
	bool slots = true;

	memset(&r, 0, sizeof(r));
	r.hw = (struct uret_hw){.ctx = &r.f, .read = fake_read, .write = fake_write};
	for (unsigned i = 0; i <= URET_MAX_SLOTS; i++)
		fake_add(&r.f, 0x1000 + i, i);
	for (unsigned i = 0; i < URET_MAX_SLOTS; i++)
		slots &= uret_register(&r.reg, &r.hw, 0x1000 + i) == (int)i;
	ok(slots, "register: %d MSRs fill slots 0..%d", URET_MAX_SLOTS, URET_MAX_SLOTS - 1);
	r.f.reads = r.f.writes = 0;
	ok(uret_register(&r.reg, &r.hw, 0x1000 + URET_MAX_SLOTS) == -1 &&
		   r.reg.count == URET_MAX_SLOTS && r.f.reads == 0 && r.f.writes == 0,
	   "register: a full registry returns -1 and touches no hardware");
}

static void test_online(void)
{
	struct rig r;
	bool same = true;

	rig_setup(&r);
	for (unsigned i = 0; i < S_COUNT; i++)
		same &= r.cpu.values[i].host == host_msrs[i].host &&
			r.cpu.values[i].curr == host_msrs[i].host;
	ok(same, "online: host == curr == the hardware's value in every slot");
	ok(!r.cpu.registered && r.cpu.n.loads == 0 && r.cpu.n.restores == 0,
	   "online: nothing owed, nothing counted");
}

static void test_get(void)
{
	struct rig r;

	rig_setup(&r);
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);
	set(&r, S_STAR, 0x001b000800000000ull, ~0ull);
	set(&r, S_TSC_AUX, 7, ~0ull);
	ok(uret_get(&r.cpu, S_LSTAR) == GUEST_VAL &&
		   uret_get(&r.cpu, S_STAR) == 0x001b000800000000ull &&
		   uret_get(&r.cpu, S_TSC_AUX) == 7 && hwval(&r.f, MSR_TSC_AUX) == 7,
	   "§8.2: uret_get returns the loaded guest value, and the hardware holds it");
	set(&r, S_LSTAR, GUEST_VAL + 0x40, ~0ull);
	is_u64(uret_get(&r.cpu, S_LSTAR), GUEST_VAL + 0x40,
	       "§8.2: uret_get returns the last of two loads");
	is_u64(uret_get(&r.cpu, S_FMASK), host_msrs[S_FMASK].host,
	       "uret_get of a slot never loaded is the host value");
}

static void test_skip(void)
{
	struct rig r;
	uint64_t host = host_msrs[S_LSTAR].host;

	rig_setup(&r);
	ok(set(&r, S_LSTAR, host, ~0ull) == 0 && r.f.writes == 0 && r.cpu.n.loads == 0,
	   "§8.4: loading the host value writes nothing");
	ok(!r.cpu.registered, "§8.4: loading the host value leaves registered false");
	set(&r, S_LSTAR, host, ~0ull);
	ok(r.cpu.n.skips == 2 && r.f.writes == 0,
	   "§8.4: a second identical load is free (skips %u, writes %u)", (unsigned)r.cpu.n.skips,
	   r.f.writes);
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);
	ok(r.f.writes == 1 && r.cpu.n.loads == 1 && r.cpu.n.skips == 3,
	   "§8.4: reloading a guest value already loaded is free");
	/* Outside mask the host bits win, so two values differing only there load the same. */
	set(&r, S_LSTAR, GUEST_VAL, ~0xfull);
	set(&r, S_LSTAR, GUEST_VAL ^ 0x3, ~0xfull);
	ok(r.f.writes == 2 && r.cpu.n.skips == 4,
	   "§8.4: a value that differs only outside mask from the loaded one is free");
}

static void test_mask(void)
{
	struct rig r;
	uint64_t host = host_msrs[S_EFER].host;
	bool kept = true;

	rig_setup(&r);
	set(&r, S_EFER, 0, EFER_SCE);
	is_u64(hwval(&r.f, MSR_IA32_EFER), host & ~EFER_SCE,
	       "§8.5: a guest EFER of 0 under mask SCE changes only SCE in hardware");
	for (unsigned b = 0; b < 64 && kept; b++) {
		uint64_t bit = 1ull << b, hw;

		set(&r, S_EFER, ~host, ~bit);
		hw = hwval(&r.f, MSR_IA32_EFER);
		kept = (hw & bit) == (host & bit) && (hw & ~bit) == (~host & ~bit) &&
		       uret_get(&r.cpu, S_EFER) == hw;
		if (!kept)
			printf("#   bit %u: hardware 0x%llx, host 0x%llx\n", b,
			       (unsigned long long)hw, (unsigned long long)host);
	}
	ok(kept, "§8.5: for each of 64 bits, a bit outside mask keeps the host value");
	rig_setup(&r);
	ok(set(&r, S_EFER, ~host, 0) == 0 && r.f.writes == 0 && !r.cpu.registered,
	   "§8.5: with mask 0 the host value stays and nothing is written");
}

static void test_fault(void)
{
	struct rig r;
	uint64_t host = host_msrs[S_LSTAR].host;

	rig_setup(&r);
	r.f.fail_write[r.f.nfail_write++] = MSR_IA32_LSTAR;
	ok(set(&r, S_LSTAR, GUEST_VAL, ~0ull) == 1, "§8.6: a refused write returns 1");
	ok(r.cpu.values[S_LSTAR].curr == host && hwval(&r.f, MSR_IA32_LSTAR) == host &&
		   !r.cpu.registered,
	   "§8.6: a refused write leaves curr, the hardware and registered unchanged");
	ok(r.cpu.n.faults == 1 && r.cpu.n.loads == 0, "§8.6: a refused write counts one fault");

	r.f.nfail_write = 0;
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);
	r.f.nfail_write = 1;
	ok(set(&r, S_LSTAR, GUEST_VAL + 1, ~0ull) == 1 && uret_get(&r.cpu, S_LSTAR) == GUEST_VAL &&
		   r.cpu.registered,
	   "§8.6: a refused write over a guest value keeps that value and the restore owed");
}

static void test_registered(void)
{
	struct rig r;
	unsigned writes;

	rig_setup(&r);
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);
	ok(r.cpu.registered, "§8.7: a real load arms the restore");
	set(&r, S_STAR, GUEST_VAL, ~0ull);
	set(&r, S_LSTAR, host_msrs[S_LSTAR].host, ~0ull);
	ok(r.cpu.registered, "§8.7: one slot back at host, another still differs: still owed");
	set(&r, S_STAR, host_msrs[S_STAR].host, ~0ull);
	ok(!r.cpu.registered && r.f.writes == 4,
	   "§8.7: every slot loaded back to host: nothing owed (registered iff curr != host)");

	set(&r, S_TSC_AUX, 9, ~0ull);
	set(&r, S_FMASK, 0, ~0ull);
	user_return(&r);
	ok(all_host(&r) && !r.cpu.registered,
	   "§8.7: after the restore every slot has curr == host and registered is false");
	writes = r.f.writes;
	user_return(&r);
	ok(r.f.writes == writes && r.cpu.n.restores == 2,
	   "§8.7: a restore with nothing owed writes nothing");
}

/* §8.7 under a pseudo-random mix of loads, refusals and restores. */
static void test_registered_random(void)
{
	struct rig r;
	uint32_t seed = 0x2545f491;
	bool flag = true, truthful = true;

	rig_setup(&r);
	for (unsigned step = 0; step < 4000 && flag && truthful; step++) {
		seed = seed * 1664525u + 1013904223u;
		unsigned slot = (seed >> 8) % S_COUNT, op = (seed >> 16) % 8;
		uint64_t v = (seed >> 20) % 3 ? (seed >> 24) % 4 : host_msrs[slot].host;

		r.f.nfail_write = op == 0;
		r.f.fail_write[0] = host_msrs[slot].index;
		if (op == 7)
			user_return(&r);
		else
			set(&r, slot, v, op == 6 ? 0xffull : ~0ull);
		r.f.nfail_write = 0;
		flag = r.cpu.registered == owed(&r);
		for (unsigned i = 0; i < S_COUNT; i++)
			truthful &= hwval(&r.f, host_msrs[i].index) == r.cpu.values[i].curr;
	}
	ok(flag, "§8.7: over 4000 random operations registered == (some curr != host)");
	ok(truthful, "over 4000 random operations curr always equals the hardware");
}

static void test_restore(void)
{
	struct rig r;

	rig_setup(&r);
	set(&r, S_FMASK, 0x700, ~0ull);
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);
	set(&r, S_EFER, 0, EFER_SCE);
	set(&r, S_TSC_AUX, 1, ~0ull);
	set(&r, S_STAR, 0, ~0ull);
	r.f.writes = 0;
	user_return(&r);
	ok(all_host(&r), "§8.1: after uret_on_user_return every slot holds the online host value");
	ok(r.cpu.n.restores == 5 && r.f.writes == 5,
	   "§8.1: exactly the 5 loaded slots were written back");

	/* A refused restore is not claimed as done: the next return retries it. */
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);
	set(&r, S_STAR, 0, ~0ull);
	r.f.fail_write[r.f.nfail_write++] = MSR_IA32_LSTAR;
	user_return(&r);
	ok(r.cpu.registered && uret_get(&r.cpu, S_LSTAR) == GUEST_VAL &&
		   hwval(&r.f, MSR_IA32_STAR) == host_msrs[S_STAR].host && r.cpu.n.faults == 1,
	   "a refused restore keeps that slot owed and restores the others");
	r.f.nfail_write = 0;
	user_return(&r);
	ok(all_host(&r) && !r.cpu.registered, "the next return finishes the restore");
}

static void test_counters(void)
{
	struct rig r;

	rig_setup(&r);
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);		/* load 1 */
	set(&r, S_LSTAR, GUEST_VAL, ~0ull);		/* skip 1 */
	set(&r, S_STAR, host_msrs[S_STAR].host, ~0ull); /* skip 2 */
	r.f.fail_write[r.f.nfail_write++] = MSR_TSC_AUX;
	set(&r, S_TSC_AUX, 7, ~0ull); /* fault 1 */
	r.f.nfail_write = 0;
	set(&r, S_TSC_AUX, 7, ~0ull);	     /* load 2 */
	set(&r, S_EFER, 0, EFER_SCE);	     /* load 3: 0xd00 */
	set(&r, S_EFER, EFER_SCE, EFER_SCE); /* load 4: back to the host 0xd01 */
	user_return(&r);		     /* restores LSTAR and TSC_AUX */
	user_return(&r);		     /* nothing owed */
	is_u64(r.cpu.n.loads, 4, "counters: loads exact");
	is_u64(r.cpu.n.skips, 2, "counters: skips exact");
	is_u64(r.cpu.n.restores, 2, "counters: restores exact");
	is_u64(r.cpu.n.faults, 1, "counters: faults exact");
	is_u64(r.f.writes, 6, "counters: hardware writes == loads + restores");
}

static void test_bad_slot(void)
{
	struct rig r;

	rig_setup(&r);
	ok(set(&r, S_COUNT, GUEST_VAL, ~0ull) == 1 &&
		   set(&r, (unsigned)-1, GUEST_VAL, ~0ull) == 1 && r.f.writes == 0 &&
		   r.f.refused == 0 && r.cpu.n.faults == 0 && !r.cpu.registered,
	   "set: an unregistered slot (or -1) is refused without touching hardware");
	is_u64(uret_get(&r.cpu, URET_MAX_SLOTS), 0, "get: a slot past the table reads 0");
}

int main(void)
{
	test_register();
	test_full();
	test_online();
	test_get();
	test_skip();
	test_mask();
	test_fault();
	test_registered();
	test_registered_random();
	test_restore();
	test_counters();
	test_bad_slot();
	return tap_done();
}
