/* SPDX-License-Identifier: MIT */
/*
 * Image loaders (boot/): they place an image in guest RAM and describe the
 * vCPU state it expects at its first instruction.
 */
#ifndef VX86_BOOT_H
#define VX86_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vx86.h"
#include "../vcpu/state.h"

/* Guest RAM as the loaders see it: [0, size) minus the PC legacy hole. */
struct guest_ram {
	uint8_t *host; /* host address of guest-physical 0 */
	uint64_t size;
};

#define LEGACY_HOLE_START 0xa0000ull /* VGA window, option and system ROMs */
#define LEGACY_HOLE_END	  0x100000ull

/* True if [gpa, gpa + len) is RAM (inside size, outside the legacy hole). */
int guest_ram_contains(const struct guest_ram *ram, uint64_t gpa, uint64_t len);

struct boot_params {
	const char *image;   /* path, named in every message */
	const char *cmdline; /* NULL or "--cmdline" */
	const char *initrd;  /* NULL or path: becomes multiboot module 0 */
	enum vx86_entry entry;
	uint64_t load_addr; /* flat binaries */
	int load_addr_set;
};

/*
 * Load a multiboot v1 kernel (ELF32, ELF64 or the a.out kludge). Fills *st with the
 * Multiboot entry state. Returns 0, or -errno after printing one message to `log`
 * naming the file and the problem.
 */
int multiboot_load(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st,
		   FILE *log);

/* Load a flat binary at p->load_addr, entered in mode p->entry. Same contract. */
int flat_load(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st, FILE *log);

/* Dispatch: flat if p->entry != VX86_ENTRY_NONE, else multiboot. */
int boot_load(const struct boot_params *p, struct guest_ram *ram, struct vcpu_state *st, FILE *log);

#endif
