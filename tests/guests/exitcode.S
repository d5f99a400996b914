/* SPDX-License-Identifier: MIT */
/*
 * exitcode: ends the run with an isa-debug-exit value other than 0, written
 * as a 4-byte OUT: 0x2a gives the exit status (0x2a << 1) | 1 = 85. The
 * harness checks that exact status, so a VMM that only looks at the low bit,
 * or only at 1-byte writes, is caught.
 */
#include "guest.h"

#define EXIT_VALUE 0x2a

	TEXT32
	.globl guest_main
guest_main:
	PRINTLN "exitcode: writing 0x2a to port 0xf4 with a 4-byte OUT, the VMM must exit with status 85"
	PASS "exitcode: guest reached the exit point"
	call print_summary
	movl $EXIT_VALUE, %eax
	outl %eax, $DEBUG_EXIT_PORT
	/* Still running: the VMM ignored the write. Halt for good. */
	PRINTLN "FAIL: exitcode: still running after the debug-exit write"
1:	cli
	hlt
	jmp 1b
