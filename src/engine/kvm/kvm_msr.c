/* SPDX-License-Identifier: MIT */
/*
 * The kvm engine's MSR plumbing (spec/msr.md §8, §10, §11; api.rst):
 *  - user-space MSR exits (KVM_CAP_X86_USER_SPACE_MSR): MSRs KVM does not know
 *    always reach vx86, so --unknown-msr applies; with --msr-emulation=user an
 *    MSR filter (KVM_X86_SET_MSR_FILTER) denies every MSR in vx86's table, so
 *    each guest access exits and vx86's model decides it;
 *  - the "held" list: MSRs both KVM and the model keep, read and written with
 *    KVM_GET/SET_MSRS. Those ioctls return how many entries they processed;
 *    a short count is an error that names the MSR (STYLE.md, "Errors").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <x86intrin.h>

#include "kvm_engine.h"
#include "vcpu/msr.h"

/* One filter range per block of MSR indices vx86 models. */
static const uint32_t filter_bases[] = {0x00000000, 0xc0000000, 0xc0010000};
#define FILTER_SPAN 0x3000u /* MSRs per range: KVM_MSR_FILTER_MAX_BITMAP_SIZE * 8 */
#define NBASES	    (sizeof(filter_bases) / sizeof(filter_bases[0]))

/* x2APIC MSRs are never filtered (spec/msr.md §10), so they are never denied. */
#define X2APIC_FIRST 0x800u
#define X2APIC_LAST  0x8ffu

struct msr_batch {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[KVM_MAX_HELD_MSRS];
};

static const char *name_of(uint32_t index, char *buf, size_t len)
{
	const char *n = msr_name(index, buf, len);

	return n ? n : "not modelled";
}

unsigned kvm_msr_model_indices(uint32_t *out, unsigned max)
{
	unsigned nrows, n = 0;
	const struct msr_desc *t = msr_table(&nrows);

	for (unsigned i = 0; i < nrows; i++)
		for (uint32_t j = 0; j < t[i].count && n < max; j++)
			out[n++] = t[i].index + j;
	return n;
}

static int install_filter(struct kvm_engine *k)
{
	uint8_t bitmaps[NBASES][FILTER_SPAN / 8]; /* KVM copies them */
	struct kvm_msr_filter f = {.flags = KVM_MSR_FILTER_DEFAULT_ALLOW};
	uint32_t idx[KVM_MAX_MODEL_MSRS];
	unsigned n = kvm_msr_model_indices(idx, KVM_MAX_MODEL_MSRS);
	char name[48];

	memset(bitmaps, 0xff, sizeof(bitmaps)); /* a set bit allows: KVM handles it */
	for (unsigned i = 0; i < n; i++) {
		unsigned b = 0;

		if (idx[i] >= X2APIC_FIRST && idx[i] <= X2APIC_LAST)
			continue;
		while (b < NBASES && idx[i] - filter_bases[b] >= FILTER_SPAN)
			b++;
		if (b == NBASES) {
			fprintf(k->log, "vx86: kvm: MSR 0x%x (%s) is outside vx86's MSR filter\n",
				idx[i], name_of(idx[i], name, sizeof(name)));
			return -EINVAL;
		}
		bitmaps[b][(idx[i] - filter_bases[b]) / 8] &=
			~(1u << ((idx[i] - filter_bases[b]) % 8));
	}
	for (unsigned b = 0; b < NBASES; b++)
		f.ranges[b] = (struct kvm_msr_filter_range){
			.flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
			.nmsrs = FILTER_SPAN,
			.base = filter_bases[b],
			.bitmap = bitmaps[b],
		};
	if (ioctl(k->vm_fd, KVM_X86_SET_MSR_FILTER, &f) < 0)
		return kvm_fail(k->log, "KVM_X86_SET_MSR_FILTER");
	return 0;
}

