/* SPDX-License-Identifier: MIT */
/*
 * The vx86 command: options, engine choice, exit status, messages. A thin user
 * of libvx86 (include/vx86.h). Usage errors exit with status 2 and one message
 * naming the option or value.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vx86.h"

#define VX86_VERSION "0.1.0"

static const char usage_main[] = "usage: vx86 <command> [options]\n"
				 "\n"
				 "commands:\n"
				 "  run IMAGE     boot a multiboot kernel or a flat binary\n"
				 "  msrs          list the MSRs vx86 models and their rules\n"
				 "  host          what this host's KVM really does, measured now\n"
				 "  help          show this text\n"
				 "  version       show the version\n"
				 "\n"
				 "'vx86 run --help' lists the options of run.\n";

static const char usage_run[] =
	"usage: vx86 run [options] IMAGE\n"
	"\n"
	"Boot IMAGE, a Multiboot v1 kernel (ELF32, ELF64 or a.out kludge) or, with\n"
	"--entry, a flat binary, and run it to its end.\n"
	"\n"
	"options:\n"
	"  --engine=auto|kvm|emu   engine to run on (default auto: kvm when /dev/kvm\n"
	"                          works, else emu, vx86's own x86 CPU)\n"
	"  --cpu=intel|amd         CPU model: vendor, CPUID and vendor-specific MSR\n"
	"                          rules (default: the host's vendor on kvm, intel\n"
	"                          on emu)\n"
	"  --cpu=[MODEL,]+F,-F,F=on|off\n"
	"                          emu: turn CPUID features on or off, QEMU style;\n"
	"                          F is x2apic, tsc-deadline, umip or pcid\n"
	"  --msr-emulation=kernel|user\n"
	"                          kvm engine: who decides guest MSR accesses; with\n"
	"                          user, every MSR in 'vx86 msrs' exits to vx86's\n"
	"                          model (default kernel: KVM, and vx86 only for MSRs\n"
	"                          KVM does not know)\n"
	"  --unknown-msr=gp|ignore|log\n"
	"                          a guest access to an MSR vx86 does not model: #GP\n"
	"                          (default), or read 0 and drop writes, or the same\n"
	"                          and report each MSR once\n"
	"  -m SIZE                 guest RAM; plain numbers are MiB, or use a K/M/G\n"
	"                          suffix (default 128M, 2M to 3G)\n"
	"  --cmdline STR           kernel command line (the multiboot command line is\n"
	"                          the image path, a space, then STR, as QEMU passes it)\n"
	"  --initrd FILE           load FILE as multiboot module 0\n"
	"  --entry=real|protected|long\n"
	"                          IMAGE is a flat binary entered in this mode\n"
	"  --load-addr ADDR        where a flat binary is loaded (default 0x7c00 for\n"
	"                          real mode, 0x100000 otherwise)\n"
	"  --timeout SEC           stop the guest after SEC seconds (exit status 6)\n"
	"  --stats                 print a table of VM exits by reason and of the\n"
	"                          RDMSR/WRMSR accesses vx86 decided, at the end\n"
	"  --trace=LIST            trace events to stderr; LIST is a comma list of\n"
	"                          exit, io, msr, cr, mode, all\n"
	"  --trace-file FILE       write the traced events (all but io; all of them\n"
	"                          without --trace) to FILE as JSON lines instead\n"
	"  --dump-state FILE       when the guest stops, for any reason, write its final\n"
	"                          vCPU state to FILE, one 'name value' line per\n"
	"                          register, segment field, control register and MSR\n"
	"  -h, --help              show this text\n"
	"\n"
	"exit status:\n"
	"  odd     the guest wrote v to isa-debug-exit (port 0xf4): (v << 1) | 1\n"
	"  0       the guest powered off or halted for good\n"
	"  2       usage or configuration error (bad option, missing or bad image)\n"
	"  4       the guest crashed (triple fault) or the engine failed\n"
	"  6       --timeout expired\n";

enum {
	OPT_ENGINE = 256,
	OPT_CMDLINE,
	OPT_INITRD,
	OPT_ENTRY,
	OPT_LOAD_ADDR,
	OPT_TIMEOUT,
	OPT_STATS,
	OPT_TRACE,
	OPT_TRACE_FILE,
	OPT_CPU,
	OPT_MSR_EMULATION,
	OPT_UNKNOWN_MSR,
	OPT_DUMP_STATE,
};

static const struct option run_options[] = {
	{"engine", required_argument, NULL, OPT_ENGINE},
	{"cmdline", required_argument, NULL, OPT_CMDLINE},
	{"initrd", required_argument, NULL, OPT_INITRD},
	{"entry", required_argument, NULL, OPT_ENTRY},
	{"load-addr", required_argument, NULL, OPT_LOAD_ADDR},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"stats", no_argument, NULL, OPT_STATS},
	{"trace", required_argument, NULL, OPT_TRACE},
	{"trace-file", required_argument, NULL, OPT_TRACE_FILE},
	{"cpu", required_argument, NULL, OPT_CPU},
	{"msr-emulation", required_argument, NULL, OPT_MSR_EMULATION},
	{"unknown-msr", required_argument, NULL, OPT_UNKNOWN_MSR},
	{"dump-state", required_argument, NULL, OPT_DUMP_STATE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "vx86: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see 'vx86 run --help')\n");
	return VX86_STATUS_USAGE;
}

/* "-m 64" is 64 MiB as in QEMU; K, M and G suffixes are binary units. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t unit = 1ull << 20;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);

	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		unit = 1ull << 10;
		end++;
		break;
	case 'm':
	case 'M':
		unit = 1ull << 20;
		end++;
		break;
	case 'g':
	case 'G':
		unit = 1ull << 30;
		end++;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v > UINT64_MAX / unit)
		return -1;
	*out = v * unit;
	return 0;
}

static int parse_trace(const char *list, unsigned *out)
{
	char buf[256];
	char *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	*out = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		static const struct {
			const char *name;
			unsigned bits;
		} classes[] = {
			{"exit", VX86_TRACE_EXIT}, {"io", VX86_TRACE_IO},
			{"msr", VX86_TRACE_MSR},   {"cr", VX86_TRACE_CR},
			{"mode", VX86_TRACE_MODE}, {"all", VX86_TRACE_ALL},
		};
		size_t i = 0;

		while (i < sizeof(classes) / sizeof(classes[0]) && strcmp(t, classes[i].name))
			i++;
		if (i == sizeof(classes) / sizeof(classes[0]))
			return -1;
		*out |= classes[i].bits;
	}
	return *out ? 0 : -1;
}

/* Index of arg in a NULL-terminated list of words, or -1. */
static int word(const char *arg, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(arg, words[i]))
			return i;
	return -1;
}

