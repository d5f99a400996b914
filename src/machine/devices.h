/* SPDX-License-Identifier: MIT */
/* The PC devices vx86 models, one file each (DESIGN.md, "Guest ABI"). */
#ifndef VX86_MACHINE_DEVICES_H
#define VX86_MACHINE_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"

#define COM1_BASE	0x3f8
#define DEBUGCON_PORT	0xe9
#define DEBUG_EXIT_PORT 0xf4
#define FW_CFG_PORT	0x510 /* selector; the data port is FW_CFG_PORT + 1 */
#define PC_TESTDEV_PORT 0xe0  /* scratch; flush page at +4 */
#define PC_TESTDEV_IRQ	0x2000
#define PC_TESTDEV_MMIO 0xff000000u

/*
 * 16550A UART (machine/uart16550.c). Transmit is immediate: every THR write goes
 * to `out` unbuffered and the line status always shows THRE|TEMT, so polling
 * drivers never wait. Receive reads `in_fd` (non-blocking) into a 16-byte FIFO
 * when the guest looks at LSR or RBR. No interrupt line is wired yet.
 */
struct uart16550 {
	FILE *out;
	int in_fd; /* -1: no input */
	bool in_eof;
	uint8_t ier, iir, fcr, lcr, mcr, lsr, msr, scr;
	uint8_t dll, dlm;
	bool thre_pending; /* THRE interrupt latched: set when THR empties, cleared by IIR read */
	uint8_t rx[16];
	unsigned rx_head, rx_count;
};

int uart16550_init(struct uart16550 *u, struct bus *pio, uint16_t base, FILE *out, int in_fd);

/* Port 0xE9 debug console: each byte written goes to `out`; reads return 0xE9 (as QEMU/Bochs). */
struct debugcon {
	FILE *out;
};

int debugcon_init(struct debugcon *d, struct bus *pio, uint16_t port, FILE *out);

/*
 * isa-debug-exit (QEMU's device): a 1, 2 or 4 byte write of v asks the machine to
 * stop with status (v << 1) | 1. Reads return all ones.
 */
struct debugexit {
	bool requested;
	uint32_t value;
};

int debugexit_init(struct debugexit *d, struct bus *pio, uint16_t port);

/* The status the write asks for, or -1 when nothing was written. */
int debugexit_status(const struct debugexit *d);

/*
 * QEMU's fw_cfg, traditional port interface only (machine/fw_cfg.c; QEMU
 * docs/specs/fw_cfg.rst): a 16-bit write to FW_CFG_PORT selects an item and
 * rewinds it, each byte read from FW_CFG_PORT + 1 returns its next byte, 0 past
 * its end or for a key with no item. No DMA interface (ID bit 1 clear).
 * Items point into the struct itself, so it must not be copied after init.
 */
#define FW_CFG_FILE_MAX	 4
#define FW_CFG_E820_MAX	 8
#define FW_CFG_NAME_LEN	 56   /* a file name, NUL-terminated, in the directory */
#define FW_CFG_FILE_KEY0 0x20 /* FW_CFG_FILE_FIRST: keys of the files */

struct fw_cfg_item {
	const uint8_t *data; /* NULL: no item under this key */
	uint32_t len;
};

struct fw_cfg_file {
	char name[FW_CFG_NAME_LEN];
	const uint8_t *data;
	uint32_t len;
};

struct fw_cfg {
	uint16_t key;	 /* the last selector write */
	uint32_t offset; /* of the next data byte; a select resets it */
	struct fw_cfg_item item[FW_CFG_FILE_KEY0 + FW_CFG_FILE_MAX]; /* by key */
	struct fw_cfg_file file[FW_CFG_FILE_MAX];		     /* sorted by name */
	unsigned nfiles;
	uint8_t signature[4], id[4], ram_size[8], nb_cpus[2], max_cpus[2];
	uint8_t e820[FW_CFG_E820_MAX * 20];
	uint8_t file_dir[4 + FW_CFG_FILE_MAX * 64];
};

/*
 * Items from the machine: RAM size and "etc/e820" from `ram_size` (the layout
 * of README's memory map), `ncpus` CPUs present and possible.
 */
int fw_cfg_init(struct fw_cfg *f, struct bus *pio, uint64_t ram_size, unsigned ncpus);

/*
 * Add a file (the next free key, directory kept sorted by name). `data` must
 * outlive the device. -EINVAL for an empty or too long name, -EEXIST for a name
 * already there, -ENOSPC when FW_CFG_FILE_MAX files exist; one message each.
 */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len);

/*
 * QEMU's pc-testdev (machine/pc_testdev.c), the test device kvm-unit-tests uses:
 * a 32-bit scratch register at ports 0xe0-0xe3 (not QEMU's alias at 0xe8: 0xe9
 * is the debug console), the "flush page" port 0xe4, ISA IRQ line ports 0x2000-0x2017 and 64 KiB of
 * read/write MMIO at 0xff000000.
 *
 * vx86 has no interrupt controller yet: an IRQ port write only records the line
 * level here (pc_testdev_irq_level); no interrupt reaches the vCPU.
 */
#define PC_TESTDEV_IOMEM_LEN 0x10000
#define PC_TESTDEV_IRQ_LINES 24

struct guest_ram;

struct pc_testdev {
	uint32_t scratch;
	uint32_t irq_levels;	     /* bit n: the level last written to 0x2000 + n */
	const struct guest_ram *ram; /* for the flush-page port; NULL: nothing to flush */
	uint64_t flushes;	     /* page flushes done (for tests and traces) */
	uint8_t iomem[PC_TESTDEV_IOMEM_LEN];
};

int pc_testdev_init(struct pc_testdev *t, struct bus *pio, struct bus *mmio,
		    const struct guest_ram *ram);

/* The level of ISA IRQ line `line` as the guest last set it (false if never or out of range). */
bool pc_testdev_irq_level(const struct pc_testdev *t, unsigned line);

#endif
