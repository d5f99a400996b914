/* SPDX-License-Identifier: MIT */
/*
 * Exit dispatch: one handler table indexed by exit reason (spec/exits.md §5), in the
 * shape of KVM's kvm_vmx_exit_handlers[]. A reason without a handler lands in
 * handle_unexpected, which names the exit, dumps the registers and stops the guest:
 * nothing a guest or an engine does may abort vx86.
 */
#include "exit.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cr.h"
#include "msr.h"
#include "vx86.h"

typedef enum exit_action (*exit_handler)(struct vcpu *v, struct vcpu_exit *e);

static const char *const reason_names[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXCEPTION_NMI] = "EXCEPTION_NMI",
	[EXIT_REASON_EXTERNAL_INTERRUPT] = "EXTERNAL_INTERRUPT",
	[EXIT_REASON_TRIPLE_FAULT] = "TRIPLE_FAULT",
	[EXIT_REASON_CPUID] = "CPUID",
	[EXIT_REASON_HLT] = "HLT",
	[EXIT_REASON_CR_ACCESS] = "CR_ACCESS",
	[EXIT_REASON_IO_INSTRUCTION] = "IO_INSTRUCTION",
	[EXIT_REASON_MSR_READ] = "MSR_READ",
	[EXIT_REASON_MSR_WRITE] = "MSR_WRITE",
	[EXIT_REASON_INVALID_STATE] = "INVALID_STATE",
	[EXIT_REASON_EPT_VIOLATION] = "MMIO",
	[EXIT_REASON_XSETBV] = "XSETBV",
	[EXIT_REASON_VX86_INTERNAL] = "INTERNAL_ERROR",
	[EXIT_REASON_VX86_POWEROFF] = "POWEROFF",
	[EXIT_REASON_VX86_RESET] = "RESET",
	[EXIT_REASON_VX86_UNEXPECTED] = "UNEXPECTED",
};

const char *exit_reason_name(unsigned reason)
{
	if (reason < EXIT_REASON_MAX && reason_names[reason])
		return reason_names[reason];
	return "UNKNOWN";
}

void vcpu_init(struct vcpu *v, const struct vcpu_env *env, const struct cpu_model *cpu, FILE *log)
{
	memset(v, 0, sizeof(*v));
	v->env = *env;
	v->log = log;
	v->stop_status = -1;
	v->cpu = *cpu;
	v->model = (struct vcpu_model){
		.st = &v->st,
		.cpu = &v->cpu,
		.read_phys = env->read_phys,
		.phys_ctx = env->ctx,
	};
	vcpu_reset(&v->model, false, true);
}

static enum exit_action stop(struct vcpu *v, int status, const char *cause)
{
	v->stop_status = status;
	v->stop_cause = cause;
	return EXIT_STOP;
}

static void dump_registers(struct vcpu *v)
{
	struct vcpu_state st;

	if (v->env.get_state(v->env.ctx, &st) == 0)
		vcpu_state_dump(&st, v->log);
	else
		fprintf(v->log, "  (registers unavailable)\n");
}

/* After any device access: isa-debug-exit may have asked the machine to stop. */
static enum exit_action after_device(struct vcpu *v)
{
	int status = v->env.stop_requested(v->env.ctx);

	if (status >= 0)
		return stop(v, status, "debug-exit");
	return EXIT_RESUME;
}

static enum exit_action handle_io(struct vcpu *v, struct vcpu_exit *e)
{
	struct exit_io *io = &e->io;

	/* A REP string instruction arrives as `count` items; each is one bus access. */
	for (uint32_t i = 0; i < io->count; i++) {
		uint8_t *item = io->data + (size_t)i * io->size;
		uint32_t val = 0;

		if (io->in) {
			v->env.pio(v->env.ctx, io->port, io->size, true, &val);
			memcpy(item, &val, io->size);
		} else {
			memcpy(&val, item, io->size);
			v->env.pio(v->env.ctx, io->port, io->size, false, &val);
			if (after_device(v) == EXIT_STOP)
				return EXIT_STOP;
		}
	}
	return after_device(v);
}

