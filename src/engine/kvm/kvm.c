/* SPDX-License-Identifier: MIT */
/*
 * The kvm engine: one VM and one vCPU on /dev/kvm, driven only through the
 * documented KVM API (Documentation/virt/kvm/api.rst). KVM runs the guest; every
 * exit it hands to user space is translated into a struct vcpu_exit for the vCPU
 * model's handler table.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/engine.h"
#include "kvm_engine.h"
#include "kvm_state.h"
#include "vcpu/cr.h"
#include "vcpu/msr.h"

/* The signal that interrupts KVM_RUN for a kick; its handler does nothing. */
#define KVM_KICK_SIGNAL SIGUSR1

int kvm_fail(FILE *log, const char *what)
{
	int err = errno;

	fprintf(log, "vx86: kvm: %s: %s\n", what, strerror(err));
	return -err;
}

static int kvm_probe(char *why, size_t len)
{
	int fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, len, "%s: %s", KVM_DEVICE, strerror(errno));
		return -errno;
	}
	int version = ioctl(fd, KVM_GET_API_VERSION, 0);

	close(fd);
	if (version != KVM_API_VERSION) {
		snprintf(why, len, "%s: KVM API version %d, vx86 needs %d", KVM_DEVICE, version,
			 KVM_API_VERSION);
		return -ENOTSUP;
	}
	return 0;
}

/* Capabilities vx86 cannot run without; each is named when missing. */
static int kvm_check_caps(struct kvm_engine *k)
{
	static const struct {
		int cap;
		const char *name;
	} required[] = {
		{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
		{KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
		{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
		{KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS"},
	};

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, required[i].cap) <= 0) {
			fprintf(k->log, "vx86: kvm: %s lacks %s, which vx86 needs\n", KVM_DEVICE,
				required[i].name);
			return -ENOTSUP;
		}
	}
	return 0;
}

static int kvm_set_memory(struct kvm_engine *k, const struct engine_config *cfg)
{
	for (unsigned i = 0; i < cfg->nmem; i++) {
		struct kvm_userspace_memory_region r = {
			.slot = i,
			.guest_phys_addr = cfg->mem[i].gpa,
			.memory_size = cfg->mem[i].size,
			.userspace_addr = (uintptr_t)cfg->mem[i].host,
		};

		if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
			return kvm_fail(k->log, "KVM_SET_USER_MEMORY_REGION");
		k->mem[i] = cfg->mem[i];
	}
	k->nmem = cfg->nmem;
	return 0;
}

/* Leaf 0 and 0x80000000 spell the vendor in EBX, EDX, ECX. */
static void set_vendor(struct kvm_cpuid2 *c, int vendor)
{
	const char *id = vendor == CPU_VENDOR_AMD ? "AuthenticAMD" : "GenuineIntel";

	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != 0 && (e->function != 0x80000000 || vendor != CPU_VENDOR_AMD))
			continue;
		memcpy(&e->ebx, id, 4);
		memcpy(&e->edx, id + 4, 4);
		memcpy(&e->ecx, id + 8, 4);
	}
}

static bool efer_settable(struct kvm_engine *k, uint64_t bit)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} b = {.hdr.nmsrs = 1, .e = {.index = MSR_EFER, .data = bit}};
	bool ok = ioctl(k->vcpu_fd, KVM_SET_MSRS, &b) == 1;

	b.e.data = 0;
	ioctl(k->vcpu_fd, KVM_SET_MSRS, &b);
	return ok;
}

/*
 * A KVM that reports a CPUID feature but refuses the EFER bit it enables, even
 * from the host (kvm_pvm: FXSR_OPT and EFER.FFXSR), cannot back it: the model
 * drops the feature, so vx86's rules and KVM agree (spec/msr.md §6.1).
 */
static void drop_unbacked_efer_features(struct kvm_engine *k, struct cpu_model *cpu)
{
	for (unsigned b = 0; b < 64; b++) {
		int f = efer_gate_feature(1ull << b);

		if (f >= 0 && cpu_has(cpu, f) && !efer_settable(k, 1ull << b))
			cpu_model_set_feature(cpu, f, false);
	}
}

