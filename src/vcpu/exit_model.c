/* SPDX-License-Identifier: MIT */
/*
 * The exit handlers that reach the vCPU model (RDMSR, WRMSR, CR access, XSETBV,
 * CPUID) and vcpu_complete, which finishes an instruction on a state. The
 * table that dispatches to them is in exit.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cr.h"
#include "exit.h"
#include "exit_impl.h"
#include "msr.h"
#include "vx86.h"

static void inject(struct vcpu_exit *e, uint8_t vector, bool has_error)
{
	e->fault = (struct exit_fault){.pending = true, .vector = vector, .has_error = has_error};
}

static bool msr_logged(struct vcpu *v, uint32_t index)
{
	for (unsigned i = 0; i < v->nlogged_msrs; i++)
		if (v->logged_msrs[i] == index)
			return true;
	if (v->nlogged_msrs < VCPU_MAX_LOGGED_MSRS)
		v->logged_msrs[v->nlogged_msrs++] = index;
	return false;
}

/* --unknown-msr: an access to an MSR vx86 does not model (or the CPU model lacks). */
static enum msr_result unknown_msr(struct vcpu *v, bool write, uint32_t index, uint64_t data)
{
	if (v->unknown_msr == UNKNOWN_MSR_GP)
		return MSR_FAULT;
	if (v->unknown_msr == UNKNOWN_MSR_LOG && !msr_logged(v, index)) {
		if (write)
			fprintf(v->log,
				"vx86: guest WRMSR 0x%x = 0x%" PRIx64 ": vx86 does not model this "
				"MSR; dropped (--unknown-msr=log, reported once per MSR)\n",
				index, data);
		else
			fprintf(v->log,
				"vx86: guest RDMSR 0x%x: vx86 does not model this MSR; reads 0 "
				"(--unknown-msr=log, reported once per MSR)\n",
				index);
	}
	return MSR_OK;
}

/* spec/msr.md §1 and §3: RDMSR. A fault is #GP(0) with RIP and registers unchanged. */
enum exit_action handle_rdmsr(struct vcpu *v, struct vcpu_exit *e)
{
	struct msr_req r = {.index = e->msr.index};
	enum msr_result res;

	res = msr_get(&v->model, &r);
	v->stats.rdmsr++;
	if (res == MSR_UNSUPPORTED) {
		v->stats.rdmsr_unknown++;
		res = unknown_msr(v, false, r.index, 0);
		r.data = 0;
	}
	if (res != MSR_OK) {
		v->stats.rdmsr_fault++;
		inject(e, EXC_GP, true);
	} else {
		e->msr.data = r.data;
	}
	if (trace_on(&v->trace, TRACE_MSR))
		trace_msr(&v->trace, v->st.rip, false, r.index, r.data, res != MSR_OK);
	return EXIT_RESUME;
}

/*
 * Give the engine what the model stored, if the engine keeps the MSR too
 * (kvm: KVM_SET_MSRS). Write-only MSRs (PRED_CMD) have nothing stored.
 */
static int push_msr(struct vcpu *v, uint32_t index)
{
	uint64_t val;
	int ret;

	if (!v->env.set_msr || !msr_state_read(&v->st, index, &val))
		return 0;
	ret = v->env.set_msr(v->env.ctx, index, val);
	return ret == -ENOENT ? 0 : ret;
}

enum exit_action handle_wrmsr(struct vcpu *v, struct vcpu_exit *e)
{
	struct msr_req r = {.index = e->msr.index, .data = e->msr.data};
	enum msr_result res;
	uint32_t also = msr_write_also_changes(r.index);

	res = msr_set(&v->model, &r);
	v->stats.wrmsr++;
	if (res == MSR_UNSUPPORTED) {
		v->stats.wrmsr_unknown++;
		res = unknown_msr(v, true, r.index, r.data);
	} else if (res == MSR_OK) {
		if (push_msr(v, r.index) || (also && push_msr(v, also)))
			return vcpu_stop(v, VX86_STATUS_CRASH, "engine refused an MSR");
	}
	if (res != MSR_OK) {
		v->stats.wrmsr_fault++;
		inject(e, EXC_GP, true);
	}
	if (trace_on(&v->trace, TRACE_MSR))
		trace_msr(&v->trace, v->st.rip, true, r.index, r.data, res != MSR_OK);
	return EXIT_RESUME;
}

static const char *cr_name(unsigned cr)
{
	static const char *const names[] = {"cr0", "cr1", "cr2", "cr3", "cr4",
					    "cr5", "cr6", "cr7", "cr8"};

	return cr < 9 ? names[cr] : "cr?";
}

static uint64_t *cr_field(struct vcpu_state *st, unsigned cr)
{
	switch (cr) {
	case 0:
		return &st->cr0;
	case 2:
		return &st->cr2;
	case 3:
		return &st->cr3;
	case 4:
		return &st->cr4;
	case 8:
		return &st->cr8;
	}
	return NULL;
}

/* MOV to CRn with the model's rules; CR2 holds any value. */
static enum cr_result cr_write(struct vcpu *v, unsigned cr, uint64_t val)
{
	switch (cr) {
	case 0:
		return cr_set_cr0(&v->model, val);
	case 2:
		v->st.cr2 = val;
		return CR_OK;
	case 3:
		return cr_set_cr3(&v->model, val);
	case 4:
		return cr_set_cr4(&v->model, val);
	case 8:
		return cr_set_cr8(&v->model, val);
	}
	return CR_UD;
}

