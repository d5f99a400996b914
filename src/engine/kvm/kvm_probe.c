/* SPDX-License-Identifier: MIT */
/*
 * Probes of what this host's KVM really does, measured at run time in a
 * throwaway VM (never a list of machines): KVMs differ from host to host, and
 * a backend may not do what the API promises (kvm_pvm lets the guest read the
 * host's CPUID, whatever KVM_SET_CPUID2 was given). The probe VM has 64 KiB of
 * RAM at 0, one vCPU in flat 32-bit protected mode with paging off, and a few
 * fixed programs, each ending in HLT (no in-kernel irqchip: HLT exits).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>

#include "kvm_engine.h"
#include "vcpu/msr.h"

#define PROBE_RAM	 0x10000u
#define PROBE_GDT	 0x0800u
#define PROBE_IDT	 0x0900u
#define PROBE_CPUID	 0x1000u /* the CPUID loop */
#define PROBE_RDMSR	 0x1100u /* rdmsr; hlt */
#define PROBE_GP	 0x1200u /* the #GP handler: hlt */
#define PROBE_RDTSC	 0x1300u /* rdtsc; hlt */
#define PROBE_LIST	 0x2000u /* CPUID inputs: {leaf, subleaf} pairs, leaf ~0 ends */
#define PROBE_OUT	 0x4000u /* CPUID outputs: {eax, ebx, ecx, edx} per input */
#define PROBE_STACK	 0x8000u
#define PROBE_MAX_LEAVES ((PROBE_OUT - PROBE_LIST) / 8 - 1)

/*
 * for (esi = LIST, edi = OUT; [esi] != ~0; esi += 8, edi += 16)
 *	eax = [esi], ecx = [esi + 4], cpuid, [edi..edi + 15] = eax, ebx, ecx, edx
 * hlt
 */
static const uint8_t cpuid_loop[] = {
	0xbe, 0x00, 0x20, 0x00, 0x00, /* mov $PROBE_LIST, %esi */
	0xbf, 0x00, 0x40, 0x00, 0x00, /* mov $PROBE_OUT, %edi */
	0x8b, 0x06,		      /* 1: mov (%esi), %eax */
	0x83, 0xf8, 0xff,	      /* cmp $-1, %eax */
	0x74, 0x18,		      /* je 2f */
	0x8b, 0x4e, 0x04,	      /* mov 4(%esi), %ecx */
	0x0f, 0xa2,		      /* cpuid */
	0x89, 0x07,		      /* mov %eax, (%edi) */
	0x89, 0x5f, 0x04,	      /* mov %ebx, 4(%edi) */
	0x89, 0x4f, 0x08,	      /* mov %ecx, 8(%edi) */
	0x89, 0x57, 0x0c,	      /* mov %edx, 12(%edi) */
	0x83, 0xc6, 0x08,	      /* add $8, %esi */
	0x83, 0xc7, 0x10,	      /* add $16, %edi */
	0xeb, 0xe1,		      /* jmp 1b */
	0xf4,			      /* 2: hlt */
};
static const uint8_t rdmsr_hlt[] = {0x0f, 0x32, 0xf4};
static const uint8_t rdtsc_hlt[] = {0x0f, 0x31, 0xf4};
static const uint8_t just_hlt[] = {0xf4};

/* Flat code (0x08) and data (0x10) segments, 4 GiB, DPL 0. */
static const uint64_t probe_gdt[] = {0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull};

struct probe_vm {
	struct kvm_engine k; /* vm_fd, vcpu_fd and run; kvm_fd is the caller's */
	uint8_t *ram;
};

static void probe_close(struct probe_vm *p)
{
	if (p->k.run)
		munmap(p->k.run, p->k.run_size);
	if (p->k.vcpu_fd >= 0)
		close(p->k.vcpu_fd);
	if (p->k.vm_fd >= 0)
		close(p->k.vm_fd);
	if (p->ram)
		munmap(p->ram, PROBE_RAM);
}

static void probe_seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){.base = 0,
				  .limit = 0xffffffff,
				  .selector = sel,
				  .type = type,
				  .present = 1,
				  .db = 1,
				  .s = 1,
				  .g = 1};
}