/* --cpu=MODEL[,FLAG...] or --cpu=FLAG[,FLAG...]; `flags` NULL: no flags allowed. */
static int parse_cpu(const char *arg, enum vx86_cpu *cpu, const char **flags)
{
	static const char *const names[] = {"intel", "amd", NULL};
	size_t n = strcspn(arg, ",");
	const char *rest = arg[n] ? arg + n + 1 : "";
	char model[16], why[160];
	int i;

	if (arg[0] == '+' || arg[0] == '-' || memchr(arg, '=', n)) {
		n = 0; /* flags only: the engine's default model */
		rest = arg;
	}
	if (n) {
		snprintf(model, sizeof(model), "%.*s", (int)n, arg);
		i = n < sizeof(model) ? word(model, names) : -1;
		if (i < 0)
			return usage_error("unknown CPU model '%s' (intel or amd)", model);
		*cpu = i == 0 ? VX86_CPU_INTEL : VX86_CPU_AMD;
	}
	if (!*rest)
		return 0;
	if (!flags)
		return usage_error("--cpu feature flags ('%s') are for 'vx86 run'", rest);
	if (vx86_cpu_flags_check(rest, why, sizeof(why)))
		return usage_error("--cpu: %s", why);
	*flags = rest;
	return 0;
}

static int parse_msr_option(int opt, const char *arg, struct vx86_config *cfg)
{
	static const char *const emulation[] = {"kernel", "user", NULL};
	static const char *const unknown[] = {"gp", "ignore", "log", NULL};
	int i;

	if (opt == OPT_MSR_EMULATION) {
		i = word(arg, emulation);
		if (i < 0)
			return usage_error("unknown --msr-emulation '%s' (kernel or user)", arg);
		cfg->msr_emulation = i == 0 ? VX86_MSR_KERNEL : VX86_MSR_USER;
		return 0;
	}
	i = word(arg, unknown);
	if (i < 0)
		return usage_error("unknown --unknown-msr '%s' (gp, ignore or log)", arg);
	cfg->unknown_msr = i == 0   ? VX86_UNKNOWN_MSR_GP
			   : i == 1 ? VX86_UNKNOWN_MSR_IGNORE
				    : VX86_UNKNOWN_MSR_LOG;
	return 0;
}

