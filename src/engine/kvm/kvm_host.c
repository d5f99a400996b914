/* SPDX-License-Identifier: MIT */
/*
 * `vx86 host`: what this host's KVM gives vx86, measured now with the same
 * setup a run uses (kvm_probe.c), so a user sees why a result on the kvm
 * engine differs from the architecture, and tests tolerate only deviations
 * found here. One fact per line; a deviation is a line
 * "deviation NAME: what was measured", and an MSR that --msr-emulation=user
 * cannot route to vx86 is a line "msr-not-routed 0xINDEX NAME: who answers".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "kvm_engine.h"
#include "vcpu/msr.h"

#define REPORT_RAM 0x200000u

static const char *kvm_module(void)
{
	static const char *const mods[] = {"kvm_pvm", "kvm_intel", "kvm_amd"};
	struct stat st;
	char path[64];

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", mods[i]);
		if (stat(path, &st) == 0)
			return mods[i];
	}
	return "unknown (no kvm_intel, kvm_amd or kvm_pvm in /sys/module)";
}

static void report_caps(const struct kvm_engine *k, FILE *out)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = {
		{KVM_CAP_X86_USER_SPACE_MSR, "X86_USER_SPACE_MSR"},
		{KVM_CAP_X86_MSR_FILTER, "X86_MSR_FILTER"},
		{KVM_CAP_XCRS, "XCRS"},
		{KVM_CAP_GET_MSR_FEATURES, "GET_MSR_FEATURES"},
		{KVM_CAP_TSC_CONTROL, "TSC_CONTROL"},
		{KVM_CAP_SET_GUEST_DEBUG, "SET_GUEST_DEBUG"},
		{KVM_CAP_IRQCHIP, "IRQCHIP"},
	};

	fprintf(out, "kvm.caps");
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		fprintf(out, " %s=%s", caps[i].name,
			ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap) > 0 ? "yes" : "no");
	fprintf(out, " VCPU_TSC_OFFSET=%s\n", k->has_tsc_offset ? "yes" : "no");
}

/* Each leaf the guest sees otherwise than KVM_SET_CPUID2 was told, by register. */
static int report_cpuid(const struct kvm_engine *k, const struct cpu_model *cpu, FILE *out)
{
	const struct kvm_cpuid2 *c = k->cpuid;
	struct kvm_cpuid2 *seen = malloc(sizeof(*c) + c->nent * sizeof(c->entries[0]));
	static const char regs[4][4] = {"eax", "ebx", "ecx", "edx"};

	if (!seen || kvm_probe_cpuid(k, c, seen) < 0) {
		free(seen);
		return -EIO;
	}
	fprintf(out,
		"cpuid %u leaves given to KVM_SET_CPUID2; the guest sees %u of them otherwise\n",
		c->nent, k->cpuid_differs);
	for (uint32_t i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *g = &c->entries[i], *s = &seen->entries[i];
		uint32_t gv[4] = {g->eax, g->ebx, g->ecx, g->edx};
		uint32_t sv[4] = {s->eax, s->ebx, s->ecx, s->edx}, m[4];

		kvm_cpuid_dynamic_mask(g->function, g->index, m);
		for (int r = 0; r < 4; r++)
			if ((gv[r] ^ sv[r]) & ~m[r])
				fprintf(out,
					"cpuid-differs 0x%08x.%u %s: guest 0x%08x, given 0x%08x\n",
					g->function, g->index, regs[r], sv[r], gv[r]);
	}
	if (k->cpuid_differs)
		fprintf(out,
			"deviation cpuid-unmasked: the guest's CPUID is not the table given to "
			"KVM_SET_CPUID2 in %u leaves (KVM follows the table; vx86's rules follow "
			"what the guest sees: vendor %s)\n",
			k->cpuid_differs, cpu_vendor_name(cpu->vendor));
	free(seen);
	return 0;
}

/*
 * KVM_GET_MSR_FEATURE_INDEX_LIST: the feature MSRs KVM can give a guest, read
 * on the system fd (api.rst, KVM_GET_MSRS on /dev/kvm). Those in vx86's table
 * are shown with KVM's value; the kvm engine's model starts from the vCPU's.
 */
static void report_feature_msrs(const struct kvm_engine *k, FILE *out)
{
	struct kvm_msr_list probe = {.nmsrs = 0}, *l;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} b;
	char name[48];

	if (ioctl(k->kvm_fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) < 0 && errno != E2BIG) {
		fprintf(out, "msr.features none (KVM_GET_MSR_FEATURE_INDEX_LIST: %s)\n",
			strerror(errno));
		return;
	}
	l = calloc(1, sizeof(*l) + probe.nmsrs * sizeof(l->indices[0]));
	if (!l)
		return;
	l->nmsrs = probe.nmsrs;
	if (ioctl(k->kvm_fd, KVM_GET_MSR_FEATURE_INDEX_LIST, l) == 0) {
		fprintf(out, "msr.features %u feature MSRs (KVM_GET_MSR_FEATURE_INDEX_LIST)\n",
			l->nmsrs);
		for (uint32_t i = 0; i < l->nmsrs; i++) {
			b.hdr = (struct kvm_msrs){.nmsrs = 1};
			b.e = (struct kvm_msr_entry){.index = l->indices[i]};
			if (!msr_lookup(l->indices[i]) || ioctl(k->kvm_fd, KVM_GET_MSRS, &b) != 1)
				continue;
			fprintf(out, "msr-feature 0x%08x %s: KVM offers 0x%" PRIx64 "\n",
				l->indices[i], msr_name(l->indices[i], name, sizeof(name)) ?: "?",
				(uint64_t)b.e.data);
		}
	}
	free(l);
}