/* Flat protected mode, paging off, with the probe's GDT and IDT. */
static int probe_sregs(struct probe_vm *p)
{
	struct kvm_sregs s;

	if (ioctl(p->k.vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return kvm_fail(p->k.log, "probe VM: KVM_GET_SREGS");
	probe_seg(&s.cs, 0x08, 0xb);
	probe_seg(&s.ds, 0x10, 0x3);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.gdt = (struct kvm_dtable){.base = PROBE_GDT, .limit = sizeof(probe_gdt) - 1};
	s.idt = (struct kvm_dtable){.base = PROBE_IDT, .limit = 14 * 8 - 1};
	s.cr0 = 0x11; /* PE, ET */
	s.cr4 = 0;
	s.efer = 0;
	if (ioctl(p->k.vcpu_fd, KVM_SET_SREGS, &s) < 0)
		return kvm_fail(p->k.log, "probe VM: KVM_SET_SREGS");
	return 0;
}

static void probe_load_programs(struct probe_vm *p)
{
	uint32_t gate[2] = {
		/* SDM 6.11: a 32-bit interrupt gate, selector 0x08, offset PROBE_GP. */
		(0x08u << 16) | (PROBE_GP & 0xffff),
		(PROBE_GP & 0xffff0000u) | 0x8e00u,
	};

	memcpy(p->ram + PROBE_GDT, probe_gdt, sizeof(probe_gdt));
	memcpy(p->ram + PROBE_IDT + 13 * 8, gate, sizeof(gate));
	memcpy(p->ram + PROBE_CPUID, cpuid_loop, sizeof(cpuid_loop));
	memcpy(p->ram + PROBE_RDMSR, rdmsr_hlt, sizeof(rdmsr_hlt));
	memcpy(p->ram + PROBE_GP, just_hlt, sizeof(just_hlt));
	memcpy(p->ram + PROBE_RDTSC, rdtsc_hlt, sizeof(rdtsc_hlt));
}

/* A VM like the engine's (same CPUID table), small, with the probe programs loaded. */
static int probe_open(struct probe_vm *p, const struct kvm_engine *k, const struct kvm_cpuid2 *c)
{
	struct kvm_userspace_memory_region r = {.memory_size = PROBE_RAM};
	int size;

	memset(p, 0, sizeof(*p));
	p->k.kvm_fd = k->kvm_fd;
	p->k.log = k->log;
	p->k.vm_fd = p->k.vcpu_fd = -1;
	p->ram = mmap(NULL, PROBE_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->ram == MAP_FAILED) {
		p->ram = NULL;
		return kvm_fail(k->log, "probe VM: mmap");
	}
	r.userspace_addr = (uintptr_t)p->ram;
	p->k.vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (p->k.vm_fd < 0)
		return kvm_fail(k->log, "probe VM: KVM_CREATE_VM");
	/* As kvm.c does for the guest's VM (api.rst: required on Intel hosts). */
	if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    ioctl(p->k.vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		return kvm_fail(k->log, "probe VM: KVM_SET_TSS_ADDR");
	if (ioctl(p->k.vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return kvm_fail(k->log, "probe VM: KVM_SET_USER_MEMORY_REGION");
	p->k.vcpu_fd = ioctl(p->k.vm_fd, KVM_CREATE_VCPU, 0);
	if (p->k.vcpu_fd < 0)
		return kvm_fail(k->log, "probe VM: KVM_CREATE_VCPU");
	size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return kvm_fail(k->log, "probe VM: KVM_GET_VCPU_MMAP_SIZE");
	p->k.run_size = size;
	p->k.run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, p->k.vcpu_fd, 0);
	if (p->k.run == MAP_FAILED) {
		p->k.run = NULL;
		return kvm_fail(k->log, "probe VM: mmap of the vCPU run area");
	}
	if (ioctl(p->k.vcpu_fd, KVM_SET_CPUID2, c) < 0)
		return kvm_fail(k->log, "probe VM: KVM_SET_CPUID2");
	probe_load_programs(p);
	return probe_sregs(p);
}

/* Start the program at rip with ECX = ecx. */
static int probe_start(struct probe_vm *p, uint32_t rip, uint32_t ecx)
{
	struct kvm_regs r = {.rip = rip, .rsp = PROBE_STACK, .rflags = 2, .rcx = ecx};

	if (ioctl(p->k.vcpu_fd, KVM_SET_REGS, &r) < 0)
		return kvm_fail(p->k.log, "probe VM: KVM_SET_REGS");
	return 0;
}

static int probe_run(struct probe_vm *p)
{
	if (ioctl(p->k.vcpu_fd, KVM_RUN, 0) < 0)
		return kvm_fail(p->k.log, "probe VM: KVM_RUN");
	return 0;
}

/* Run to the HLT at rip_hlt + 1; anything else is a failed probe, named. */
static int probe_run_to_hlt(struct probe_vm *p, struct kvm_regs *r)
{
	int ret = probe_run(p);

	if (ret)
		return ret;
	if (p->k.run->exit_reason != KVM_EXIT_HLT) {
		fprintf(p->k.log, "vx86: kvm: probe VM stopped with KVM exit %u, not at its HLT\n",
			p->k.run->exit_reason);
		return -EIO;
	}
	if (ioctl(p->k.vcpu_fd, KVM_GET_REGS, r) < 0)
		return kvm_fail(p->k.log, "probe VM: KVM_GET_REGS");
	return 0;
}

int kvm_probe_cpuid(const struct kvm_engine *k, const struct kvm_cpuid2 *given,
		    struct kvm_cpuid2 *seen)
{
	struct probe_vm p;
	struct kvm_regs r;
	uint32_t n = given->nent < PROBE_MAX_LEAVES ? given->nent : PROBE_MAX_LEAVES;
	int ret = probe_open(&p, k, given);

	for (uint32_t i = 0; !ret && i < n; i++) {
		uint32_t in[2] = {given->entries[i].function, given->entries[i].index};

		memcpy(p.ram + PROBE_LIST + 8 * i, in, sizeof(in));
	}
	if (!ret) {
		memset(p.ram + PROBE_LIST + 8 * n, 0xff, 8); /* the list's end */
		ret = probe_start(&p, PROBE_CPUID, 0);
	}
	if (!ret)
		ret = probe_run_to_hlt(&p, &r);
	if (!ret) {
		memcpy(seen, given, sizeof(*given) + given->nent * sizeof(given->entries[0]));
		for (uint32_t i = 0; i < n; i++) {
			uint32_t out[4];

			memcpy(out, p.ram + PROBE_OUT + 16 * i, sizeof(out));
			seen->entries[i].eax = out[0];
			seen->entries[i].ebx = out[1];
			seen->entries[i].ecx = out[2];
			seen->entries[i].edx = out[3];
		}
	}
	probe_close(&p);
	return ret;
}

/*
 * CPUID bits that change with the vCPU or its state rather than with the
 * CPU: the APIC ID (1:EBX[31:24], 0xB/0x1F:EDX), OSXSAVE (1:ECX[27]) and OSPKE
 * (7.0:ECX[4]) follow CR4, and 0xD.0/0xD.1 EBX follow XCR0 and XSS (SDM vol.
 * 2A, CPUID). A difference there says nothing about masking.
 */
void kvm_cpuid_dynamic_mask(uint32_t leaf, uint32_t subleaf, uint32_t mask[4])
{
	mask[0] = mask[1] = mask[2] = mask[3] = 0;
	if (leaf == 1) {
		mask[1] = 0xff000000u;
		mask[2] = 1u << 27;
	} else if (leaf == 7 && subleaf == 0) {
		mask[2] = 1u << 4;
	} else if (leaf == 0xb || leaf == 0x1f) {
		mask[3] = ~0u;
	} else if (leaf == 0xd && subleaf <= 1) {
		mask[1] = ~0u;
	}
}

/* How many leaves the guest sees differently from `given`, dynamic bits aside. */
unsigned kvm_cpuid_differences(const struct kvm_cpuid2 *given, const struct kvm_cpuid2 *seen)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < given->nent && i < seen->nent; i++) {
		const struct kvm_cpuid_entry2 *g = &given->entries[i], *s = &seen->entries[i];
		uint32_t m[4];

		kvm_cpuid_dynamic_mask(g->function, g->index, m);
		n += ((g->eax ^ s->eax) & ~m[0]) || ((g->ebx ^ s->ebx) & ~m[1]) ||
		     ((g->ecx ^ s->ecx) & ~m[2]) || ((g->edx ^ s->edx) & ~m[3]);
	}
	return n;
}

/* RDMSR in the probe VM with the engine's user-space MSR exits and filter. */
static enum kvm_msr_route probe_one_msr(struct probe_vm *p, uint32_t index)
{
	struct kvm_regs r;

	if (probe_start(p, PROBE_RDMSR, index) || probe_run(p))
		return KVM_MSR_ROUTE_UNKNOWN;
	if (p->k.run->exit_reason == KVM_EXIT_X86_RDMSR) {
		/* api.rst: KVM waits for the answer; give one, run on to the HLT. */
		p->k.run->msr.error = 0;
		p->k.run->msr.data = 0;
		return probe_run_to_hlt(p, &r) ? KVM_MSR_ROUTE_UNKNOWN : KVM_MSR_ROUTE_VX86;
	}
	if (p->k.run->exit_reason != KVM_EXIT_HLT || ioctl(p->k.vcpu_fd, KVM_GET_REGS, &r) < 0)
		return KVM_MSR_ROUTE_UNKNOWN;
	if (r.rip == PROBE_RDMSR + 3)
		return KVM_MSR_ROUTE_KVM_READ;
	if (r.rip == PROBE_GP + 1)
		return KVM_MSR_ROUTE_KVM_GP;
	return KVM_MSR_ROUTE_UNKNOWN;
}

int kvm_probe_msr_routes(const struct kvm_engine *k, const struct kvm_cpuid2 *c,
			 const uint32_t *idx, unsigned n, enum kvm_msr_route *route)
{
	struct engine_config user = {.log = k->log, .msr_user = true};
	struct probe_vm p;
	int ret = probe_open(&p, k, c);

	if (!ret)
		ret = kvm_msr_enable_exits(&p.k, &user);
	for (unsigned i = 0; !ret && i < n; i++)
		route[i] = probe_one_msr(&p, idx[i]);
	probe_close(&p);
	return ret;
}

const char *kvm_msr_route_name(enum kvm_msr_route r)
{
	switch (r) {
	case KVM_MSR_ROUTE_VX86:
		return "vx86";
	case KVM_MSR_ROUTE_KVM_READ:
		return "kvm (read, no exit)";
	case KVM_MSR_ROUTE_KVM_GP:
		return "kvm (#GP, no exit)";
	default:
		return "unknown (the probe VM stopped)";
	}
}

/*
 * Move the guest TSC 2^50 ahead the way the engine does for a guest TSC write
 * (kvm_msr.c: the TSC offset attribute, else KVM_SET_MSRS), then see whether
 * the guest's RDTSC and KVM_GET_MSRS follow. 2^50 cycles are days: no clock
 * gets there by itself while the probe runs.
 */
int kvm_probe_tsc(const struct kvm_engine *k, const struct kvm_cpuid2 *c, bool *rdtsc_moves,
		  bool *rdmsr_moves)
{
	const uint64_t ahead = 1ull << 50;
	struct probe_vm p;
	struct kvm_regs r;
	uint64_t host, v;
	int ret = probe_open(&p, k, c);

	if (!ret) {
		p.k.has_tsc_offset = k->has_tsc_offset;
		p.k.held[p.k.nheld++] = MSR_IA32_TSC;
		ret = kvm_msr_set_one(&p.k, MSR_IA32_TSC, __rdtsc() + ahead);
	}
	if (!ret)
		ret = probe_start(&p, PROBE_RDTSC, 0);
	if (!ret)
		ret = probe_run_to_hlt(&p, &r);
	if (!ret) {
		host = __rdtsc();
		v = (r.rdx << 32) | (uint32_t)r.rax;
		*rdtsc_moves = v - host < 2 * ahead && v - host > ahead / 2;
		ret = kvm_msr_read(&p.k, MSR_IA32_TSC, &v) ? 0 : -EIO;
		*rdmsr_moves = !ret && v - host < 2 * ahead && v - host > ahead / 2;
	}
	probe_close(&p);
	return ret;
}