/* Options of `vx86 run`: the machine's configuration, and what only the CLI uses. */
struct run_args {
	struct vx86_config cfg;
	const char *trace_file; /* --trace-file, opened by cmd_run */
	const char *dump_state; /* --dump-state, opened by cmd_run before the guest runs */
};

static int parse_run_option(int opt, const char *arg, struct run_args *o)
{
	struct vx86_config *cfg = &o->cfg;
	char *end;

	switch (opt) {
	case OPT_CPU:
		return parse_cpu(arg, &cfg->cpu, &cfg->cpu_flags);
	case OPT_MSR_EMULATION:
	case OPT_UNKNOWN_MSR:
		return parse_msr_option(opt, arg, cfg);
	case OPT_TRACE_FILE:
		o->trace_file = arg;
		return 0;
	case OPT_DUMP_STATE:
		o->dump_state = arg;
		return 0;
	case OPT_ENGINE:
		if (!strcmp(arg, "auto"))
			cfg->engine = VX86_ENGINE_AUTO;
		else if (!strcmp(arg, "kvm"))
			cfg->engine = VX86_ENGINE_KVM;
		else if (!strcmp(arg, "emu"))
			cfg->engine = VX86_ENGINE_EMU;
		else
			return usage_error("unknown engine '%s' (auto, kvm or emu)", arg);
		return 0;
	case 'm':
		if (parse_size(arg, &cfg->ram_size))
			return usage_error("bad memory size '%s'", arg);
		return 0;
	case OPT_CMDLINE:
		cfg->cmdline = arg;
		return 0;
	case OPT_INITRD:
		cfg->initrd = arg;
		return 0;
	case OPT_ENTRY:
		if (!strcmp(arg, "real"))
			cfg->entry = VX86_ENTRY_REAL;
		else if (!strcmp(arg, "protected"))
			cfg->entry = VX86_ENTRY_PROTECTED;
		else if (!strcmp(arg, "long"))
			cfg->entry = VX86_ENTRY_LONG;
		else
			return usage_error("unknown entry mode '%s' (real, protected or long)",
					   arg);
		return 0;
	case OPT_LOAD_ADDR:
		errno = 0;
		cfg->load_addr = strtoull(arg, &end, 0);
		if (errno || end == arg || *end || arg[0] == '-')
			return usage_error("bad load address '%s'", arg);
		cfg->load_addr_set = true;
		return 0;
	case OPT_TIMEOUT:
		errno = 0;
		cfg->timeout_sec = strtod(arg, &end);
		if (errno || end == arg || *end || !(cfg->timeout_sec > 0) ||
		    cfg->timeout_sec > 1e9)
			return usage_error("bad timeout '%s' (seconds, > 0)", arg);
		return 0;
	case OPT_STATS:
		cfg->stats = true;
		return 0;
	case OPT_TRACE:
		if (parse_trace(arg, &cfg->trace))
			return usage_error("bad trace list '%s' (exit, io, msr, cr, mode, all)",
					   arg);
		return 0;
	}
	return VX86_STATUS_USAGE;
}

/* Open the files the options name, before anything runs; 0 or VX86_STATUS_USAGE. */
static int open_run_files(struct run_args *o, FILE **dump)
{
	struct vx86_config *cfg = &o->cfg;

	if (o->trace_file) {
		cfg->trace_json = fopen(o->trace_file, "w");
		if (!cfg->trace_json) {
			fprintf(stderr, "vx86: %s: cannot write the trace file: %s\n",
				o->trace_file, strerror(errno));
			return VX86_STATUS_USAGE;
		}
		if (!cfg->trace)
			cfg->trace = VX86_TRACE_ALL & ~VX86_TRACE_IO;
	}
	if (o->dump_state) {
		*dump = fopen(o->dump_state, "w");
		if (!*dump) {
			fprintf(stderr, "vx86: %s: cannot write the --dump-state file: %s\n",
				o->dump_state, strerror(errno));
			return VX86_STATUS_USAGE;
		}
	}
	return 0;
}

/*
 * --dump-state: the final state, whatever stopped the guest. A file that
 * cannot be written whole makes the run's status 2: a comparison must never
 * read a truncated dump as a real one.
 */