static void report_msr_lists(struct kvm_engine *k, FILE *out)
{
	char name[48];

	report_feature_msrs(k, out);
	fprintf(out, "msr.held %u of vx86's MSRs are kept by KVM too (KVM_GET/SET_MSRS)\n",
		k->nheld);
	for (unsigned i = 0; i < k->nrefused; i++)
		fprintf(out,
			"msr-refused 0x%08x %s: KVM_GET_MSRS reads 0x%" PRIx64
			" but KVM_SET_MSRS refuses it back; vx86 keeps this MSR itself\n",
			k->refused[i], msr_name(k->refused[i], name, sizeof(name)) ?: "?",
			k->refused_value[i]);
}

/*
 * With --msr-emulation=user's filter, who answers a guest RDMSR of each MSR.
 * x2APIC MSRs are never filtered (api.rst, KVM_X86_SET_MSR_FILTER): they reach
 * vx86 only where KVM does not know them (no in-kernel local APIC).
 */
static int report_routes(const struct kvm_engine *k, FILE *out)
{
	uint32_t idx[KVM_MAX_MODEL_MSRS];
	enum kvm_msr_route route[KVM_MAX_MODEL_MSRS];
	unsigned n = kvm_msr_model_indices(idx, KVM_MAX_MODEL_MSRS), bad = 0;
	char name[48];

	if (kvm_probe_msr_routes(k, k->cpuid, idx, n, route) < 0)
		return -EIO;
	for (unsigned i = 0; i < n; i++) {
		if (route[i] == KVM_MSR_ROUTE_VX86)
			continue;
		bad++;
		fprintf(out, "msr-not-routed 0x%08x %s: %s\n", idx[i],
			msr_name(idx[i], name, sizeof(name)) ?: "?", kvm_msr_route_name(route[i]));
	}
	fprintf(out,
		"msr.routed %u of %u MSRs in vx86's table exit to vx86 with --msr-emulation=user\n",
		n - bad, n);
	if (bad)
		fprintf(out,
			"deviation msr-not-routed: KVM answers %u MSRs itself although vx86's "
			"filter denies them (msr-not-routed lines)\n",
			bad);
	return 0;
}

static int report_tsc(const struct kvm_engine *k, FILE *out)
{
	bool rdtsc_moves = false, rdmsr_moves = false;

	if (kvm_probe_tsc(k, k->cpuid, &rdtsc_moves, &rdmsr_moves) < 0)
		return -EIO;
	fprintf(out, "tsc a guest TSC write (%s) moves RDTSC: %s, KVM_GET_MSRS(IA32_TSC): %s\n",
		k->has_tsc_offset ? "KVM_VCPU_TSC_OFFSET" : "KVM_SET_MSRS",
		rdtsc_moves ? "yes" : "no", rdmsr_moves ? "yes" : "no");
	if (!rdtsc_moves || !rdmsr_moves)
		fprintf(out,
			"deviation tsc-write-ignored: a TSC write vx86's model accepted does not "
			"move the guest's TSC (%s%s%s)\n",
			rdtsc_moves ? "" : "RDTSC", !rdtsc_moves && !rdmsr_moves ? ", " : "",
			rdmsr_moves ? "" : "RDMSR");
	return 0;
}

int kvm_host_report(FILE *out)
{
	void *ram =
		mmap(NULL, REPORT_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct engine_config cfg = {
		.mem = {{.gpa = 0, .size = REPORT_RAM, .host = ram}},
		.nmem = 1,
		.log = stderr,
		.vendor = -1,
		.unknown_msr_gp = true,
	};
	struct cpu_model cpu;
	struct kvm_engine *k;
	void *ctx = NULL;
	int ret;

	if (ram == MAP_FAILED)
		return -errno;
	ret = kvm_engine_ops.create(&cfg, &cpu, &ctx);
	if (ret) {
		munmap(ram, REPORT_RAM);
		return ret;
	}
	k = ctx;
	fprintf(out, "kvm.module %s\n", kvm_module());
	fprintf(out, "kvm.api %d\n", ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0));
	report_caps(k, out);
	ret = report_cpuid(k, &cpu, out);
	report_msr_lists(k, out);
	if (!ret)
		ret = report_routes(k, out);
	if (!ret)
		ret = report_tsc(k, out);
	kvm_engine_ops.destroy(ctx);
	munmap(ram, REPORT_RAM);
	return ret;
}