/* After a handler changed the state: give it to the engine, and note a mode change. */
static enum exit_action commit_state(struct vcpu *v)
{
	v->model.fx = 0;
	if (v->env.set_state && v->env.set_state(v->env.ctx, &v->st))
		return vcpu_stop(v, VX86_STATUS_CRASH, "engine failure");
	return EXIT_RESUME;
}

/*
 * spec/cr.md §11: MOV to/from CRn, CLTS, LMSW, with the operands the engine
 * decoded. The engine has checked CPL and encodability; a rule violation is
 * #GP(0), an unknown CR #UD.
 */
enum exit_action handle_cr_access(struct vcpu *v, struct vcpu_exit *e)
{
	struct exit_cr *c = &e->cr;
	uint64_t *reg;
	uint64_t old;
	enum cr_result res = CR_OK;

	reg = cr_field(&v->st,
		       c->type == CR_ACCESS_MOV_TO || c->type == CR_ACCESS_MOV_FROM ? c->cr : 0);
	if (!reg) {
		inject(e, EXC_UD, false);
		return EXIT_RESUME;
	}
	old = *reg;
	switch (c->type) {
	case CR_ACCESS_MOV_FROM:
		c->value = c->cr == 8 ? cr_get_cr8(&v->model) : *reg;
		return EXIT_RESUME;
	case CR_ACCESS_MOV_TO:
		res = cr_write(v, c->cr, c->value);
		break;
	case CR_ACCESS_CLTS:
		cr_clts(&v->model);
		break;
	case CR_ACCESS_LMSW:
		cr_lmsw(&v->model, (uint16_t)c->value);
		break;
	}
	if (trace_on(&v->trace, TRACE_CR))
		trace_cr(&v->trace, v->st.rip, cr_name(c->type == CR_ACCESS_MOV_TO ? c->cr : 0),
			 old, res == CR_OK ? *reg : c->value, res != CR_OK);
	if (res != CR_OK) {
		inject(e, res == CR_UD ? EXC_UD : EXC_GP, res != CR_UD);
		return EXIT_RESUME;
	}
	return commit_state(v);
}

/* XSETBV (spec/cr.md §8): #UD without CR4.OSXSAVE, #GP for a bad index or value. */
enum exit_action handle_xsetbv(struct vcpu *v, struct vcpu_exit *e)
{
	uint64_t old;
	enum cr_result res;

	old = v->st.xcr0;
	res = cr_set_xcr(&v->model, e->xsetbv.index, e->xsetbv.value);
	if (trace_on(&v->trace, TRACE_CR))
		trace_cr(&v->trace, v->st.rip, "xcr0", old, e->xsetbv.value, res != CR_OK);
	if (res != CR_OK) {
		inject(e, res == CR_UD ? EXC_UD : EXC_GP, res != CR_UD);
		return EXIT_RESUME;
	}
	return commit_state(v);
}

/* CPUID from the CPU model, with the bits that follow CR4 and APIC_BASE. */
enum exit_action handle_cpuid(struct vcpu *v, struct vcpu_exit *e)
{
	cpu_cpuid(&v->model, e->cpuid.leaf, e->cpuid.subleaf, e->cpuid.out);
	return EXIT_RESUME;
}

/* KVM's hypercall ABI (Documentation/virt/kvm/x86/hypercalls.rst, kvm_para.h). */
#define KVM_HC_VAPIC_POLL_IRQ 1
#define KVM_ENOSYS	      1000
#define KVM_EPERM	      1

/*
 * A hypercall, as KVM answers it: from CPL > 0 -KVM_EPERM; VAPIC_POLL_IRQ
 * returns 0; every other number -KVM_ENOSYS (no #UD). Outside 64-bit mode
 * the number and the result are 32 bits.
 */
enum exit_action handle_vmcall(struct vcpu *v, struct vcpu_exit *e)
{
	bool long64 = cpu_mode(&v->st) == CPU_MODE_LONG64;
	uint64_t nr = v->st.gpr[GPR_RAX], ret;

	if (!long64)
		nr = (uint32_t)nr;
	if (cpu_cpl(&v->st) != 0)
		ret = (uint64_t)-KVM_EPERM;
	else if (nr == KVM_HC_VAPIC_POLL_IRQ)
		ret = 0;
	else
		ret = (uint64_t)-KVM_ENOSYS;
	e->hypercall.ret = long64 ? ret : (uint32_t)ret;
	return EXIT_RESUME;
}

bool vcpu_complete(struct vcpu_state *st, const struct vcpu_exit *e)
{
	bool long64 = cpu_mode(st) == CPU_MODE_LONG64;

	if (e->fault.pending)
		return false;
	switch (e->reason) {
	case EXIT_REASON_MSR_READ:
		/* spec/msr.md §1: EDX:EAX, the upper halves of RAX and RDX zeroed. */
		st->gpr[GPR_RAX] = (uint32_t)e->msr.data;
		st->gpr[GPR_RDX] = e->msr.data >> 32;
		break;
	case EXIT_REASON_CR_ACCESS:
		if (e->cr.type == CR_ACCESS_MOV_FROM)
			st->gpr[e->cr.gpr & 15] = long64 ? e->cr.value : (uint32_t)e->cr.value;
		break;
	case EXIT_REASON_VMCALL:
		st->gpr[GPR_RAX] = e->hypercall.ret;
		break;
	case EXIT_REASON_CPUID:
		st->gpr[GPR_RAX] = e->cpuid.out[0];
		st->gpr[GPR_RBX] = e->cpuid.out[1];
		st->gpr[GPR_RCX] = e->cpuid.out[2];
		st->gpr[GPR_RDX] = e->cpuid.out[3];
		break;
	default:
		break;
	}
	st->rip += e->insn_len;
	if (!long64)
		st->rip &= 0xffffffff;
	return true;
}
