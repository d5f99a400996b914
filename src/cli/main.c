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
	"                          works; the emu engine is not available yet)\n"
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
	"  --stats                 print a table of VM exits by reason at the end\n"
	"  --trace=LIST            trace events to stderr; LIST is a comma list of\n"
	"                          exit, io, all\n"
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
		if (!strcmp(t, "exit"))
			*out |= VX86_TRACE_EXIT;
		else if (!strcmp(t, "io"))
			*out |= VX86_TRACE_IO;
		else if (!strcmp(t, "all"))
			*out |= VX86_TRACE_EXIT | VX86_TRACE_IO;
		else
			return -1;
	}
	return *out ? 0 : -1;
}

static int parse_run_option(int opt, const char *arg, struct vx86_config *cfg)
{
	char *end;

	switch (opt) {
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
			return usage_error("bad trace list '%s' (exit, io, all)", arg);
		return 0;
	}
	return VX86_STATUS_USAGE;
}

static int cmd_run(int argc, char **argv)
{
	struct vx86_config cfg;
	struct vx86_machine *m;
	int opt, ret;

	vx86_config_init(&cfg);
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
		ret = parse_run_option(opt, optarg, &cfg);
		if (ret)
			return ret;
	}
	if (optind >= argc)
		return usage_error("%s", "no IMAGE given");
	if (optind + 1 < argc)
		return usage_error("unexpected argument '%s' after IMAGE", argv[optind + 1]);
	if (cfg.load_addr_set && cfg.entry == VX86_ENTRY_NONE)
		return usage_error("%s", "--load-addr needs --entry (it is for flat binaries)");
	cfg.image = argv[optind];
	if (vx86_machine_create(&cfg, &m) < 0)
		return VX86_STATUS_USAGE;
	ret = vx86_machine_run(m);
	vx86_machine_destroy(m);
	return ret;
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