/* The CPUID KVM gets is the model's, leaf for leaf. */
static void model_to_cpuid(const struct cpu_model *cpu, struct kvm_cpuid2 *c)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		const struct cpuid_entry *m = cpu_model_leaf(cpu, e->function, e->index);

		if (m) {
			e->eax = m->eax;
			e->ebx = m->ebx;
			e->ecx = m->ecx;
			e->edx = m->edx;
		}
	}
}

static void cpuid_to_model(const struct kvm_cpuid2 *c, struct cpu_model *cpu)
{
	struct cpuid_entry e[CPU_MODEL_MAX_LEAVES];
	unsigned n = 0;

	for (uint32_t i = 0; i < c->nent && n < CPU_MODEL_MAX_LEAVES; i++) {
		const struct kvm_cpuid_entry2 *k = &c->entries[i];

		e[n++] =
			(struct cpuid_entry){k->function, k->index, k->eax, k->ebx, k->ecx, k->edx};
	}
	cpu_model_from_cpuid(cpu, e, n);
}

/* KVM_GET_SUPPORTED_CPUID, sized by trying (api.rst: E2BIG while nent is too small). */
struct kvm_cpuid2 *kvm_supported_cpuid(const struct kvm_engine *k)
{
	struct kvm_cpuid2 *c = NULL;
	int ret = -1;

	for (unsigned n = 64; n <= 4096; n *= 2) {
		free(c);
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = n;
		ret = ioctl(k->kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (ret == 0 || errno != E2BIG)
			break;
	}
	if (ret < 0) {
		kvm_fail(k->log, "KVM_GET_SUPPORTED_CPUID");
		free(c);
		return NULL;
	}
	return c;
}

/*
 * The model follows the CPUID the guest really sees. A KVM that cannot mask
 * CPUID (kvm_pvm) lets the guest read the host's instead of the table given
 * to KVM_SET_CPUID2; the probe VM measures it (kvm_probe.c). When the vendor
 * the guest sees is not the one --cpu asked for, vx86 says so.
 */
static void follow_guest_cpuid(struct kvm_engine *k, int vendor, const struct kvm_cpuid2 *c,
			       struct cpu_model *cpu)
{
	size_t size = sizeof(*c) + c->nent * sizeof(c->entries[0]);
	struct kvm_cpuid2 *seen = malloc(size);

	if (!seen || kvm_probe_cpuid(k, c, seen) < 0) {
		fprintf(k->log, "vx86: kvm: could not measure the CPUID the guest sees; "
				"vx86's rules follow the table given to KVM\n");
		free(seen);
		return;
	}
	k->cpuid_differs = kvm_cpuid_differences(c, seen);
	if (k->cpuid_differs) {
		cpuid_to_model(seen, cpu);
		drop_unbacked_efer_features(k, cpu);
		if (vendor >= 0 && (int)cpu->vendor != vendor)
			fprintf(k->log,
				"vx86: kvm: --cpu=%s: this KVM does not mask CPUID and the guest "
				"sees a %s CPU; vx86's rules follow what the guest sees "
				"(cpuid-unmasked, see 'vx86 host')\n",
				cpu_vendor_name(vendor), cpu_vendor_name(cpu->vendor));
	}
	free(seen);
}

/*
 * CPUID: what KVM supports on this host (with the vendor --cpu asked for), set
 * before anything that depends on it (SREGS and MSR checks consult the guest
 * CPUID). The CPU model vx86's rules use is built from the same table, or from
 * what the guest really sees where that differs.
 */
static int kvm_set_cpuid(struct kvm_engine *k, int vendor, struct cpu_model *cpu)
{
	struct kvm_cpuid2 *c = kvm_supported_cpuid(k);
	int ret = 0;

	if (!c)
		return -EIO;
	if (vendor >= 0)
		set_vendor(c, vendor);
	cpuid_to_model(c, cpu);
	drop_unbacked_efer_features(k, cpu);
	model_to_cpuid(cpu, c);
	if (ioctl(k->vcpu_fd, KVM_SET_CPUID2, c) < 0)
		ret = kvm_fail(k->log, "KVM_SET_CPUID2");
	if (!ret)
		follow_guest_cpuid(k, vendor, c, cpu);
	k->cpuid = c; /* for `vx86 host`; freed with the engine */
	return ret;
}

static void kvm_kick_handler(int sig)
{
	(void)sig; /* Only here to make KVM_RUN return -EINTR. */
}

static int kvm_setup_vcpu(struct kvm_engine *k, const struct engine_config *cfg,
			  struct cpu_model *cpu)
{
	struct sigaction sa = {.sa_handler = kvm_kick_handler};