static enum exit_action handle_mmio(struct vcpu *v, struct vcpu_exit *e)
{
	struct exit_mmio *m = &e->mmio;
	uint64_t val = 0;

	if (m->size == 0 || m->size > 8) {
		fprintf(v->log, "vx86: MMIO access of %u bytes at 0x%" PRIx64 " is not supported\n",
			m->size, m->gpa);
		dump_registers(v);
		return stop(v, VX86_STATUS_CRASH, "bad MMIO size");
	}
	if (m->write)
		memcpy(&val, m->data, m->size);
	v->env.mmio(v->env.ctx, m->gpa, m->size, m->write, &val);
	if (!m->write)
		memcpy(m->data, &val, m->size);
	return after_device(v);
}

/*
 * HLT: with IF=0 and nothing pending the CPU can only leave HLT by NMI, SMI or
 * INIT, none of which vx86 delivers yet, so the guest has halted for good. No
 * device raises interrupts yet either, so HLT with IF=1 is final too; say so.
 */
static enum exit_action handle_hlt(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_state st;

	(void)e;
	if (v->env.get_state(v->env.ctx, &st) != 0)
		return stop(v, VX86_STATUS_HALTED, "hlt");
	if (st.rflags & RFLAGS_IF)
		fprintf(v->log,
			"vx86: guest halted at rip=0x%" PRIx64 " with interrupts enabled, but no "
			"device can interrupt it yet; stopping\n",
			st.rip);
	return stop(v, VX86_STATUS_HALTED, "hlt");
}

static enum exit_action handle_triple_fault(struct vcpu *v, struct vcpu_exit *e)
{
	(void)e;
	fprintf(v->log, "vx86: guest triple fault (shutdown); registers:\n");
	dump_registers(v);
	return stop(v, VX86_STATUS_CRASH, "triple fault");
}

static void print_insn_bytes(struct vcpu *v, const struct exit_internal *in)
{
	uint8_t bytes[15];
	size_t n = in->insn_len;
	struct vcpu_state st;

	if (n) {
		memcpy(bytes, in->insn, n);
	} else if (v->env.get_state(v->env.ctx, &st) == 0 &&
		   v->env.read_linear(v->env.ctx, st.seg[SEG_CS].base + st.rip, bytes,
				      sizeof(bytes)) == 0) {
		n = sizeof(bytes);
	}
	if (!n) {
		fprintf(v->log, "  instruction bytes at rip: unavailable\n");
		return;
	}
	fprintf(v->log, "  instruction bytes at rip:");
	for (size_t i = 0; i < n; i++)
		fprintf(v->log, " %02x", bytes[i]);
	fprintf(v->log, "\n");
}

static enum exit_action handle_internal(struct vcpu *v, struct vcpu_exit *e)
{
	const struct exit_internal *in = &e->internal;

	fprintf(v->log, "vx86: engine internal error: %s (suberror %u)\n",
		in->what ? in->what : "unknown", in->suberror);
	for (uint32_t i = 0; i < in->ndata && i < 16; i++)
		fprintf(v->log, "  data[%u]=0x%" PRIx64 "\n", i, in->data[i]);
	print_insn_bytes(v, in);
	dump_registers(v);
	return stop(v, VX86_STATUS_CRASH, "internal error");
}

static enum exit_action handle_poweroff(struct vcpu *v, struct vcpu_exit *e)
{
	(void)e;
	return stop(v, VX86_STATUS_HALTED, "power off");
}

static enum exit_action handle_reset(struct vcpu *v, struct vcpu_exit *e)
{
	(void)e;
	fprintf(v->log, "vx86: guest asked for a reset; vx86 stops instead of rebooting\n");
	return stop(v, VX86_STATUS_HALTED, "reset");
}