static int dump_final_state(struct vx86_machine *m, const char *path, FILE *f, int status)
{
	int ret = vx86_machine_dump_state(m, f);

	if (fclose(f) != 0 && !ret)
		ret = -errno;
	if (ret == 0)
		return status;
	fprintf(stderr, "vx86: %s: cannot write the final vCPU state: %s\n", path, strerror(-ret));
	return VX86_STATUS_USAGE;
}

static int cmd_run(int argc, char **argv)
{
	struct run_args args = {.trace_file = NULL};
	struct vx86_config *cfg = &args.cfg;
	struct vx86_machine *m;
	FILE *dump = NULL;
	int opt, ret;

	vx86_config_init(cfg);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:m:h", run_options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_run, stdout);
			return 0;
		}
		if (opt == '?')
			return usage_error("unknown option '%s'", argv[optind - 1]);
		if (opt == ':')
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		ret = parse_run_option(opt, optarg, &args);
		if (ret)
			return ret;
	}
	if (optind >= argc)
		return usage_error("%s", "no IMAGE given");
	if (optind + 1 < argc)
		return usage_error("unexpected argument '%s' after IMAGE", argv[optind + 1]);
	if (cfg->load_addr_set && cfg->entry == VX86_ENTRY_NONE)
		return usage_error("%s", "--load-addr needs --entry (it is for flat binaries)");
	cfg->image = argv[optind];
	ret = open_run_files(&args, &dump);
	if (!ret && vx86_machine_create(cfg, &m) < 0) {
		ret = VX86_STATUS_USAGE;
	} else if (!ret) {
		ret = vx86_machine_run(m);
		if (dump) {
			ret = dump_final_state(m, args.dump_state, dump, ret);
			dump = NULL; /* closed */
		}
		vx86_machine_destroy(m);
	}
	if (dump)
		fclose(dump);
	if (cfg->trace_json)
		fclose(cfg->trace_json);
	return ret;
}

static const char usage_msrs[] =
	"usage: vx86 msrs [--cpu=intel|amd]\n"
	"\n"
	"List the MSRs vx86's model implements for a CPU model (default intel): index,\n"
	"name, who may write it, save-list membership, whether the CPU has it, and\n"
	"the rule. With --msr-emulation=user the kvm engine sends guest accesses to\n"
	"every one of them to this model.\n";

static int cmd_msrs(int argc, char **argv)
{
	static const struct option opts[] = {
		{"cpu", required_argument, NULL, OPT_CPU},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum vx86_cpu cpu = VX86_CPU_DEFAULT;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_msrs, stdout);
			return 0;
		}
		if (opt == '?' || opt == ':')
			return usage_error("bad option '%s' for msrs", argv[optind - 1]);
		if (parse_cpu(optarg, &cpu, NULL))
			return VX86_STATUS_USAGE;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s' to msrs", argv[optind]);
	vx86_msrs_print(cpu, stdout);
	return 0;
}

static const char usage_host[] =
	"usage: vx86 host\n"
	"\n"
	"Measure what this host gives vx86's engines and print one fact per line:\n"
	"the KVM module and capabilities, the CPUID a guest really sees (against the\n"
	"table vx86 gives KVM), the MSRs KVM keeps and refuses, which MSRs\n"
	"--msr-emulation=user really routes to vx86, and whether a guest TSC write\n"
	"takes effect. Each difference from what the KVM API promises is a line\n"
	"'deviation NAME: ...'; results on the kvm engine that differ from the\n"
	"architecture because of one name it. Exit status 0, or 4 if a probe failed.\n";

static int cmd_host(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_host, stdout);
		return 0;
	}
	if (argc > 1)
		return usage_error("unexpected argument '%s' to host", argv[1]);
	if (vx86_host_print(stdout) < 0) {
		fprintf(stderr, "vx86: host: a probe of /dev/kvm failed (above)\n");
		return VX86_STATUS_CRASH;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return VX86_STATUS_USAGE;
	}
	const char *cmd = argv[1];

	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "msrs"))
		return cmd_msrs(argc - 1, argv + 1);
	if (!strcmp(cmd, "host"))
		return cmd_host(argc - 1, argv + 1);
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("vx86 %s\n", VX86_VERSION);
		return 0;
	}
	fprintf(stderr, "vx86: unknown command '%s' (see 'vx86 help')\n", cmd);
	return VX86_STATUS_USAGE;
}