	k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
	if (k->vcpu_fd < 0)
		return kvm_fail(k->log, "KVM_CREATE_VCPU");
	int size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (size < (int)sizeof(struct kvm_run))
		return kvm_fail(k->log, "KVM_GET_VCPU_MMAP_SIZE");
	k->run_size = size;
	k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
	if (k->run == MAP_FAILED) {
		k->run = NULL;
		return kvm_fail(k->log, "mmap of the vCPU run area");
	}
	/* No SA_RESTART: the kick must interrupt KVM_RUN. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(KVM_KICK_SIGNAL, &sa, NULL) < 0)
		return kvm_fail(k->log, "sigaction");
	int ret = kvm_set_cpuid(k, cfg->vendor, cpu);

	if (!ret)
		ret = kvm_msr_setup(k, cfg, cpu);
	return ret;
}

static void kvm_destroy(void *ctx)
{
	struct kvm_engine *k = ctx;

	if (!k)
		return;
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu_fd >= 0)
		close(k->vcpu_fd);
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->kvm_fd >= 0)
		close(k->kvm_fd);
	free(k->cpuid);
	free(k);
}

static int kvm_create(const struct engine_config *cfg, struct cpu_model *cpu, void **ctx)
{
	struct kvm_engine *k = calloc(1, sizeof(*k));
	int ret;

	if (!k)
		return -ENOMEM;
	/* KVM's CPUID is the host's (kvm_pvm cannot even mask it): no flags here yet. */
	if (cfg->cpu_flags && *cfg->cpu_flags) {
		fprintf(cfg->log,
			"vx86: --cpu feature flags (%s) need --engine=emu; the kvm engine gives "
			"the "
			"guest the CPUID KVM supports\n",
			cfg->cpu_flags);
		free(k);
		return -EINVAL;
	}
	k->log = cfg->log;
	k->vm_fd = k->vcpu_fd = -1;
	k->thread = pthread_self();
	k->kvm_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
	if (k->kvm_fd < 0) {
		ret = kvm_fail(k->log, KVM_DEVICE);
		goto out;
	}
	ret = kvm_check_caps(k);
	if (ret)
		goto out;
	k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0) {
		ret = kvm_fail(k->log, "KVM_CREATE_VM");
		goto out;
	}
	/* api.rst: KVM_SET_TSS_ADDR is required on Intel hosts for real mode. */
	if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    ioctl(k->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0) {
		ret = kvm_fail(k->log, "KVM_SET_TSS_ADDR");
		goto out;
	}
	k->has_xcrs = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0;
	ret = kvm_set_memory(k, cfg);
	if (!ret)
		ret = kvm_setup_vcpu(k, cfg, cpu);
out:
	if (ret) {
		kvm_destroy(k);
		return ret;
	}
	*ctx = k;
	return 0;
}

static void kvm_exit_internal(struct kvm_engine *k, struct vcpu_exit *e)
{
	struct kvm_run *run = k->run;
	struct exit_internal *in = &e->internal;

	e->reason = EXIT_REASON_VX86_INTERNAL;
	in->suberror = run->internal.suberror;
	in->what = run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
			   ? "KVM could not emulate an instruction"
		   : run->internal.suberror == KVM_INTERNAL_ERROR_SIMUL_EX
			   ? "exception while delivering an exception"
		   : run->internal.suberror == KVM_INTERNAL_ERROR_DELIVERY_EV
			   ? "exit while delivering an event"
		   : run->internal.suberror == KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON
			   ? "unexpected hardware exit reason"
			   : "KVM internal error";
	/*
	 * api.rst: for an emulation failure, flags bit 0 says the instruction bytes
	 * KVM fetched follow; they are what the user needs, not the raw words.
	 */
	if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION && run->internal.ndata >= 3 &&
	    (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		in->insn_len = run->emulation_failure.insn_size < sizeof(in->insn)
				       ? run->emulation_failure.insn_size
				       : sizeof(in->insn);
		memcpy(in->insn, run->emulation_failure.insn_bytes, in->insn_len);
		return;
	}
	in->ndata = run->internal.ndata < 16 ? run->internal.ndata : 16;
	for (uint32_t i = 0; i < in->ndata; i++)
		in->data[i] = run->internal.data[i];
}