static bool has_cap(struct kvm_engine *k, int cap)
{
	return ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

int kvm_msr_enable_exits(struct kvm_engine *k, const struct engine_config *cfg)
{
	struct kvm_enable_cap cap = {.cap = KVM_CAP_X86_USER_SPACE_MSR};

	if (!has_cap(k, KVM_CAP_X86_USER_SPACE_MSR) ||
	    (cfg->msr_user && !has_cap(k, KVM_CAP_X86_MSR_FILTER))) {
		if (!cfg->msr_user && cfg->unknown_msr_gp)
			return 0; /* KVM's own #GP for unknown MSRs is what was asked */
		fprintf(k->log, "vx86: kvm: %s lacks %s, which %s needs\n", KVM_DEVICE,
			has_cap(k, KVM_CAP_X86_USER_SPACE_MSR) ? "KVM_CAP_X86_MSR_FILTER"
							       : "KVM_CAP_X86_USER_SPACE_MSR",
			cfg->msr_user ? "--msr-emulation=user" : "--unknown-msr=ignore|log");
		return -ENOTSUP;
	}
	cap.args[0] = KVM_MSR_EXIT_REASON_UNKNOWN;
	if (cfg->msr_user)
		cap.args[0] |= KVM_MSR_EXIT_REASON_FILTER;
	if (ioctl(k->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return kvm_fail(k->log, "KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR)");
	return cfg->msr_user ? install_filter(k) : 0;
}

/* KVM_GET_MSR_INDEX_LIST: probe the size with nmsrs = 0 (-E2BIG), then read it. */
static struct kvm_msr_list *kvm_index_list(struct kvm_engine *k)
{
	struct kvm_msr_list probe = {.nmsrs = 0}, *l;

	if (ioctl(k->kvm_fd, KVM_GET_MSR_INDEX_LIST, &probe) < 0 && errno != E2BIG)
		return NULL;
	l = calloc(1, sizeof(*l) + probe.nmsrs * sizeof(l->indices[0]));
	if (!l)
		return NULL;
	l->nmsrs = probe.nmsrs;
	if (ioctl(k->kvm_fd, KVM_GET_MSR_INDEX_LIST, l) < 0) {
		free(l);
		return NULL;
	}
	return l;
}

static bool listed(const struct kvm_msr_list *l, uint32_t index)
{
	for (uint32_t i = 0; l && i < l->nmsrs; i++)
		if (l->indices[i] == index)
			return true;
	return false;
}

/*
 * MSRs KVM keeps but does not list (they live in kvm_sregs or are saved by
 * VMMs explicitly): EFER, FS/GS base, APIC base and the MTRRs.
 */
static bool kept_unlisted(uint32_t index)
{
	return index == MSR_EFER || index == MSR_FS_BASE || index == MSR_GS_BASE ||
	       index == MSR_IA32_APIC_BASE || index == MSR_IA32_MTRR_DEF_TYPE ||
	       (index >= MSR_IA32_MTRR_PHYSBASE0 && index <= MSR_IA32_MTRR_PHYSMASK7) ||
	       index == MSR_IA32_MTRR_FIX64K_00000 || index == MSR_IA32_MTRR_FIX16K_80000 ||
	       index == MSR_IA32_MTRR_FIX16K_A0000 ||
	       (index >= MSR_IA32_MTRR_FIX4K_C0000 && index <= MSR_IA32_MTRR_FIX4K_F8000);
}

/* Read-only and write-only MSRs have nothing to write back. */
static bool writable(uint32_t index)
{
	const struct msr_desc *d = msr_lookup(index);

	return !d || (d->writer != MSR_WRITER_READONLY && d->writer != MSR_WRITER_NONE_RD);
}

static void drop_held(struct kvm_engine *k, unsigned i)
{
	memmove(&k->held[i], &k->held[i + 1], (k->nheld - i - 1) * sizeof(k->held[0]));
	k->nheld--;
}

/*
 * KVM refused `value` for the held MSR `index`: vx86 keeps the MSR in its own
 * state from now on (KVM_GET_MSRS no longer overwrites it), so a guest write
 * the model accepted never stops the VM (spec/msr.md §11: the model decides).
 * Said once per MSR, since KVM no longer sees what the guest writes there.
 */
static void refuse(struct kvm_engine *k, uint32_t index, uint64_t value, bool setup)
{
	char name[48];

	for (unsigned i = 0; i < k->nheld; i++)
		if (k->held[i] == index) {
			drop_held(k, i);
			break;
		}
	if (k->nrefused < KVM_MAX_HELD_MSRS) {
		k->refused[k->nrefused] = index;
		k->refused_value[k->nrefused++] = value;
	}
	if (!setup)
		fprintf(k->log,
			"vx86: kvm: KVM_SET_MSRS refused MSR 0x%x (%s) = 0x%" PRIx64
			", a value vx86's model accepted; vx86 keeps this MSR in its own state "
			"from now on (KVM does not see it)\n",
			index, name_of(index, name, sizeof(name)), value);
}

/*
 * KVM_SET_MSRS, or as much of the batch as comes before the write the test
 * hook refuses: KVMs that list an MSR and then refuse a valid value for it
 * exist (kvm_pvm on Intel: IA32_FEATURE_CONTROL = 1), and the path that keeps
 * the guest running must be testable on every host.
 */
static int set_msrs(struct kvm_engine *k, struct msr_batch *b)
{
	uint32_t n = b->hdr.nmsrs;
	int ret;

	for (uint32_t i = 0; k->test_refuse && i < n; i++) {
		if (b->e[i].index != k->test_refuse_index || b->e[i].data != k->test_refuse_value)
			continue;
		b->hdr.nmsrs = i;
		ret = i ? ioctl(k->vcpu_fd, KVM_SET_MSRS, b) : 0;
		b->hdr.nmsrs = n;
		return ret;
	}
	return ioctl(k->vcpu_fd, KVM_SET_MSRS, b);
}

/*
 * KVM_SET_MSRS stops at the first entry it refuses and returns how many it
 * set (api.rst). Each refused entry is handed to refuse() and the rest of the
 * batch goes on. 0, or -errno if the ioctl itself failed.
 */
static int set_batch(struct kvm_engine *k, struct msr_batch *b, bool setup)
{
	for (;;) {
		int ret = set_msrs(k, b);

		if (ret < 0)
			return kvm_fail(k->log, "KVM_SET_MSRS");
		if ((unsigned)ret >= b->hdr.nmsrs)
			return 0;
		refuse(k, b->e[ret].index, b->e[ret].data, setup);
		b->hdr.nmsrs -= ret + 1;
		memmove(&b->e[0], &b->e[ret + 1], b->hdr.nmsrs * sizeof(b->e[0]));
	}
}

/*
 * The held list: MSRs in vx86's table that KVM lists (KVM_GET_MSR_INDEX_LIST)
 * or keeps unlisted, less those KVM_GET_MSRS refuses to read and those whose
 * own value KVM_SET_MSRS refuses to take back (a KVM may list an MSR it does
 * not hold on this host). The TSC is not written back: a host TSC write may
 * resynchronize it.
 */
static int find_held(struct kvm_engine *k)
{
	uint32_t idx[KVM_MAX_MODEL_MSRS];
	unsigned n = kvm_msr_model_indices(idx, KVM_MAX_MODEL_MSRS);
	struct kvm_msr_list *l = kvm_index_list(k);
	struct msr_batch b;
	int ret;

	k->nheld = 0;
	for (unsigned i = 0; i < n && k->nheld < KVM_MAX_HELD_MSRS; i++)
		if (listed(l, idx[i]) || kept_unlisted(idx[i]))
			k->held[k->nheld++] = idx[i];
	free(l);
	for (;;) {
		b.hdr = (struct kvm_msrs){.nmsrs = k->nheld};
		for (unsigned i = 0; i < k->nheld; i++)
			b.e[i] = (struct kvm_msr_entry){.index = k->held[i]};
		ret = ioctl(k->vcpu_fd, KVM_GET_MSRS, &b);
		if (ret < 0)
			return kvm_fail(k->log, "KVM_GET_MSRS");
		if ((unsigned)ret == k->nheld)
			break;
		drop_held(k, ret);
	}
	unsigned w = 0;

	for (unsigned i = 0; i < b.hdr.nmsrs; i++)
		if (writable(b.e[i].index) && b.e[i].index != MSR_IA32_TSC)
			b.e[w++] = b.e[i];
	b.hdr.nmsrs = w;
	return set_batch(k, &b, true);
}

bool kvm_msr_read(struct kvm_engine *k, uint32_t index, uint64_t *val)
{
	struct msr_batch b = {.hdr.nmsrs = 1, .e[0].index = index};

	if (ioctl(k->vcpu_fd, KVM_GET_MSRS, &b) != 1)
		return false;
	*val = b.e[0].data;
	return true;
}

/*
 * The feature MSRs' values are KVM's: the model starts from them, so the
 * RESET state vx86 installs gives KVM back its own values. That holds where
 * the guest's CPUID lacks ARCH_CAPABILITIES too (the guest then gets #GP from
 * the model, and KVM keeps its value: a KVM may refuse any other, as kvm_pvm
 * refuses vx86's default 0x17b).
 */
static void cpu_defaults(struct kvm_engine *k, struct cpu_model *cpu)
{
	uint64_t v;

	if (kvm_msr_read(k, MSR_IA32_ARCH_CAPABILITIES, &v))
		cpu->arch_capabilities = v;
	if (kvm_msr_read(k, MSR_IA32_UCODE_REV, &v))
		cpu->ucode_rev = v;
	if (kvm_msr_read(k, MSR_IA32_MCG_CAP, &v))
		cpu->mcg_cap = v;
}

/* VX86_KVM_REFUSE_MSR=INDEX=VALUE, for tests/e2e/msr.t; a malformed one is ignored, said. */
static void test_hook(struct kvm_engine *k)
{
	const char *env = getenv("VX86_KVM_REFUSE_MSR");
	char *end;

	if (!env || !*env)
		return;
	k->test_refuse_index = (uint32_t)strtoul(env, &end, 0);
	if (*end == '=') {
		k->test_refuse_value = strtoull(end + 1, &end, 0);
		k->test_refuse = *end == 0;
	}
	if (!k->test_refuse)
		fprintf(k->log, "vx86: kvm: VX86_KVM_REFUSE_MSR='%s' is not INDEX=VALUE; ignored\n",
			env);
}

int kvm_msr_setup(struct kvm_engine *k, const struct engine_config *cfg, struct cpu_model *cpu)
{
	struct kvm_device_attr tsc = {.group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET};
	int ret = kvm_msr_enable_exits(k, cfg);

	test_hook(k);
	k->has_tsc_offset = ioctl(k->vcpu_fd, KVM_HAS_DEVICE_ATTR, &tsc) == 0;
	if (!ret)
		ret = find_held(k);
	if (!ret)
		cpu_defaults(k, cpu);
	return ret;
}

int kvm_msr_get_state(struct kvm_engine *k, struct vcpu_state *st)
{
	struct msr_batch b = {.hdr.nmsrs = k->nheld};
	char name[48];
	int ret;

	for (unsigned i = 0; i < k->nheld; i++)
		b.e[i].index = k->held[i];
	ret = ioctl(k->vcpu_fd, KVM_GET_MSRS, &b);
	if (ret < 0)
		return kvm_fail(k->log, "KVM_GET_MSRS");
	if ((unsigned)ret < k->nheld) {
		fprintf(k->log,
			"vx86: kvm: KVM_GET_MSRS read %d of %u MSRs; it refused 0x%x (%s)\n", ret,
			k->nheld, k->held[ret], name_of(k->held[ret], name, sizeof(name)));
		return -EIO;
	}
	for (unsigned i = 0; i < k->nheld; i++)
		msr_state_write(st, b.e[i].index, b.e[i].data);
	return 0;
}

int kvm_msr_set_state(struct kvm_engine *k, const struct vcpu_state *st)
{
	struct msr_batch b = {.hdr.nmsrs = 0};

	for (unsigned i = 0; i < k->nheld; i++) {
		uint64_t v;

		if (writable(k->held[i]) && msr_state_read(st, k->held[i], &v))
			b.e[b.hdr.nmsrs++] = (struct kvm_msr_entry){.index = k->held[i], .data = v};
	}
	return set_batch(k, &b, false);
}

/*
 * A guest TSC write the model accepted. KVM_SET_MSRS would take it as a host
 * write, which KVM may treat as "synchronize with the last write" and keep
 * the old offset (api.rst, KVM_SET_MSRS of IA32_TSC); the vCPU's TSC offset
 * attribute sets exactly the value: guest TSC = host TSC + offset, no scaling.
 */
static int set_guest_tsc(struct kvm_engine *k, uint64_t value)
{
	uint64_t offset = value - __rdtsc();
	struct kvm_device_attr a = {
		.group = KVM_VCPU_TSC_CTRL,
		.attr = KVM_VCPU_TSC_OFFSET,
		.addr = (uintptr_t)&offset,
	};

	if (ioctl(k->vcpu_fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		return kvm_fail(k->log, "KVM_SET_DEVICE_ATTR(KVM_VCPU_TSC_OFFSET)");
	return 0;
}

int kvm_msr_set_one(struct kvm_engine *k, uint32_t index, uint64_t value)
{
	struct msr_batch b = {.hdr.nmsrs = 1, .e[0] = {.index = index, .data = value}};
	unsigned i = 0;

	while (i < k->nheld && k->held[i] != index)
		i++;
	if (i == k->nheld)
		return -ENOENT;
	if (index == MSR_IA32_TSC && k->has_tsc_offset)
		return set_guest_tsc(k, value);
	return set_batch(k, &b, false);
}
