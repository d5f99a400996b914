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

#endif