/* Translate kvm_run into the engine-independent exit record. */
static void kvm_translate_exit(struct kvm_engine *k, struct vcpu_exit *e)
{
	struct kvm_run *run = k->run;

	memset(e, 0, sizeof(*e));
	e->engine_code = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		e->reason = EXIT_REASON_IO_INSTRUCTION;
		e->io.port = run->io.port;
		e->io.size = run->io.size;
		e->io.in = run->io.direction == KVM_EXIT_IO_IN;
		e->io.count = run->io.count;
		e->io.string = run->io.count > 1;
		e->io.data = (uint8_t *)run + run->io.data_offset;
		break;
	case KVM_EXIT_MMIO:
		e->reason = EXIT_REASON_EPT_VIOLATION;
		e->mmio.gpa = run->mmio.phys_addr;
		e->mmio.size = run->mmio.len;
		e->mmio.write = run->mmio.is_write;
		e->mmio.data = run->mmio.data;
		break;
	case KVM_EXIT_HLT:
		e->reason = EXIT_REASON_HLT;
		break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		/* api.rst: KVM waits for error/data in run->msr; kvm_complete_msr gives them. */
		e->reason = run->exit_reason == KVM_EXIT_X86_RDMSR ? EXIT_REASON_MSR_READ
								   : EXIT_REASON_MSR_WRITE;
		e->insn_len = 2;
		e->msr.index = run->msr.index;
		e->msr.data = run->exit_reason == KVM_EXIT_X86_WRMSR ? run->msr.data : 0;
		k->pending_msr_exit = run->exit_reason;
		break;
	case KVM_EXIT_SHUTDOWN:
		e->reason = EXIT_REASON_TRIPLE_FAULT;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		kvm_exit_internal(k, e);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		e->reason = EXIT_REASON_VX86_INTERNAL;
		e->internal.what = "VM entry failed (invalid guest state)";
		e->internal.suberror = 0;
		e->internal.ndata = 1;
		e->internal.data[0] = run->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		e->reason = run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN
				    ? EXIT_REASON_VX86_POWEROFF
			    : run->system_event.type == KVM_SYSTEM_EVENT_RESET
				    ? EXIT_REASON_VX86_RESET
				    : EXIT_REASON_VX86_UNEXPECTED;
		break;
	default:
		e->reason = EXIT_REASON_VX86_UNEXPECTED;
		break;
	}
}

/*
 * api.rst, KVM_EXIT_X86_RDMSR/WRMSR: a nonzero error makes KVM inject #GP with
 * RIP unchanged; otherwise KVM puts data in EDX:EAX (RDMSR) and skips the
 * instruction.
 */
static void kvm_complete_msr(struct kvm_engine *k, const struct vcpu_exit *e)
{
	struct kvm_run *run = k->run;

	run->msr.error = e->fault.pending ? 1 : 0;
	if (k->pending_msr_exit == KVM_EXIT_X86_RDMSR && !e->fault.pending)
		run->msr.data = e->msr.data;
	k->pending_msr_exit = 0;
}

static int kvm_run_vcpu(void *ctx, struct vcpu_exit *e)
{
	struct kvm_engine *k = ctx;

	k->thread = pthread_self();
	/* IN and MMIO-read results were written in place into the run area by the handlers. */
	if (k->pending_msr_exit)
		kvm_complete_msr(k, e);
	if (ioctl(k->vcpu_fd, KVM_RUN, 0) < 0) {
		if (errno == EINTR) {
			k->run->immediate_exit = 0;
			return -EINTR;
		}
		return kvm_fail(k->log, "KVM_RUN");
	}
	kvm_translate_exit(k, e);
	return 0;
}

