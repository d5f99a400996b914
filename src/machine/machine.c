/* SPDX-License-Identifier: MIT */
/*
 * One VM: guest RAM, the port and MMIO buses, the devices, the engine and the
 * vCPU. It owns everything; nothing here is global (STYLE.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vx86.h"
#include "boot/boot.h"
#include "devices.h"
#include "engine/engine.h"
#include "vcpu/exit.h"
#include "vcpu/msr.h"

/*
 * The machine's clock thread: it kicks the run at --timeout (and marks it
 * fired) and when the APIC timer is due (timer_at), and wakes a vCPU
 * sleeping in HLT when the timeout fires. Times are CLOCK_MONOTONIC ns.
 */
struct machine_clock {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, done;
	int fired;	     /* --timeout passed; read by the run loop after a kick */
	uint64_t timeout_at; /* 0: no --timeout */
	uint64_t timer_at;   /* 0: no APIC timer event; atomic */
};

struct vx86_machine {
	struct vx86_config cfg;
	FILE *log;
	struct guest_ram ram;
	struct bus pio, mmio;
	struct uart16550 com1;
	struct debugcon debugcon;
	struct debugexit debugexit;
	struct fw_cfg fw_cfg;
	struct pc_testdev testdev;
	const struct engine_ops *engine;
	void *engine_ctx;
	struct vcpu vcpu;
	struct machine_clock clock;
};

void vx86_config_init(struct vx86_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->engine = VX86_ENGINE_AUTO;
	cfg->ram_size = VX86_DEFAULT_RAM;
	cfg->console_in = 0;
}

/* The vcpu_env callbacks: the vCPU model reaches the machine only through these. */
static void env_pio(void *ctx, uint16_t port, unsigned size, bool in, uint32_t *val)
{
	struct vx86_machine *m = ctx;
	uint64_t v = *val;

	if (in) {
		bus_read(&m->pio, port, size, &v);
		*val = (uint32_t)v;
	} else {
		bus_write(&m->pio, port, size, v);
	}
}

static void env_mmio(void *ctx, uint64_t gpa, unsigned size, bool write, uint64_t *val)
{
	struct vx86_machine *m = ctx;

	if (write)
		bus_write(&m->mmio, gpa, size, *val);
	else
		bus_read(&m->mmio, gpa, size, val);
}

static int env_stop_requested(void *ctx)
{
	struct vx86_machine *m = ctx;

	return debugexit_status(&m->debugexit);
}

static int env_get_state(void *ctx, struct vcpu_state *st)
{
	struct vx86_machine *m = ctx;

	return m->engine->get_state(m->engine_ctx, st);
}

static int env_read_linear(void *ctx, uint64_t la, void *buf, size_t len)
{
	struct vx86_machine *m = ctx;

	return m->engine->read_linear(m->engine_ctx, la, buf, len);
}

static int env_read_phys(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct vx86_machine *m = ctx;

	if (!guest_ram_contains(&m->ram, gpa, len))
		return -EFAULT;
	memcpy(buf, m->ram.host + gpa, len);
	return 0;
}

static int env_set_state(void *ctx, const struct vcpu_state *st)
{
	struct vx86_machine *m = ctx;

	return m->engine->set_state(m->engine_ctx, st);
}

static int env_set_msr(void *ctx, uint32_t index, uint64_t value)
{
	struct vx86_machine *m = ctx;

	return m->engine->set_msr(m->engine_ctx, index, value);
}

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static struct timespec ns_timespec(uint64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000ull),
				 .tv_nsec = (long)(ns % 1000000000ull)};
}

static void clock_init(struct machine_clock *c)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
}

static int env_interrupt(void *ctx, uint8_t vector)
{
	struct vx86_machine *m = ctx;

	return m->engine->interrupt(m->engine_ctx, vector);
}

static void env_irq_window(void *ctx, bool on)
{
	struct vx86_machine *m = ctx;

	m->engine->irq_window(m->engine_ctx, on);
}