static enum exit_action handle_unexpected(struct vcpu *v, struct vcpu_exit *e)
{
	fprintf(v->log, "vx86: unexpected exit %s (reason %u, engine code %u); registers:\n",
		exit_reason_name(e->reason), (unsigned)e->reason, e->engine_code);
	dump_registers(v);
	return stop(v, VX86_STATUS_CRASH, "unexpected exit");
}

/*
 * The model's copy of the state, fresh from the engine: the rules read CR0,
 * EFER, CS and the MSR values the engine keeps. Engines leave alone the MSR
 * fields they do not keep, so vx86's own values persist across refreshes.
 */
static int refresh(struct vcpu *v)
{
	int ret = v->env.get_state(v->env.ctx, &v->st);

	if (ret)
		fprintf(v->log, "vx86: cannot read the vCPU state to handle an exit\n");
	return ret;
}

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
static enum exit_action handle_rdmsr(struct vcpu *v, struct vcpu_exit *e)
{
	struct msr_req r = {.index = e->msr.index};
	enum msr_result res;

	if (refresh(v))
		return stop(v, VX86_STATUS_CRASH, "engine failure");
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

/* A guest TSC write moves TSC_ADJUST and the other way round (SDM 17.17.3). */
static uint32_t msr_coupled(uint32_t index)
{
	if (index == MSR_IA32_TSC)
		return MSR_IA32_TSC_ADJUST;
	if (index == MSR_IA32_TSC_ADJUST)
		return MSR_IA32_TSC;
	return 0;
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

static enum exit_action handle_wrmsr(struct vcpu *v, struct vcpu_exit *e)
{
	struct msr_req r = {.index = e->msr.index, .data = e->msr.data};
	enum msr_result res;
	uint32_t also = msr_coupled(r.index);

	if (refresh(v))
		return stop(v, VX86_STATUS_CRASH, "engine failure");
	res = msr_set(&v->model, &r);
	v->stats.wrmsr++;
	if (res == MSR_UNSUPPORTED) {
		v->stats.wrmsr_unknown++;
		res = unknown_msr(v, true, r.index, r.data);
	} else if (res == MSR_OK) {
		if (push_msr(v, r.index) || (also && push_msr(v, also)))
			return stop(v, VX86_STATUS_CRASH, "engine refused an MSR");
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
		return stop(v, VX86_STATUS_CRASH, "engine failure");
	return EXIT_RESUME;
}

/*
 * spec/cr.md §11: MOV to/from CRn, CLTS, LMSW, with the operands the engine
 * decoded. The engine has checked CPL and encodability; a rule violation is
 * #GP(0), an unknown CR #UD.
 */
static enum exit_action handle_cr_access(struct vcpu *v, struct vcpu_exit *e)
{
	struct exit_cr *c = &e->cr;
	uint64_t *reg;
	uint64_t old;
	enum cr_result res = CR_OK;

	if (refresh(v))
		return stop(v, VX86_STATUS_CRASH, "engine failure");
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
static enum exit_action handle_xsetbv(struct vcpu *v, struct vcpu_exit *e)
{
	uint64_t old;
	enum cr_result res;

	if (refresh(v))
		return stop(v, VX86_STATUS_CRASH, "engine failure");
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
static enum exit_action handle_cpuid(struct vcpu *v, struct vcpu_exit *e)
{
	if (refresh(v))
		return stop(v, VX86_STATUS_CRASH, "engine failure");
	cpu_cpuid(&v->model, e->cpuid.leaf, e->cpuid.subleaf, e->cpuid.out);
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

static const exit_handler handlers[EXIT_REASON_MAX] = {
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_MSR_READ] = handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = handle_wrmsr,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_EPT_VIOLATION] = handle_mmio,
	[EXIT_REASON_VX86_INTERNAL] = handle_internal,
	[EXIT_REASON_VX86_POWEROFF] = handle_poweroff,
	[EXIT_REASON_VX86_RESET] = handle_reset,
};

static void exit_detail(const struct vcpu_exit *e, char *buf, size_t len)
{
	buf[0] = 0;
	switch (e->reason) {
	case EXIT_REASON_IO_INSTRUCTION:
		snprintf(buf, len, "port=0x%04x size=%u %s count=%u", e->io.port, e->io.size,
			 e->io.in ? "in" : "out", e->io.count);
		break;
	case EXIT_REASON_EPT_VIOLATION:
		snprintf(buf, len, "addr=0x%" PRIx64 " size=%u %s", e->mmio.gpa, e->mmio.size,
			 e->mmio.write ? "write" : "read");
		break;
	case EXIT_REASON_MSR_READ:
		snprintf(buf, len, "msr=0x%x", e->msr.index);
		break;
	case EXIT_REASON_MSR_WRITE:
		snprintf(buf, len, "msr=0x%x data=0x%" PRIx64, e->msr.index, e->msr.data);
		break;
	case EXIT_REASON_CR_ACCESS:
		snprintf(buf, len, "cr%u type=%u", e->cr.cr, e->cr.type);
		break;
	default:
		break;
	}
}

/* Exit and mode-change events; the state is read only when one of them is on. */
static void trace_before(struct vcpu *v, const struct vcpu_exit *e)
{
	char detail[96];
	enum cpu_mode mode;

	if (!trace_on(&v->trace, TRACE_EXIT | TRACE_MODE))
		return;
	if (v->env.get_state(v->env.ctx, &v->st) != 0)
		return;
	mode = cpu_mode(&v->st);
	if (trace_on(&v->trace, TRACE_MODE) && v->mode_known && mode != v->mode)
		trace_mode(&v->trace, v->st.rip, v->mode, mode);
	v->mode = mode;
	v->mode_known = true;
	if (trace_on(&v->trace, TRACE_EXIT)) {
		exit_detail(e, detail, sizeof(detail));
		trace_exit(&v->trace, v->st.rip, exit_reason_name(e->reason), detail);
	}
}

/* A CR write may change the mode inside a handler; say so at once. */
static void trace_after(struct vcpu *v)
{
	enum cpu_mode mode;

	if (!trace_on(&v->trace, TRACE_MODE) || !v->mode_known)
		return;
	mode = cpu_mode(&v->st);
	if (mode != v->mode)
		trace_mode(&v->trace, v->st.rip, v->mode, mode);
	v->mode = mode;
}

enum exit_action vcpu_handle_exit(struct vcpu *v, struct vcpu_exit *e)
{
	unsigned reason = e->reason;
	exit_handler h = NULL;

	if (reason < EXIT_REASON_MAX) {
		v->stats.count[reason]++;
		h = handlers[reason];
	} else {
		v->stats.count[EXIT_REASON_VX86_UNEXPECTED]++;
	}
	trace_before(v, e);
	enum exit_action act = (h ? h : handle_unexpected)(v, e);

	if (e->reason == EXIT_REASON_CR_ACCESS || e->reason == EXIT_REASON_XSETBV)
		trace_after(v);
	return act;
}

void exit_stats_print(const struct exit_stats *s, FILE *out)
{
	uint64_t total = 0;

	fprintf(out, "%-20s %12s\n", "exit reason", "count");
	for (unsigned r = 0; r < EXIT_REASON_MAX; r++) {
		if (!s->count[r])
			continue;
		fprintf(out, "%-20s %12" PRIu64 "\n", exit_reason_name(r), s->count[r]);
		total += s->count[r];
	}
	fprintf(out, "%-20s %12" PRIu64 "\n", "total", total);
	if (!s->rdmsr && !s->wrmsr)
		return;
	fprintf(out, "%-20s %12s %8s %8s\n", "MSR accesses", "count", "#GP", "unknown");
	fprintf(out, "%-20s %12" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", "RDMSR", s->rdmsr,
		s->rdmsr_fault, s->rdmsr_unknown);
	fprintf(out, "%-20s %12" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", "WRMSR", s->wrmsr,
		s->wrmsr_fault, s->wrmsr_unknown);
}