static void kvm_kick(void *ctx)
{
	struct kvm_engine *k = ctx;

	/* api.rst: immediate_exit makes a KVM_RUN that has not yet entered return -EINTR. */
	__atomic_store_n(&k->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(k->thread, KVM_KICK_SIGNAL);
}

static int kvm_get_state(void *ctx, struct vcpu_state *st)
{
	struct kvm_engine *k = ctx;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_debugregs dregs;

	if (ioctl(k->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return kvm_fail(k->log, "KVM_GET_REGS");
	if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return kvm_fail(k->log, "KVM_GET_SREGS");
	if (ioctl(k->vcpu_fd, KVM_GET_DEBUGREGS, &dregs) < 0)
		return kvm_fail(k->log, "KVM_GET_DEBUGREGS");
	kvm_regs_to_state(&regs, st);
	kvm_sregs_to_state(&sregs, st);
	kvm_debugregs_to_state(&dregs, st);
	if (k->has_xcrs) {
		struct kvm_xcrs xcrs = {0};

		if (ioctl(k->vcpu_fd, KVM_GET_XCRS, &xcrs) < 0)
			return kvm_fail(k->log, "KVM_GET_XCRS");
		for (uint32_t i = 0; i < xcrs.nr_xcrs && i < KVM_MAX_XCRS; i++)
			if (xcrs.xcrs[i].xcr == 0)
				st->xcr0 = xcrs.xcrs[i].value;
	}
	return kvm_msr_get_state(k, st);
}

static int kvm_set_state(void *ctx, const struct vcpu_state *st)
{
	struct kvm_engine *k = ctx;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_debugregs dregs = {0};

	/* Start from KVM's own sregs so fields vx86 does not model keep their values. */
	/* (apic_base among them: it is written with the other MSRs below.) */
	if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return kvm_fail(k->log, "KVM_GET_SREGS");
	kvm_state_to_regs(st, &regs);
	kvm_state_to_sregs(st, &sregs);
	if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return kvm_fail(k->log, "KVM_SET_SREGS");
	if (ioctl(k->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return kvm_fail(k->log, "KVM_SET_REGS");
	kvm_state_to_debugregs(st, &dregs);
	if (ioctl(k->vcpu_fd, KVM_SET_DEBUGREGS, &dregs) < 0)
		return kvm_fail(k->log, "KVM_SET_DEBUGREGS");
	if (k->has_xcrs) {
		struct kvm_xcrs xcrs = {.nr_xcrs = 1, .xcrs[0] = {.xcr = 0, .value = st->xcr0}};

		if (ioctl(k->vcpu_fd, KVM_SET_XCRS, &xcrs) < 0)
			return kvm_fail(k->log, "KVM_SET_XCRS");
	}
	return kvm_msr_set_state(k, st);
}

static int kvm_set_msr(void *ctx, uint32_t index, uint64_t value)
{
	return kvm_msr_set_one(ctx, index, value);
}

/* Copy from guest-physical memory; fails for addresses that are not RAM. */
static int kvm_read_phys(struct kvm_engine *k, uint64_t gpa, void *buf, size_t len)
{
	for (unsigned i = 0; i < k->nmem; i++) {
		const struct engine_mem *m = &k->mem[i];

		if (gpa >= m->gpa && gpa - m->gpa < m->size && len <= m->size - (gpa - m->gpa)) {
			memcpy(buf, (uint8_t *)m->host + (gpa - m->gpa), len);
			return 0;
		}
	}
	return -EFAULT;
}

static int kvm_read_linear(void *ctx, uint64_t la, void *buf, size_t len)
{
	struct kvm_engine *k = ctx;
	uint8_t *out = buf;

	/* Page by page: KVM_TRANSLATE walks the guest's page tables for one address. */
	while (len) {
		struct kvm_translation t = {.linear_address = la};
		size_t chunk = 4096 - (la & 4095);

		if (chunk > len)
			chunk = len;
		if (ioctl(k->vcpu_fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
			return -EFAULT;
		if (kvm_read_phys(k, t.physical_address, out, chunk))
			return -EFAULT;
		la += chunk;
		out += chunk;
		len -= chunk;
	}
	return 0;
}

const struct engine_ops kvm_engine_ops = {
	.name = "kvm",
	.probe = kvm_probe,
	.create = kvm_create,
	.run = kvm_run_vcpu,
	.get_state = kvm_get_state,
	.set_state = kvm_set_state,
	.set_msr = kvm_set_msr,
	.read_linear = kvm_read_linear,
	.kick = kvm_kick,
	.report = kvm_host_report,
	.destroy = kvm_destroy,
};
