/* SPDX-License-Identifier: MIT */
/*
 * Exit dispatch: one handler table indexed by exit reason (spec/exits.md §5), in the
 * shape of KVM's kvm_vmx_exit_handlers[]. A reason without a handler lands in
 * handle_unexpected, which names the exit, dumps the registers and stops the guest:
 * nothing a guest or an engine does may abort vx86.
 */
#include "exit.h"

#include <inttypes.h>
#include <string.h>

#include "cr.h"
#include "exit_impl.h"
#include "vx86.h"

typedef enum exit_action (*exit_handler)(struct vcpu *v, struct vcpu_exit *e);

static const char *const reason_names[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXCEPTION_NMI] = "EXCEPTION_NMI",
	[EXIT_REASON_EXTERNAL_INTERRUPT] = "EXTERNAL_INTERRUPT",
	[EXIT_REASON_TRIPLE_FAULT] = "TRIPLE_FAULT",
	[EXIT_REASON_INTERRUPT_WINDOW] = "INTERRUPT_WINDOW",
	[EXIT_REASON_CPUID] = "CPUID",
	[EXIT_REASON_HLT] = "HLT",
	[EXIT_REASON_VMCALL] = "VMCALL",
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
	vcpu_apic_init(v);
	vcpu_reset(&v->model, false, true);
}

enum exit_action vcpu_stop(struct vcpu *v, int status, const char *cause)
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
		return vcpu_stop(v, status, "debug-exit");
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
		return vcpu_stop(v, VX86_STATUS_CRASH, "bad MMIO size");
	}
	if (m->write)
		memcpy(&val, m->data, m->size);
	if (!vcpu_apic_mmio(v, m, &val))
		v->env.mmio(v->env.ctx, m->gpa, m->size, m->write, &val);
	if (!m->write)
		memcpy(m->data, &val, m->size);
	return after_device(v);
}

/*
 * HLT: with IF=0 the CPU can only leave HLT by NMI, SMI or INIT, none of which
 * vx86 delivers yet, so the guest has halted for good. With IF=1 the local
 * APIC may wake it (exit_apic.c); without one nothing can, so say so.
 */
static enum exit_action handle_hlt(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_state st;

	(void)e;
	if (v->env.get_state(v->env.ctx, &st) != 0)
		return vcpu_stop(v, VX86_STATUS_HALTED, "hlt");
	if ((st.rflags & RFLAGS_IF) && v->model.apic)
		return vcpu_apic_hlt(v, st.rip);
	if (st.rflags & RFLAGS_IF)
		fprintf(v->log,
			"vx86: guest halted at rip=0x%" PRIx64 " with interrupts enabled, but no "
			"device can interrupt it yet; stopping\n",
			st.rip);
	return vcpu_stop(v, VX86_STATUS_HALTED, "hlt");
}

static enum exit_action handle_triple_fault(struct vcpu *v, struct vcpu_exit *e)
{
	(void)e;
	fprintf(v->log, "vx86: guest triple fault (shutdown); registers:\n");
	dump_registers(v);
	return vcpu_stop(v, VX86_STATUS_CRASH, "triple fault");
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
	return vcpu_stop(v, VX86_STATUS_CRASH, "internal error");
}

static enum exit_action handle_poweroff(struct vcpu *v, struct vcpu_exit *e)
{
	(void)e;
	return vcpu_stop(v, VX86_STATUS_HALTED, "power off");
}

static enum exit_action handle_reset(struct vcpu *v, struct vcpu_exit *e)
{
	(void)e;
	fprintf(v->log, "vx86: guest asked for a reset; vx86 stops instead of rebooting\n");
	return vcpu_stop(v, VX86_STATUS_HALTED, "reset");
}

static enum exit_action handle_unexpected(struct vcpu *v, struct vcpu_exit *e)
{
	fprintf(v->log, "vx86: unexpected exit %s (reason %u, engine code %u); registers:\n",
		exit_reason_name(e->reason), (unsigned)e->reason, e->engine_code);
	dump_registers(v);
	return vcpu_stop(v, VX86_STATUS_CRASH, "unexpected exit");
}

static const exit_handler handlers[EXIT_REASON_MAX] = {
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_irq_window,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_MSR_READ] = handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = handle_wrmsr,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
	[EXIT_REASON_VMCALL] = handle_vmcall,
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
/* Exits whose handlers run the vCPU model on its copy of the state. */
static const bool needs_state[EXIT_REASON_MAX] = {
	[EXIT_REASON_CPUID] = true,    [EXIT_REASON_CR_ACCESS] = true,
	[EXIT_REASON_MSR_READ] = true, [EXIT_REASON_MSR_WRITE] = true,
	[EXIT_REASON_XSETBV] = true,   [EXIT_REASON_VMCALL] = true,
};

/*
 * The model's copy of the state, fresh from the engine, once per exit that
 * needs it (the model's handlers, or the exit and mode traces). Engines leave
 * alone the MSR fields they do not keep, so vx86's own values persist.
 * Returns 1 when v->st is fresh, 0 when it was not read (not needed, or only
 * the traces wanted it), -1 when a model handler needs it and the engine failed.
 */
static int refresh(struct vcpu *v, unsigned reason)
{
	bool need = reason < EXIT_REASON_MAX && needs_state[reason];

	if (!need && !trace_on(&v->trace, TRACE_EXIT | TRACE_MODE))
		return 0;
	if (v->env.get_state(v->env.ctx, &v->st) == 0)
		return 1;
	if (!need)
		return 0;
	fprintf(v->log, "vx86: cannot read the vCPU state to handle an exit\n");
	return -1;
}

static void trace_before(struct vcpu *v, const struct vcpu_exit *e, bool fresh)
{
	char detail[96];
	enum cpu_mode mode;

	if (!trace_on(&v->trace, TRACE_EXIT | TRACE_MODE) || !fresh)
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
	int fresh = refresh(v, reason);

	if (fresh < 0)
		return vcpu_stop(v, VX86_STATUS_CRASH, "engine failure");
	trace_before(v, e, fresh);
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