static int env_nmi(void *ctx)
{
	struct vx86_machine *m = ctx;

	return m->engine->nmi(m->engine_ctx);
}

static uint64_t env_guest_tsc(void *ctx)
{
	struct vx86_machine *m = ctx;

	return m->engine->guest_tsc(m->engine_ctx);
}

/* Called before every run: the common case (no change) takes no lock. */
static void env_timer_at(void *ctx, uint64_t ns)
{
	struct machine_clock *c = &((struct vx86_machine *)ctx)->clock;

	if (__atomic_load_n(&c->timer_at, __ATOMIC_ACQUIRE) == ns)
		return;
	pthread_mutex_lock(&c->lock);
	__atomic_store_n(&c->timer_at, ns, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static int env_wait_until(void *ctx, uint64_t ns)
{
	struct machine_clock *c = &((struct vx86_machine *)ctx)->clock;
	struct timespec ts = ns_timespec(ns);
	int fired;

	pthread_mutex_lock(&c->lock);
	while (!(fired = __atomic_load_n(&c->fired, __ATOMIC_SEQ_CST)) && mono_ns() < ns)
		pthread_cond_timedwait(&c->cond, &c->lock, &ts);
	pthread_mutex_unlock(&c->lock);
	return fired ? -EINTR : 0;
}

/*
 * --engine=auto uses kvm when /dev/kvm works and emu otherwise; either way it
 * says which engine it picked, and why emu.
 */
static int choose_engine(struct vx86_machine *m)
{
	char why[256] = "";

	switch (m->cfg.engine) {
	case VX86_ENGINE_EMU:
		m->engine = &emu_engine_ops;
		return 0;
	case VX86_ENGINE_KVM:
		if (kvm_engine_ops.probe(why, sizeof(why)) < 0) {
			fprintf(m->log, "vx86: the kvm engine cannot run here: %s\n", why);
			return -ENODEV;
		}
		break;
	case VX86_ENGINE_AUTO:
		if (kvm_engine_ops.probe(why, sizeof(why)) < 0) {
			fprintf(m->log, "vx86: %s; using the emu engine (vx86's own x86 CPU)\n",
				why);
			m->engine = &emu_engine_ops;
			return 0;
		}
		fprintf(m->log, "vx86: using the kvm engine (/dev/kvm)\n");
		break;
	}
	m->engine = &kvm_engine_ops;
	return 0;
}

static int machine_alloc_ram(struct vx86_machine *m)
{
	uint64_t size = m->cfg.ram_size;

	if (size < VX86_MIN_RAM || size > VX86_MAX_RAM || size % 4096) {
		fprintf(m->log,
			"vx86: guest RAM of %" PRIu64 " bytes is not supported (2 MiB to 3 GiB, "
			"in whole 4 KiB pages)\n",
			size);
		return -EINVAL;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(m->log, "vx86: cannot allocate %" PRIu64 " MiB of guest RAM: %s\n",
			size >> 20, strerror(errno));
		return -ENOMEM;
	}
	m->ram.host = p;
	m->ram.size = size;
	return 0;
}

static int machine_add_devices(struct vx86_machine *m)
{
	FILE *console = m->cfg.console ? m->cfg.console : stdout;
	int ret;

	bus_init(&m->pio, "port");
	bus_init(&m->mmio, "mmio");
	if (m->cfg.trace & VX86_TRACE_IO)
		m->pio.trace = m->mmio.trace = m->log;
	ret = uart16550_init(&m->com1, &m->pio, COM1_BASE, console, m->cfg.console_in);
	if (!ret)
		ret = debugcon_init(&m->debugcon, &m->pio, DEBUGCON_PORT, console);
	if (!ret)
		ret = debugexit_init(&m->debugexit, &m->pio, DEBUG_EXIT_PORT);
	/* One vCPU until vx86 has --smp. */
	if (!ret)
		ret = fw_cfg_init(&m->fw_cfg, &m->pio, m->ram.size, 1);
	if (!ret)
		ret = pc_testdev_init(&m->testdev, &m->pio, &m->mmio, &m->ram);
	return ret;
}

/* RAM as the engine maps it: below the legacy hole, and from 1 MiB to the end. */
static void machine_mem_map(const struct vx86_machine *m, struct engine_config *ec)
{
	ec->mem[0] = (struct engine_mem){.gpa = 0, .size = LEGACY_HOLE_START, .host = m->ram.host};
	ec->mem[1] = (struct engine_mem){
		.gpa = LEGACY_HOLE_END,
		.size = m->ram.size - LEGACY_HOLE_END,
		.host = m->ram.host + LEGACY_HOLE_END,
	};
	ec->nmem = 2;
}

/* Load the image first, so a bad image is reported whatever the engine. */
static int machine_load(struct vx86_machine *m, struct vcpu_state *st)
{
	struct boot_params bp = {
		.image = m->cfg.image,
		.cmdline = m->cfg.cmdline,
		.initrd = m->cfg.initrd,
		.entry = m->cfg.entry,
		.load_addr = m->cfg.load_addr,
		.load_addr_set = m->cfg.load_addr_set,
	};

	memset(st, 0, sizeof(*st));
	return boot_load(&bp, &m->ram, st, m->log);
}

static int machine_start_engine(struct vx86_machine *m, struct cpu_model *cpu)
{
	struct engine_config ec = {
		.log = m->log,
		.vendor = m->cfg.cpu == VX86_CPU_INTEL ? CPU_VENDOR_INTEL
			  : m->cfg.cpu == VX86_CPU_AMD ? CPU_VENDOR_AMD
						       : -1,
		.msr_user = m->cfg.msr_emulation == VX86_MSR_USER,
		.unknown_msr_gp = m->cfg.unknown_msr == VX86_UNKNOWN_MSR_GP,
		.cpu_flags = m->cfg.cpu_flags,
	};
	int ret = choose_engine(m);

	if (ret)
		return ret;
	machine_mem_map(m, &ec);
	return m->engine->create(&ec, cpu, &m->engine_ctx);
}

static void machine_trace_init(struct vx86_machine *m)
{
	struct trace *t = &m->vcpu.trace;

	/* TRACE_* and VX86_TRACE_* are the same bits. */
	t->classes = m->cfg.trace;
	t->text = m->cfg.trace_json ? NULL : m->log;
	t->json = m->cfg.trace_json;
}

/*
 * The vCPU starts at RESET (MSRs at their power-on values), takes the loader's
 * entry registers, and is installed in the engine; reading it back picks up
 * the values the engine keeps itself (KVM's TSC, feature MSRs).
 */
static int machine_init_vcpu(struct vx86_machine *m, const struct cpu_model *cpu,
			     const struct vcpu_state *boot)
{
	struct vcpu *v = &m->vcpu;
	struct vcpu_env env = {
		.ctx = m,
		.pio = env_pio,
		.mmio = env_mmio,
		.stop_requested = env_stop_requested,
		.get_state = env_get_state,
		.read_linear = env_read_linear,
		.read_phys = env_read_phys,
		.set_state = env_set_state,
		.set_msr = env_set_msr,
	};
	const struct engine_ops *eo = m->engine;

	/* The vCPU gets a local APIC where the engine can inject interrupts. */
	if (eo->interrupt && eo->irq_window && eo->guest_tsc) {
		env.interrupt = env_interrupt;
		env.irq_window = env_irq_window;
		env.guest_tsc = env_guest_tsc;
		env.timer_at = env_timer_at;
		env.wait_until = env_wait_until;
		if (eo->nmi)
			env.nmi = env_nmi;
	}
	struct msr_state msr;
	int ret;

	vcpu_init(v, &env, cpu, m->log);
	msr = v->st.msr;
	v->st = *boot;
	v->st.msr = msr;
	v->unknown_msr = m->cfg.unknown_msr == VX86_UNKNOWN_MSR_IGNORE ? UNKNOWN_MSR_IGNORE
			 : m->cfg.unknown_msr == VX86_UNKNOWN_MSR_LOG  ? UNKNOWN_MSR_LOG
								       : UNKNOWN_MSR_GP;
	machine_trace_init(m);
	ret = m->engine->set_state(m->engine_ctx, &v->st);
	if (!ret)
		ret = m->engine->get_state(m->engine_ctx, &v->st);
	return ret;
}

int vx86_machine_create(const struct vx86_config *cfg, struct vx86_machine **out)
{
	struct vx86_machine *m = calloc(1, sizeof(*m));
	struct vcpu_state boot;
	struct cpu_model cpu;
	int ret;

	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	m->log = cfg->log ? cfg->log : stderr;
	clock_init(&m->clock);
	ret = machine_alloc_ram(m);
	if (!ret)
		ret = machine_add_devices(m);
	if (!ret)
		ret = machine_load(m, &boot);
	if (!ret)
		ret = machine_start_engine(m, &cpu);
	if (!ret)
		ret = machine_init_vcpu(m, &cpu, &boot);
	if (ret) {
		vx86_machine_destroy(m);
		return ret;
	}
	*out = m;
	return 0;
}

int vx86_machine_dump_state(struct vx86_machine *m, FILE *out)
{
	/* The model's copy first: the kvm engine fills only the MSRs KVM keeps. */
	struct vcpu_state st = m->vcpu.st;

	if (m->engine->get_state(m->engine_ctx, &st) < 0) {
		fprintf(m->log, "vx86: cannot read the final vCPU state from the %s engine\n",
			m->engine->name);
		return -EIO;
	}
	/* CR8 is the APIC's TPR[7:4] however the guest wrote it (MMIO, x2APIC MSR, CR8). */
	if (m->vcpu.model.apic)
		st.cr8 = lapic_tpr(m->vcpu.model.apic) >> 4;
	return vcpu_state_dump_fields(&st, out);
}

const char *vx86_machine_engine(const struct vx86_machine *m)
{
	return m->engine->name;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

static void *clock_main(void *arg)
{
	struct vx86_machine *m = arg;
	struct machine_clock *c = &m->clock;

	pthread_mutex_lock(&c->lock);
	while (!c->done) {
		uint64_t due =
			earliest(c->timeout_at, __atomic_load_n(&c->timer_at, __ATOMIC_ACQUIRE));
		uint64_t now, timer;

		if (due) {
			struct timespec ts = ns_timespec(due);

			pthread_cond_timedwait(&c->cond, &c->lock, &ts);
		} else {
			pthread_cond_wait(&c->cond, &c->lock);
		}
		now = mono_ns();
		if (c->timeout_at && now >= c->timeout_at) {
			c->timeout_at = 0;
			__atomic_store_n(&c->fired, 1, __ATOMIC_SEQ_CST);
			m->engine->kick(m->engine_ctx);
			pthread_cond_broadcast(&c->cond); /* a vCPU in HLT */
		}
		timer = __atomic_load_n(&c->timer_at, __ATOMIC_ACQUIRE);
		if (timer && now >= timer) {
			__atomic_compare_exchange_n(&c->timer_at, &timer, 0, false,
						    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
			m->engine->kick(m->engine_ctx);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static int clock_start(struct vx86_machine *m)
{
	struct machine_clock *c = &m->clock;
	double secs = m->cfg.timeout_sec;

	if (secs > 0)
		c->timeout_at = mono_ns() + (uint64_t)(secs * 1e9);
	if (pthread_create(&c->thread, NULL, clock_main, m) != 0) {
		fprintf(m->log,
			"vx86: cannot start the machine's clock thread (--timeout, APIC timer)\n");
		return -EAGAIN;
	}
	c->running = true;
	return 0;
}

static void clock_stop(struct vx86_machine *m)
{
	struct machine_clock *c = &m->clock;

	if (!c->running)
		return;
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	c->running = false;
}

/*
 * The guest stopped on an instruction that did its work (the OUT to
 * isa-debug-exit, HLT): finish it in the engine without running the guest any
 * further, so the final state is architectural (RIP after the instruction).
 * api.rst (KVM_RUN, immediate_exit): an I/O, MMIO or MSR exit is complete only
 * after the next KVM_RUN, and one with immediate_exit completes it and returns
 * -EINTR; the emu engine also completes the previous exit before it looks at
 * a kick. A crash is left as it stopped, at the failing instruction.
 */
static void machine_settle(struct vx86_machine *m, struct vcpu_exit *e)
{
	int ret;

	m->engine->kick(m->engine_ctx);
	ret = m->engine->run(m->engine_ctx, e);
	if (ret != -EINTR && ret >= 0)
		fprintf(m->log,
			"vx86: the %s engine ran on after the guest stopped (exit %s); the final "
			"state is after it\n",
			m->engine->name, exit_reason_name(e->reason));
}

static int machine_loop(struct vx86_machine *m)
{
	struct vcpu_exit e = {0}; /* the engine completes the previous exit from it */

	for (;;) {
		int ret;

		vcpu_before_run(&m->vcpu);
		ret = m->engine->run(m->engine_ctx, &e);

		if (ret == -EINTR) {
			if (__atomic_load_n(&m->clock.fired, __ATOMIC_SEQ_CST)) {
				fprintf(m->log,
					"vx86: timeout: the guest ran for %g s (--timeout)\n",
					m->cfg.timeout_sec);
				m->vcpu.stop_cause = "timeout";
				return VX86_STATUS_TIMEOUT;
			}
			continue;
		}
		if (ret < 0) {
			m->vcpu.stop_cause = "engine failure";
			return VX86_STATUS_CRASH;
		}
		if (vcpu_handle_exit(&m->vcpu, &e) == EXIT_STOP) {
			if (m->vcpu.stop_status != VX86_STATUS_CRASH)
				machine_settle(m, &e);
			return m->vcpu.stop_status;
		}
	}
}

int vx86_machine_run(struct vx86_machine *m)
{
	int status;

	if (clock_start(m) < 0)
		return VX86_STATUS_USAGE;
	status = machine_loop(m);
	clock_stop(m);
	if (m->cfg.stats) {
		fprintf(m->log, "vx86: %s engine, stopped by %s, exit status %d\n", m->engine->name,
			m->vcpu.stop_cause ? m->vcpu.stop_cause : "unknown", status);
		exit_stats_print(&m->vcpu.stats, m->log);
		if (m->engine->print_stats)
			m->engine->print_stats(m->engine_ctx, m->log);
	}
	fflush(m->cfg.console ? m->cfg.console : stdout);
	return status;
}

void vx86_machine_destroy(struct vx86_machine *m)
{
	if (!m)
		return;
	clock_stop(m);
	if (m->engine && m->engine_ctx)
		m->engine->destroy(m->engine_ctx);
	if (m->ram.host)
		munmap(m->ram.host, m->ram.size);
	free(m);
}

void vx86_msrs_print(enum vx86_cpu cpu, FILE *out)
{
	struct cpu_model c;

	cpu_model_init(&c, cpu == VX86_CPU_AMD ? CPU_VENDOR_AMD : CPU_VENDOR_INTEL);
	msr_table_print(&c, out);
}

int vx86_cpu_flags_check(const char *flags, char *why, size_t len)
{
	struct cpu_model c;

	cpu_model_init(&c, CPU_VENDOR_INTEL);
	return cpu_model_apply_flags(&c, flags, why, len);
}

int vx86_host_print(FILE *out)
{
	char why[256] = "";

	fprintf(out, "engine.emu usable (vx86's own x86 CPU)\n");
	if (kvm_engine_ops.probe(why, sizeof(why)) < 0) {
		fprintf(out, "engine.kvm not usable: %s\n", why);
		return 0;
	}
	fprintf(out, "engine.kvm usable (/dev/kvm)\n");
	return kvm_engine_ops.report ? kvm_engine_ops.report(out) : 0;
}
