/* SPDX-License-Identifier: MIT */
/*
 * paging: paging conformance, at CPL 0 and CPL 3, in the three paging modes
 * of a 32-bit guest (Intel SDM vol. 3A chapter 4, AMD APM vol. 2 chapter 5):
 *
 *   4-level paging (IA-32e mode), first: compatibility mode for the
 *       addresses below 4 GiB, 64-bit mode for the rest (PML4E 1, the
 *       non-canonical and upper-half addresses);
 *   PAE paging (CR4.PAE = 1, EFER.LME = 0);
 *   32-bit paging (CR4.PAE = 0), with and without CR4.PSE.
 *
 * The 4-level part comes first so that a host which refuses legacy paging
 * has run it before it stops. Every expectation is architectural and derived
 * from CPUID: MAXPHYADDR (0x80000008:EAX[7:0], else 36 with PAE or PSE-36,
 * else 32; SDM 4.1.4), PSE, PAE, PSE-36, PGE (1:EDX 3, 6, 17, 13), NX, LM
 * and Page1GB (0x80000001:EDX 20, 29, 26). A check that a CPU cannot have
 * (a reserved bit M when MAXPHYADDR is 52, 1-GByte pages without Page1GB)
 * is replaced by the check of what that CPU must do instead, or left out
 * with a "note:" line.
 *
 * Each check's name starts with a bracketed ID, "[lm-np-read] ...", which
 * run.t uses to name host deviations. The IDs, by part (P is lm, pae or p32
 * for the checks all three modes share, run from the same macro):
 *
 *   shared   P-4k-read P-4k-write P-avl P-np-read P-np-write P-np-pde
 *            P-wp0-ro-write P-wp1-ro-write P-ro-pde P-a-pte P-d-clean P-d-pte
 *            P-a-pde P-d-nonleaf P-invlpg P-cr3-reload P-invlpg-np
 *            P-fetch-ok P-fetch-np
 *   CPL 3    P-user-sup P-user-sup-pde P-user-read P-user-ro-write
 *            P-user-rw P-user-np
 *   4-level  lm-active lm-2m-read lm-ad-2m lm-1g-read lm-1g-rsvd (Page1GB)
 *            or lm-1g-ps-rsvd lm-np-pdpte lm-rsvd-pte lm-rsvd-pde
 *            lm-rsvd-pdpte lm-rsvd-2m lm-rsvd-write lm-ignored-52 lm-xd-nxe0
 *            lm-nxe0-fetch-np lm-nx-fetch lm-nx-read lm-nx-pde-fetch
 *            (64-bit mode, PML4E 1:) lm-us-{pml4e,pdpte,pde,pte} lm-us-all
 *            lm-rw-{pml4e,pdpte,pde,pte} lm-rw-all lm-rw-sup-pml4e
 *            lm-nx-{pml4e,pdpte} lm-nx-none lm-user-nx
 *            lm-a64-{pml4e,pdpte,pde,pte} lm-d64-pte lm-d64-nonleaf
 *            lm-invlpg-64 lm-rsvd-pml4e lm-ps-pml4e lm-noncanon-lo
 *            lm-noncanon-hi lm-noncanon-cr2 lm-canon-np
 *   PAE      pae-active pae-2m-read pae-ad-2m pae-np-pdpte pae-rsvd-pte
 *            pae-rsvd-62 pae-rsvd-pde pae-rsvd-2m pae-rsvd-write pae-xd-nxe0
 *            pae-nxe0-fetch-np pae-nx-fetch pae-nx-read pae-nx-pde-fetch
 *            pae-pdpte-cr3-kept pae-pdpte-rsvd (bits 1, 2, 5, 8)
 *            pae-pdpte-rsvd-maxphy pae-pdpte-rsvd-63 pae-pdpte-np-ok
 *            pae-pdpte-reload pae-pdpte-cr4 pae-pdpte-cr0 pae-pdpte-cr0-pg
 *   32-bit   p32-active p32-ps-ignored p32-4m-read p32-4m-offset p32-4m-ad
 *            p32-pse-rsvd21 p32-pse-rsvd-write p32-pse-rsvd-m
 *
 * Order: 4-level paging at CPL 0 in compatibility mode, then 64-bit mode,
 * then the CPL-3 checks of compatibility mode; PAE paging; 32-bit paging.
 * If MOV CR0 cannot turn PAE or 32-bit paging on, [pae-active] or
 * [p32-active] fails with the exception and that part is left out.
 *
 * Page faults are checked whole, in one check: vector 14, the error code
 * (SDM 4.7: P 0, W/R 1, U/S 2, RSVD 3, I/D 4), the faulting instruction
 * (EIP not advanced; for a fetch, the address fetched) and CR2 = the linear
 * address accessed. CR4.PGE stays 0 and no entry has G set, so a MOV to CR3
 * invalidates every translation (SDM 4.10.4.1).
 *
 * CPL 3: our own GDT adds ring-3 code (32- and 64-bit) and data segments
 * and a 32-bit and a 64-bit TSS for the ring-0 stack. UTRY reaches ring 3,
 * runs one instruction and then a UD2; the exception handler brings it back
 * to ring 0 either way, and a #UD at the UD2 means the instruction itself
 * did not fault. In IA-32e mode it goes with IRETQ from 64-bit mode (also
 * to 32-bit ring-3 code); in protected mode with a far RET, not IRET (see
 * guest.h). KVM's instruction emulator, which kvm_pvm runs guest kernel
 * code through, implements neither a far RET to an outer privilege level
 * nor a protected-mode IRET; IRETQ is handled.
 *
 * Memory: the image (code, data, our page tables and test pages in .bss)
 * must end below 4 MiB, which every mode identity-maps (user, writable).
 * Physical 4-8 MiB (BIG_PHYS) backs the large pages. Linear addresses:
 * WIN (4 MiB) is a page table's worth of 4-KByte test pages, slot i at
 * WIN + i * 4 KiB; a second page table with its own PDE maps WIN2;
 * BIG_LA (PAE, 4-level: 6 MiB; 32-bit: 8 MiB) is a 2- or 4-MByte page.
 */
#include "guest.h"

/* Paging-structure entry bits (SDM tables 4-4..4-20). */
#define PG_P 0x001
#define PG_RW 0x002
#define PG_US 0x004
#define PG_A 0x020
#define PG_D 0x040
#define PG_PS 0x080
#define PG_AVL 0xe00 /* bits 11:9, ignored in every entry */
#define PG_URW (PG_P | PG_RW | PG_US)
#define PG_SRW (PG_P | PG_RW)
#define PG_XD_HI 0x80000000 /* bit 63, in the high dword */

/* #PF error code (SDM 4.7). */
#define PF_P 0x01
#define PF_W 0x02
#define PF_U 0x04
#define PF_RSVD 0x08
#define PF_ID 0x10
#define VEC_PF 14

#define CR4_PSE (1 << 4)
#define CR4_PGE (1 << 7)

/* CPUID bits. */
#define C1D_PSE (1 << 3)
#define C1D_PAE (1 << 6)
#define C1D_PGE (1 << 13)
#define C1D_PSE36 (1 << 17)
#define E1D_NX (1 << 20)
#define E1D_PAGE1GB (1 << 26)
#define E1D_LM (1 << 29)

/* Our GDT: the runtime's six descriptors, then these. */
#define SEL_UCODE32 0x30
#define SEL_UDATA 0x38
#define SEL_UCODE64 0x40
#define SEL_TSS32 0x48
#define SEL_TSS64 0x50 /* 16 bytes */
#define GDT_SIZE 0x60

/* Memory layout (see the top). */
#define BIG_PHYS 0x400000
#define WIN 0x400000
#define SLOT(i) (WIN + (i) * 0x1000)
#define WIN2_32 0xc00000 /* 32-bit paging: PDE 3 */
#define WIN2_64 0x800000 /* PAE and 4-level: PDE 4 */
#define BIG_LA_32 0x800000 /* 32-bit paging: PDE 2, a 4-MByte page */
#define BIG_LA_64 0x600000 /* PAE and 4-level: PDE 3, a 2-MByte page */
#define NP_PDE_32 0xc0000000 /* 32-bit paging: PDE 0x300 not present */
#define NP_PDE_64 0xa00000 /* PAE and 4-level: PDE 5 not present */
#define LA_1G 0x40000000 /* 4-level: PDPTE 1; PAE: PDPTE 1 */
#define LA_PDPTE2 0x80000000 /* 4-level: PDPTE 2 */
#define LA_NP_PDPTE 0xc0000000 /* 4-level: PDPTE 3, not present */
#define LA_C_HI 0x80 /* 64-bit mode: 0x0000008000000000 = PML4E 1, all indexes 0 */

/* What the test pages hold. */
#define MARK_A 0xaaaa0001 /* page_a + 0 and + 0x800 */
#define MARK_B 0xbbbb0002 /* page_b + 0 */
#define MARK_W 0x77770003 /* page_w + 0 */
#define MARK_C 0xcccc0004 /* page_code + 0x800 */
#define MARK_2M 0x22220005 /* BIG_PHYS + 0x1ff000 (last 4 KiB of a 2-MByte page) */
#define MARK_4M 0x44440006 /* BIG_PHYS + 0x3ff000 (last 4 KiB of a 4-MByte page) */
#define STUB_JMP_EDX 0xe2ff /* page_code + 0: "jmp *%edx" (or *%rdx in 64-bit mode) */

/* ------------------------------------------------------------------- data */

	.data
	.balign 8
/* Our GDT: the runtime's descriptors (guest_cpu.h), ring 3, two TSSs. */
pgdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf93000000ffff /* 0x10: 32-bit data */
	.quad 0x00009b000000ffff /* 0x18: 16-bit code */
	.quad 0x000093000000ffff /* 0x20: 16-bit data */
	.quad 0x00af9b000000ffff /* 0x28: 64-bit code */
	.quad 0x00cffb000000ffff /* 0x30: 32-bit code, DPL 3 (compatibility mode in IA-32e mode) */
	.quad 0x00cff3000000ffff /* 0x38: data, DPL 3 */
	.quad 0x00affb000000ffff /* 0x40: 64-bit code, DPL 3 */
	.quad 0 /* 0x48: 32-bit TSS, filled by gdt_setup */
	.quad 0, 0 /* 0x50: 64-bit TSS */
	.balign 4
	.word 0
pgdt_ptr:
	.word GDT_SIZE - 1
	.long pgdt

	.bss
	.balign 8
cpuid_max:	.long 0
cpuid_ext_max:	.long 0
c1_edx:		.long 0
e1_edx:		.long 0
e8_eax:		.long 0
maxphyaddr:	.long 0
bitm_hi:	.long 0 /* 1 << (MAXPHYADDR - 32): bit M of an 8-byte entry, high dword */
pse_rsvd_bit:	.long 0 /* lowest reserved bit of a 4-MByte PDE below 21, or 0 */
np_fetch_err:	.long 0 /* error code of a fetch from a not-present page, this mode */
efer_entry:	.long 0, 0
cr4_entry:	.long 0
k_esp:		.long 0, 0 /* ring-0 stack pointer across a UTRY */
pf_cr2:		.long 0, 0 /* CR2 as read right after the fault */
cpf_args:	.long 0, 0, 0, 0 /* check_pf: err, cr2_lo, cr2_hi, ip_hi */

	.balign 16
tss32:		.space 104
tss64:		.space 104

/* Test pages and paging structures: zeroed by _start, 4-KiB aligned. */
	.balign 4096
page_a:		.space 4096
page_b:		.space 4096
page_w:		.space 4096
page_code:	.space 4096
user_stack:	.space 4096
user_stack_top:
ring0_stack:	.space 4096
ring0_stack_top:
/* 32-bit paging */
pd32:		.space 4096
pt32_id:	.space 4096
pt32_win:	.space 4096
pt32_win2:	.space 4096
/* PAE paging: two PDPTs of 4 entries (32-byte aligned) share a page */
pdpt_pae:	.space 32
pdpt_bad:	.space 4096 - 32
pd_pae:		.space 4096
pt_pae_win:	.space 4096
pt_pae_win2:	.space 4096
/* 4-level paging */
pml4_lm:	.space 4096
pdpt_lm:	.space 4096
pd_lm:		.space 4096
pd_lm2:		.space 4096
pt_lm_win:	.space 4096
pt_lm_win2:	.space 4096
pdpt_c:		.space 4096 /* the PML4E 1 chain, 64-bit mode */
pd_c:		.space 4096
pt_c:		.space 4096
image_end_mark:

/* Assembled for protected mode until the 4-level part says otherwise. */
	.set IN_COMPAT, 0

/* ----------------------------------------------------------- mode switches */

/* Compatibility mode -> 64-bit mode (same CPL 0, IA-32e mode). */
.macro GO64
	ljmp $SEL_CODE64, $.Lgo64\@
	.code64
.Lgo64\@:
	movl %esp, %esp /* RSP[63:32] = 0 */
.endm

/* 64-bit mode -> compatibility mode, keeping every register. */
.macro GO32
	ljmpl *.Lgo32p\@(%rip)
	.section .rodata
	.balign 4
.Lgo32p\@:
	.long .Lgo32\@
	.word SEL_CODE32
	.previous
	.code32
.Lgo32\@:
.endm

/* ------------------------------------------------------------- TRY macros */

/*
 * TRY in compatibility mode: the 64-bit handler (exc64_common) resumes in
 * 64-bit mode at exc_recover, so that points at a far jump back here.
 */
.macro CTRY insn:vararg
	movl $.Lc_insn\@, try_ip
	movl $.Lc_tramp\@, exc_recover
	movl $0xffffffff, exc_vector
	movl $1, exc_armed
.Lc_insn\@:
	\insn
	jmp .Lc_resume\@
	.code64
.Lc_tramp\@:
	ljmpl *.Lc_ptr\@(%rip)
	.section .rodata
	.balign 4
.Lc_ptr\@:
	.long .Lc_resume\@
	.word SEL_CODE32
	.previous
	.code32
.Lc_resume\@:
	movl $0, exc_armed
.endm

/* TRY for the mode being assembled: protected mode or compatibility mode. */
.macro PTRY insn:vararg
	.if IN_COMPAT
	CTRY \insn
	.else
	TRY \insn
	.endif
.endm

/*
 * Run one instruction at CPL 3 (32-bit code: protected mode, or
 * compatibility mode in IA-32e mode) and come back to CPL 0. A far RET (an
 * IRETQ from 64-bit mode in IA-32e mode) to the ring-3 code segment gets
 * there; it nulls DS, whose DPL is 0 (SDM RET, IRET: "return to outer
 * privilege level"), so the user code loads its own. The instruction's
 * fault, or else the #UD of the
 * UD2 after it, comes back through the IDT on the TSS's ring-0 stack. The
 * handler resumes at .Lu_back (through a far jump in IA-32e mode), which
 * reloads SS first: after an IA-32e interrupt from ring 3, SS is null.
 * Afterwards exc_* describe the instruction's fault, or exc_vector is
 * 0xffffffff if it had none. Clobbers EAX.
 */
.macro UTRY insn:vararg
	movl $.Lu_insn\@, try_ip
	.if IN_COMPAT
	movl $.Lu_tramp\@, exc_recover
	.else
	movl $.Lu_back\@, exc_recover
	.endif
	movl $0xffffffff, exc_vector
	movl %esp, k_esp
	movl $1, exc_armed
	.if IN_COMPAT
	ljmp $SEL_CODE64, $.Lu_64\@
	.code64
.Lu_64\@:
	movl %esp, %esp
	pushq $(SEL_UDATA | 3)
	movl $user_stack_top, %eax
	pushq %rax
	pushfq
	pushq $(SEL_UCODE32 | 3)
	movl $.Lu_code\@, %eax
	pushq %rax
	iretq
	.code32
	.else
	pushl $(SEL_UDATA | 3)
	pushl $user_stack_top
	pushl $(SEL_UCODE32 | 3)
	pushl $.Lu_code\@
	lret
	.endif
.Lu_code\@:
	pushl $(SEL_UDATA | 3)
	popl %ds
.Lu_insn\@:
	\insn
.Lu_sentinel\@:
	ud2
	.if IN_COMPAT
	.code64
.Lu_tramp\@:
	ljmpl *.Lu_ptr\@(%rip)
	.section .rodata
	.balign 4
.Lu_ptr\@:
	.long .Lu_back\@
	.word SEL_CODE32
	.previous
	.code32
	.endif
.Lu_back\@:
	movl $SEL_DATA32, %eax
	movw %ax, %ss
	movl %cs:k_esp, %esp
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movl $0, exc_armed
	cmpl $VEC_UD, exc_vector
	jne .Lu_done\@
	cmpl $.Lu_sentinel\@, exc_eip
	jne .Lu_done\@
	movl $0xffffffff, exc_vector
.Lu_done\@:
.endm

/*
 * UTRY from 64-bit mode to 64-bit ring-3 code, by IRETQ. RDX holds the address of
 * the UD2, for a fetch test's stub ("jmp *%rdx") to come back to. Clobbers
 * RAX and RDX.
 */
.macro UTRY64 insn:vararg
	movl $.Lu_insn\@, try_ip(%rip)
	movl $.Lu_back\@, exc_recover(%rip)
	movl $0xffffffff, exc_vector(%rip)
	movq %rsp, k_esp(%rip)
	movl $1, exc_armed(%rip)
	pushq $(SEL_UDATA | 3)
	movl $user_stack_top, %eax
	pushq %rax
	pushfq
	pushq $(SEL_UCODE64 | 3)
	movl $.Lu_insn\@, %eax
	pushq %rax
	movl $.Lu_sentinel\@, %edx
	iretq
.Lu_insn\@:
	\insn
.Lu_sentinel\@:
	ud2
.Lu_back\@:
	movl $SEL_DATA32, %eax
	movw %ax, %ss
	movq k_esp(%rip), %rsp
	movw %ax, %ds
	movw %ax, %es
	movl $0, exc_armed(%rip)
	cmpl $VEC_UD, exc_vector(%rip)
	jne .Lu_done\@
	cmpl $.Lu_sentinel\@, exc_eip(%rip)
	jne .Lu_done\@
	movl $0xffffffff, exc_vector(%rip)
.Lu_done\@:
.endm

/*
 * Fetch at linear address `la` (32-bit code, CPL 0): jump there, where a
 * stub "jmp *%edx" comes back. A fetch fault reports `la` as the faulting
 * EIP, so that is what try_ip says. Clobbers EBX.
 */
.macro FETCH_TRY la:req
	pushl %edx
	movl $\la, try_ip
	.if IN_COMPAT
	movl $.Lf_tramp\@, exc_recover
	.else
	movl $.Lf_back\@, exc_recover
	.endif
	movl $0xffffffff, exc_vector
	movl $\la, %ebx
	movl $.Lf_back\@, %edx
	movl $1, exc_armed
	jmp *%ebx
	.if IN_COMPAT
	.code64
.Lf_tramp\@:
	ljmpl *.Lf_ptr\@(%rip)
	.section .rodata
	.balign 4
.Lf_ptr\@:
	.long .Lf_back\@
	.word SEL_CODE32
	.previous
	.code32
	.endif
.Lf_back\@:
	movl $0, exc_armed
	popl %edx
.endm

/* 64-bit mode, CPL 0: fetch at RCX (stub "jmp *%rdx"). Clobbers RDX. */
.macro FETCH64
	movl %ecx, try_ip(%rip)
	movl $.Lf_back\@, exc_recover(%rip)
	movl $0xffffffff, exc_vector(%rip)
	movl $.Lf_back\@, %edx
	movl $1, exc_armed(%rip)
	jmp *%rcx
.Lf_back\@:
	movl $0, exc_armed(%rip)
.endm

/* 64-bit mode: keep CR2 for a check in compatibility mode. */
.macro SAVE_CR2
	pushq %rax
	movq %cr2, %rax
	movq %rax, pf_cr2(%rip)
	popq %rax
.endm

/* --------------------------------------------------------------- checks */

/* The last TRY raised #PF(err) at its instruction with CR2 = cr2_hi:cr2_lo (pf_cr2). */
.macro EXPECT_PFS err:req, cr2_lo:req, cr2_hi:req, ip_hi:req, name:req
	.section .rodata
.Lname\@: .asciz "\name"
	.previous
	pushl \ip_hi
	pushl \cr2_hi
	pushl \cr2_lo
	pushl \err
	pushl $.Lname\@
	call check_pf
.endm

/* The same, reading CR2 now (32-bit code; CR2 was set by the last fault). */
.macro EXPECT_PF err:req, cr2:req, name:req
	pushl %eax
	movl %cr2, %eax
	movl %eax, pf_cr2
	popl %eax
	movl $0, pf_cr2 + 4
	EXPECT_PFS \err, \cr2, $0, $0, "\name"
.endm

/* Jump to `label` if the last TRY faulted. */
.macro JFAULTED label:req
	cmpl $0xffffffff, exc_vector
	jne \label
.endm

/* Read the dword at `la`: it must not fault and must be `exp` (one check). */
.macro READ_EQ la:req, exp:req, name:req
	movl $(\la), %ebx
	PTRY movl (%ebx), %ecx
	JFAULTED .Lf\@
	EXPECT_EQ %ecx, \exp, "\name"
	jmp .Ld\@
.Lf\@:
	EXPECT_NOEXC "\name"
.Ld\@:
.endm

/*
 * Accesses made under `try` (PTRY at CPL 0, UTRY at CPL 3): a write of `val`
 * at `la` that must not fault and must land at physical `pa`; a read or a
 * write that must be #PF(err) with CR2 = la.
 */
.macro ACC_WRITE_EQ try:req, la:req, val:req, pa:req, name:req
	movl $(\la), %ebx
	movl $\val, %esi
	\try movl %esi, (%ebx)
	JFAULTED .Lf\@
	EXPECT_EQ \pa, $\val, "\name"
	jmp .Ld\@
.Lf\@:
	EXPECT_NOEXC "\name"
.Ld\@:
.endm

.macro ACC_READ_PF try:req, la:req, err:req, name:req
	movl $(\la), %ebx
	\try movl (%ebx), %ecx
	EXPECT_PF $(\err), $(\la), "\name"
.endm

.macro ACC_WRITE_PF try:req, la:req, err:req, name:req
	movl $(\la), %ebx
	movl $0xdeadbeef, %esi
	\try movl %esi, (%ebx)
	EXPECT_PF $(\err), $(\la), "\name"
.endm

/* At CPL 0. */
.macro WRITE_EQ la:req, val:req, pa:req, name:req
	ACC_WRITE_EQ PTRY, \la, \val, \pa, "\name"
.endm

.macro READ_PF la:req, err:req, name:req
	ACC_READ_PF PTRY, \la, \err, "\name"
.endm

.macro WRITE_PF la:req, err:req, name:req
	ACC_WRITE_PF PTRY, \la, \err, "\name"
.endm

/* At CPL 3. */
.macro UREAD_OK la:req, name:req
	movl $(\la), %ebx
	UTRY movl (%ebx), %ecx
	EXPECT_NOEXC "\name"
.endm

.macro UREAD_PF la:req, err:req, name:req
	ACC_READ_PF UTRY, \la, \err, "\name"
.endm

.macro UWRITE_EQ la:req, val:req, pa:req, name:req
	ACC_WRITE_EQ UTRY, \la, \val, \pa, "\name"
.endm

.macro UWRITE_PF la:req, err:req, name:req
	ACC_WRITE_PF UTRY, \la, \err, "\name"
.endm

/* Instruction fetch at `la`: runs the stub, or #PF(err) with EIP = CR2 = la. */
.macro FETCH_OK la:req, name:req
	FETCH_TRY \la
	EXPECT_NOEXC "\name"
.endm

.macro FETCH_PF la:req, err:req, name:req
	FETCH_TRY \la
	EXPECT_PF \err, $(\la), "\name"
.endm

/* The dword at `addr` has all the bits of `mask` (or none: want=0). */
.macro EXPECT_BITS addr:req, mask:req, want:req, name:req
	pushl %eax
	movl \addr, %eax
	andl $\mask, %eax
	EXPECT_EQ %eax, $\want, "\name"
	popl %eax
.endm

/* ------------------------------------------------------------ entries */

/* Store an entry of `esz` bytes (high dword 0, or `hi`). */
.macro SETE entry:req, val:req, esz:req, hi=$0
	.if \esz == 8
	pushl %eax
	movl \hi, %eax
	movl %eax, 4 + \entry
	popl %eax
	.endif
	movl \val, \entry
.endm

/* Map window slot `slot` of page table `pt` to `pa` with `flags`; INVLPG it. */
.macro MAP pt:req, esz:req, slot:req, pa:req, flags:req, hi=$0
	SETE (\pt + (\slot) * \esz), $(\pa + (\flags)), \esz, \hi
	invlpg SLOT(\slot)
.endm

.macro WP_ON
	movl %cr0, %eax
	orl $CR0_WP, %eax
	movl %eax, %cr0
.endm

.macro WP_OFF
	movl %cr0, %eax
	andl $~CR0_WP, %eax
	movl %eax, %cr0
.endm

.macro RELOAD_CR3
	movl %cr3, %eax
	movl %eax, %cr3
.endm

/* EFER.NXE on (only if CPUID has NX) or off. Clobber EAX, ECX, EDX. */
.macro NXE_ON
	testl $E1D_NX, e1_edx
	jz .Lno\@
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_NX, %eax
	wrmsr
.Lno\@:
.endm

.macro NXE_OFF
	movl $MSR_EFER, %ecx
	rdmsr
	andl $~EFER_NX, %eax
	wrmsr
.endm

/* ------------------------------------------------------------ shared tests */

/*
 * The checks every paging mode shares (SDM 4.3, 4.4.2, 4.5.4, 4.6, 4.7,
 * 4.8, 4.10.4): `p` is the ID prefix, `pt` the window's page table with
 * `esz`-byte entries, `pde2` the PDE of the second window at `la2` whose
 * page table `pt2` maps page_w at its slot 0, `npla` an address whose PDE
 * is not present. Slots: 0 page_a, 1 not present, 2 page_w supervisor
 * read-only, 3 page_w supervisor, 4 page_w user read-only, 5 page_w user
 * (3-5: SHARED_USER), 6 page_a (A/D), 7 TLB tests, 8 page_code (fetch).
 */
.macro SHARED p:req, pt:req, esz:req, pde2:req, pt2:req, la2:req, npla:req
	WP_OFF
	MAP \pt, \esz, 0, page_a, PG_SRW
	READ_EQ SLOT(0), $MARK_A, "[\p-4k-read] a read through a 4-KByte page reads the PTE's frame"
	WRITE_EQ SLOT(0) + 8, 0x600df00d, page_a + 8, "[\p-4k-write] a write through a 4-KByte page lands in the PTE's frame"
	MAP \pt, \esz, 0, page_a, PG_SRW | PG_AVL
	READ_EQ SLOT(0), $MARK_A, "[\p-avl] bits 11:9 of a PTE are ignored"

	/* Not present (SDM 4.7): P = 0; W/R says the access; CR2 = the address. */
	MAP \pt, \esz, 1, 0, 0
	READ_PF SLOT(1) + 0x123, 0, "[\p-np-read] read of a not-present page: #PF(0), CR2 = address"
	WRITE_PF SLOT(1) + 0x456, PF_W, "[\p-np-write] write to a not-present page: #PF(W)"
	READ_PF \npla + 0x10, 0, "[\p-np-pde] read through a not-present PDE: #PF(0)"

	/* SDM 4.6.1: supervisor writes to read-only pages need CR0.WP = 1 to fault. */
	MAP \pt, \esz, 2, page_w, PG_P
	WRITE_EQ SLOT(2) + 0x10, 0x5eaf0001, page_w + 0x10, "[\p-wp0-ro-write] CR0.WP=0: a CPL-0 write to a read-only page is allowed"
	WP_ON
	WRITE_PF SLOT(2) + 0x14, PF_P | PF_W, "[\p-wp1-ro-write] CR0.WP=1: a CPL-0 write to a read-only page is #PF(P|W)"
	/* R/W = 0 in the PDE makes the page read-only whatever the PTE says. */
	SETE \pde2, $(\pt2 + PG_P | PG_US), \esz
	invlpg \la2
	WRITE_PF \la2 + 0x18, PF_P | PF_W, "[\p-ro-pde] CR0.WP=1: R/W=0 in the PDE only: a CPL-0 write is #PF(P|W)"
	WP_OFF

	/*
	 * SDM 4.8: an access sets A in every entry used, a write also sets D in
	 * the entry that maps the page. A PDE that references a page table has
	 * no D bit (bit 6 is ignored) and is never written there.
	 */
	MAP \pt, \esz, 6, page_a, PG_SRW
	movl SLOT(6), %eax
	EXPECT_BITS (\pt + 6 * \esz), PG_A, PG_A, "[\p-a-pte] a read sets A in the PTE"
	EXPECT_BITS (\pt + 6 * \esz), PG_D, 0, "[\p-d-clean] a read does not set D in the PTE"
	movl $SLOT(6) + 0x40, %ebx
	movl $1, (%ebx)
	EXPECT_BITS (\pt + 6 * \esz), PG_D, PG_D, "[\p-d-pte] a write sets D in the PTE"
	SETE \pde2, $(\pt2 + PG_URW), \esz
	SETE \pt2, $(page_w + PG_URW), \esz
	invlpg \la2
	movl \la2 + 0x44, %eax
	EXPECT_BITS \pde2, PG_A, PG_A, "[\p-a-pde] an access sets A in a PDE that references a page table"
	movl %eax, \la2 + 0x44
	EXPECT_BITS \pde2, PG_D, 0, "[\p-d-nonleaf] a write leaves bit 6 of a PDE that references a page table alone"

	/*
	 * SDM 4.10.4: after a change to a PTE, INVLPG of the address, or a MOV
	 * to CR3 (no global pages here), makes the next access use the new entry.
	 */
	MAP \pt, \esz, 7, page_a, PG_SRW
	movl SLOT(7), %eax /* may cache the translation */
	SETE (\pt + 7 * \esz), $(page_b + PG_SRW), \esz
	invlpg SLOT(7)
	READ_EQ SLOT(7), $MARK_B, "[\p-invlpg] after a PTE change and INVLPG, the new frame is read"
	SETE (\pt + 7 * \esz), $(page_a + PG_SRW), \esz
	RELOAD_CR3
	READ_EQ SLOT(7), $MARK_A, "[\p-cr3-reload] after a PTE change and MOV CR3, the new frame is read"
	SETE (\pt + 7 * \esz), $0, \esz
	invlpg SLOT(7)
	READ_PF SLOT(7) + 0x48, 0, "[\p-invlpg-np] after clearing P and INVLPG, a read is #PF(0)"

	/* SDM 4.7: I/D is set for a fetch only with PAE or 4-level paging and EFER.NXE = 1. */
	MAP \pt, \esz, 8, page_code, PG_SRW
	FETCH_OK SLOT(8), "[\p-fetch-ok] an instruction fetch from a present page without XD runs"
	FETCH_PF SLOT(1), np_fetch_err, "[\p-fetch-np] fetch from a not-present page: #PF, I/D as SDM 4.7 says for this mode"
.endm

/*
 * The CPL-3 checks every paging mode shares (SDM 4.6.1: user-mode accesses
 * need U/S = 1 in every entry, user writes R/W = 1 in every entry, whatever
 * CR0.WP says); arguments as for SHARED. Separate from SHARED so that the
 * 4-level part can run them last.
 */
.macro SHARED_USER p:req, pt:req, esz:req, pde2:req, pt2:req, la2:req
	/* SDM 4.6.1: CPL-3 accesses need U/S = 1 everywhere, and writes R/W = 1 everywhere. */
	WP_OFF
	MAP \pt, \esz, 1, 0, 0
	MAP \pt, \esz, 3, page_w, PG_SRW
	UREAD_PF SLOT(3) + 0x20, PF_P | PF_U, "[\p-user-sup] CPL-3 read of a supervisor page (U/S=0 in the PTE): #PF(P|U)"
	SETE \pde2, $(\pt2 + PG_P | PG_RW), \esz
	invlpg \la2
	UREAD_PF \la2 + 0x24, PF_P | PF_U, "[\p-user-sup-pde] CPL-3 read with U/S=0 in the PDE only: #PF(P|U)"
	SETE \pde2, $(\pt2 + PG_URW), \esz
	invlpg \la2
	MAP \pt, \esz, 4, page_w, PG_P | PG_US
	UREAD_OK SLOT(4) + 0x28, "[\p-user-read] CPL-3 read of a read-only user page"
	UWRITE_PF SLOT(4) + 0x2c, PF_P | PF_W | PF_U, "[\p-user-ro-write] CR0.WP=0: a CPL-3 write to a read-only user page is #PF(P|W|U)"
	MAP \pt, \esz, 5, page_w, PG_URW
	UWRITE_EQ SLOT(5) + 0x30, 0x05e30001, page_w + 0x30, "[\p-user-rw] CPL-3 write to a writable user page lands"
	UREAD_PF SLOT(1) + 0x34, PF_U, "[\p-user-np] CPL-3 read of a not-present page: #PF(U)"
.endm

/* ------------------------------------------------------------------ setup */

	TEXT32
/* CPUID into c1_edx, e1_edx, e8_eax; MAXPHYADDR and the masks built on it. */
cpu_probe:
	pushal
	xorl %eax, %eax
	cpuid
	movl %eax, cpuid_max
	movl $1, %eax
	cpuid
	movl %edx, c1_edx
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000000, %eax
	jb 1f
	movl %eax, cpuid_ext_max
	cmpl $0x80000001, %eax
	jb 1f
	movl $0x80000001, %eax
	cpuid
	movl %edx, e1_edx
	cmpl $0x80000008, cpuid_ext_max
	jb 1f
	movl $0x80000008, %eax
	cpuid
	movl %eax, e8_eax
	/* MAXPHYADDR: 0x80000008:EAX[7:0], else 36 with PAE or PSE-36, else 32 (SDM 4.1.4). */
1:	movl $32, %eax
	testl $(C1D_PAE | C1D_PSE36), c1_edx
	jz 2f
	movl $36, %eax
2:	cmpl $0x80000008, cpuid_ext_max
	jb 3f
	movzbl e8_eax, %eax
	/* Entries hold 52-bit addresses at most; 32 is the least a CPU has. */
3:	cmpl $52, %eax
	jbe 4f
	movl $52, %eax
4:	cmpl $32, %eax
	jae 5f
	movl $32, %eax
5:	movl %eax, maxphyaddr
	leal -32(%eax), %ecx
	movl $1, %ebx
	shll %cl, %ebx
	movl %ebx, bitm_hi
	/*
	 * SDM table 4-4: a 4-MByte PDE holds PA bits 39:32 in bits 20:13 with
	 * PSE-36 (M = min(MAXPHYADDR, 40)); bits 21:(M - 19) are reserved,
	 * 21:13 without PSE-36. Bit 21 is checked on its own.
	 */
	movl $32, %ecx
	testl $C1D_PSE36, c1_edx
	jz 6f
	movl %eax, %ecx
	cmpl $40, %ecx
	jbe 6f
	movl $40, %ecx
6:	subl $19, %ecx
	cmpl $21, %ecx
	jae 7f
	movl %ecx, pse_rsvd_bit
7:	popal
	ret

/* Print the CPUID features this guest uses (only those: see tests/e2e/qemu.t). */
.macro REPORT_BIT var:req, bit:req, text:req
	testl $\bit, \var
	jz .Lno\@
	PRINT " \text"
.Lno\@:
.endm

cpu_report:
	PRINT "paging: CPUID: MAXPHYADDR "
	PUTDEC maxphyaddr
	PRINT ";"
	REPORT_BIT c1_edx, C1D_PSE, PSE
	REPORT_BIT c1_edx, C1D_PAE, PAE
	REPORT_BIT c1_edx, C1D_PGE, PGE
	REPORT_BIT c1_edx, C1D_PSE36, PSE-36
	REPORT_BIT e1_edx, E1D_NX, NX
	REPORT_BIT e1_edx, E1D_PAGE1GB, Page1GB
	REPORT_BIT e1_edx, E1D_LM, LM
	PRINTLN
	ret

/* EDI = the GDT slot, EAX = the TSS: an available 32- or 64-bit TSS (type 9), limit 103. */
tss_desc:
	pushl %eax
	pushl %edx
	movl %eax, %edx
	shll $16, %eax
	orl $103, %eax
	movl %eax, (%edi)
	movl %edx, %eax
	andl $0xff000000, %eax
	shrl $16, %edx
	andl $0xff, %edx
	orl %edx, %eax
	orl $0x8900, %eax /* P, DPL 0, type 9 */
	movl %eax, 4(%edi)
	popl %edx
	popl %eax
	ret

/* Our GDT with ring-3 segments and TSSs; TR = the 32-bit TSS. */
gdt_setup:
	pushal
	movl $tss32, %eax
	movl $pgdt + SEL_TSS32, %edi
	call tss_desc
	movl $tss64, %eax
	movl $pgdt + SEL_TSS64, %edi
	call tss_desc
	/* 32-bit TSS: SS0:ESP0; 64-bit TSS: RSP0 (SDM 7.2.1, 7.7). No I/O bitmap. */
	movl $ring0_stack_top, tss32 + 4
	movl $SEL_DATA32, tss32 + 8
	movw $104, tss32 + 102
	movl $ring0_stack_top, tss64 + 4
	movw $104, tss64 + 102
	lgdt pgdt_ptr
	ljmp $SEL_CODE32, $1f
1:	movl $SEL_DATA32, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $SEL_TSS32, %eax
	call load_tr
	popal
	ret

/* LTR AX, after making its descriptor "available" again (LTR sets busy). */
load_tr:
	pushl %ebx
	movzwl %ax, %ebx
	andb $~0x02, pgdt + 5(%ebx)
	ltr %ax
	popl %ebx
	ret

/* The test pages' contents, written with paging off (linear = physical). */
fill_pages:
	movl $MARK_A, page_a
	movl $MARK_A, page_a + 0x800
	movl $MARK_B, page_b
	movl $MARK_W, page_w
	movw $STUB_JMP_EDX, page_code
	movl $MARK_C, page_code + 0x800
	/* BIG_PHYS: a 4-KByte page table whose entry 0 maps page_a (p32-ps-ignored). */
	movl $(page_a + PG_URW), BIG_PHYS
	movl $0, BIG_PHYS + 4
	movl $MARK_2M, BIG_PHYS + 0x1ff000
	movl $MARK_4M, BIG_PHYS + 0x3ff000
	ret

/* ------------------------------------------------------- 4-level paging */

	.set IN_COMPAT, 1

lm_build:
	movl $(pdpt_lm + PG_URW), pml4_lm
	movl $(pd_lm + PG_URW), pdpt_lm
	movl $(pd_lm2 + PG_URW), pdpt_lm + 16
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd_lm2
	movl $(0x000000 + PG_URW + PG_PS), pd_lm
	movl $(0x200000 + PG_URW + PG_PS), pd_lm + 8
	movl $(pt_lm_win + PG_URW), pd_lm + 16
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd_lm + 24
	movl $(pt_lm_win2 + PG_URW), pd_lm + 32
	movl $(page_w + PG_URW), pt_lm_win2
	ret

/*
 * The PML4E-1 chain (LA 0x0000008000000000 -> page_code), one flag dword
 * and one high dword per level, A and D clear; then MOV CR3. Clobbers EAX.
 */
.macro CHAIN f4:req, f3:req, f2:req, f1:req, x4=$0, x3=$0, x2=$0, x1=$0
	movl \x4, %eax
	movl %eax, pml4_lm + 12
	movl $(pdpt_c + (\f4)), pml4_lm + 8
	movl \x3, %eax
	movl %eax, pdpt_c + 4
	movl $(pd_c + (\f3)), pdpt_c
	movl \x2, %eax
	movl %eax, pd_c + 4
	movl $(pt_c + (\f2)), pd_c
	movl \x1, %eax
	movl %eax, pt_c + 4
	movl $(page_code + (\f1)), pt_c
	RELOAD_CR3
.endm

/* The chain with `f` (and XD high dword `x`) at level `lvl` only, user-writable elsewhere. */
.macro CHAIN_AT lvl:req, f:req, x=$0
	.if \lvl == 4
	CHAIN \f, PG_URW, PG_URW, PG_URW, \x
	.elseif \lvl == 3
	CHAIN PG_URW, \f, PG_URW, PG_URW, $0, \x
	.elseif \lvl == 2
	CHAIN PG_URW, PG_URW, \f, PG_URW, $0, $0, \x
	.else
	CHAIN PG_URW, PG_URW, PG_URW, \f, $0, $0, $0, \x
	.endif
.endm

/* From compatibility mode: one access to the chain page + 0x800 in 64-bit mode. */
.macro C64 kind:req
	GO64
	movabsq $((LA_C_HI << 32) + 0x800), %rbx
	movl $0xc0ffee, %esi
	.ifc \kind, uread
	UTRY64 movl (%rbx), %ecx
	.endif
	.ifc \kind, uwrite
	UTRY64 movl %esi, (%rbx)
	.endif
	.ifc \kind, read
	TRY64 movl (%rbx), %ecx
	.endif
	.ifc \kind, write
	TRY64 movl %esi, (%rbx)
	.endif
	SAVE_CR2
	GO32
.endm

/* The chain access above was #PF(err) with CR2 = the chain page + 0x800. */
.macro EXPECT_CPF err:req, name:req
	EXPECT_PFS $(\err), $0x800, $LA_C_HI, $0, "\name"
.endm

/* A fetch of the chain page (its stub) in 64-bit mode, at CPL 0 or 3. */
.macro C64_FETCH user=0
	GO64
	movabsq $(LA_C_HI << 32), %rcx
	.if \user
	UTRY64 jmp *%rcx
	movl %ecx, try_ip(%rip) /* the faulting RIP is the fetched address */
	.else
	FETCH64
	.endif
	SAVE_CR2
	GO32
.endm

.macro EXPECT_CPF_FETCH err:req, name:req
	EXPECT_PFS $(\err), $0, $LA_C_HI, $LA_C_HI, "\name"
.endm

/* U/S = 0, R/W = 0 and XD at one level of the chain (SDM 4.6.1: AND/OR over the levels). */
.macro CHAIN_LEVEL lvl:req, id:req
	CHAIN_AT \lvl, PG_P | PG_RW
	C64 uread
	EXPECT_CPF PF_P | PF_U, "[lm-us-\id] U/S=0 in the \id only: a CPL-3 read is #PF(P|U) (64-bit mode)"
	CHAIN_AT \lvl, PG_P | PG_US
	C64 uwrite
	EXPECT_CPF PF_P | PF_W | PF_U, "[lm-rw-\id] R/W=0 in the \id only: a CPL-3 write is #PF(P|W|U) (64-bit mode)"
.endm

.macro CHAIN_NX lvl:req, id:req
	CHAIN_AT \lvl, PG_URW, $PG_XD_HI
	C64_FETCH
	EXPECT_CPF_FETCH PF_P | PF_ID, "[lm-nx-\id] EFER.NXE=1, XD in the \id only: a fetch is #PF(P|I/D) at the address (64-bit mode)"
.endm

/* From compatibility mode, with 4-level paging on. */
lm_tests_compat:
	movl $SEL_TSS64, %eax
	call load_tr /* LTR in IA-32e mode needs the 64-bit TSS (SDM 7.7) */
	movl $0, np_fetch_err
	testl $E1D_NX, e1_edx
	jz 1f
	movl $PF_ID, np_fetch_err
1:	SHARED lm, pt_lm_win, 8, pd_lm + 32, pt_lm_win2, WIN2_64, NP_PDE_64

	/* 2-MByte pages (SDM 4.5.4, table 4-18): 21 bits of offset; A and D in the PDE. */
	READ_EQ BIG_LA_64 + 0x1ff000, $MARK_2M, "[lm-2m-read] a 2-MByte page maps 21 bits of offset"
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd_lm + 24
	invlpg BIG_LA_64 + 0x1ff000
	movl $0x2d2d0001, BIG_LA_64 + 0x1ff010
	EXPECT_BITS pd_lm + 24, PG_A | PG_D, PG_A | PG_D, "[lm-ad-2m] a write sets A and D in a 2-MByte PDE"

	/* 1-GByte pages only with CPUID Page1GB; else PS in a PDPTE is reserved (4.5.4). */
	movl $(0 + PG_SRW + PG_PS), pdpt_lm + 8
	invlpg LA_1G + page_a
	testl $E1D_PAGE1GB, e1_edx
	jz 2f
	READ_EQ LA_1G + page_a, $MARK_A, "[lm-1g-read] a 1-GByte page maps 30 bits of offset"
	movl $(0x2000 + PG_SRW + PG_PS), pdpt_lm + 8
	invlpg LA_1G + page_a
	READ_PF LA_1G + page_a, PF_P | PF_RSVD, "[lm-1g-rsvd] bit 13 of a 1-GByte PDPTE is reserved: #PF(P|RSVD)"
	jmp 3f
2:	READ_PF LA_1G + page_a, PF_P | PF_RSVD, "[lm-1g-ps-rsvd] no Page1GB: PS=1 in a PDPTE is reserved: #PF(P|RSVD)"
3:	movl $0, pdpt_lm + 8
	READ_PF LA_NP_PDPTE + 0x10, 0, "[lm-np-pdpte] read through a not-present PDPTE: #PF(0)"

	/* Reserved bits (4.5.4): 51:M of every entry, 20:13 of a 2-MByte PDE, PS of a PML4E. */
	cmpl $52, maxphyaddr
	jb 4f
	PRINTLN "note: MAXPHYADDR is 52: 4-level entries have no reserved address bits to check"
	jmp 5f
4:	MAP pt_lm_win, 8, 0, page_a, PG_SRW, bitm_hi
	READ_PF SLOT(0), PF_P | PF_RSVD, "[lm-rsvd-pte] bit MAXPHYADDR of a PTE is reserved: #PF(P|RSVD)"
	movl bitm_hi, %eax
	movl %eax, pd_lm + 36
	invlpg WIN2_64
	READ_PF WIN2_64, PF_P | PF_RSVD, "[lm-rsvd-pde] bit MAXPHYADDR of a PDE is reserved: #PF(P|RSVD)"
	movl $0, pd_lm + 36
	movl %eax, pdpt_lm + 20
	invlpg LA_PDPTE2
	READ_PF LA_PDPTE2, PF_P | PF_RSVD, "[lm-rsvd-pdpte] bit MAXPHYADDR of a PDPTE is reserved: #PF(P|RSVD)"
	movl $0, pdpt_lm + 20
5:	movl $(BIG_PHYS + PG_SRW + PG_PS + 0x2000), pd_lm + 24
	invlpg BIG_LA_64
	READ_PF BIG_LA_64 + 0x20, PF_P | PF_RSVD, "[lm-rsvd-2m] bit 13 of a 2-MByte PDE is reserved: #PF(P|RSVD)"
	WRITE_PF BIG_LA_64 + 0x24, PF_P | PF_W | PF_RSVD, "[lm-rsvd-write] a write through a reserved bit: #PF(P|W|RSVD)"
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd_lm + 24
	invlpg BIG_LA_64
	/* Bits 58:52 are ignored (Intel) / available (AMD). */
	MAP pt_lm_win, 8, 0, page_a, PG_SRW, $0x00100000
	READ_EQ SLOT(0), $MARK_A, "[lm-ignored-52] bit 52 of a PTE is ignored"

	/* XD (4.6.2): a fetch fault with EFER.NXE=1; bit 63 is reserved with NXE=0. */
	NXE_OFF
	MAP pt_lm_win, 8, 0, page_a, PG_SRW, $PG_XD_HI
	READ_PF SLOT(0), PF_P | PF_RSVD, "[lm-xd-nxe0] EFER.NXE=0: XD (bit 63) is reserved: #PF(P|RSVD)"
	testl $E1D_NX, e1_edx
	jnz 6f
	PRINTLN "note: no NX in CPUID: the XD fetch checks are left out"
	jmp 7f
6:	FETCH_PF SLOT(1), $0, "[lm-nxe0-fetch-np] EFER.NXE=0: a fetch from a not-present page is #PF(0), no I/D"
	NXE_ON
	MAP pt_lm_win, 8, 8, page_code, PG_SRW, $PG_XD_HI
	FETCH_PF SLOT(8), $(PF_P | PF_ID), "[lm-nx-fetch] EFER.NXE=1: a fetch from an XD page is #PF(P|I/D) at the address"
	READ_EQ SLOT(8) + 0x800, $MARK_C, "[lm-nx-read] a data read from an XD page is allowed"
	movl $PG_XD_HI, pd_lm + 36
	MAP pt_lm_win2, 8, 0, page_code, PG_URW
	invlpg WIN2_64
	FETCH_PF WIN2_64, $(PF_P | PF_ID), "[lm-nx-pde-fetch] XD in the PDE only: a fetch is #PF(P|I/D)"
	movl $0, pd_lm + 36
	movl $(page_w + PG_URW), pt_lm_win2
7:	ret

/* In 64-bit mode: the PML4E-1 chain, and the addresses only 64-bit mode has. */
lm_tests_64:
	CHAIN_LEVEL 4, pml4e
	CHAIN_LEVEL 3, pdpte
	CHAIN_LEVEL 2, pde
	CHAIN_LEVEL 1, pte
	CHAIN PG_URW, PG_URW, PG_URW, PG_URW
	C64 uread
	EXPECT_NOEXC "[lm-us-all] U/S=1 at every level: a CPL-3 read is allowed (64-bit mode)"
	C64 uwrite
	EXPECT_NOEXC "[lm-rw-all] R/W=1 and U/S=1 at every level: a CPL-3 write is allowed (64-bit mode)"
	WP_ON
	CHAIN_AT 4, PG_P | PG_US
	C64 write
	EXPECT_CPF PF_P | PF_W, "[lm-rw-sup-pml4e] CR0.WP=1, R/W=0 in the PML4E only: a CPL-0 write is #PF(P|W)"
	WP_OFF

	testl $E1D_NX, e1_edx
	jz 1f
	CHAIN_NX 4, pml4e
	CHAIN_NX 3, pdpte
	CHAIN PG_URW, PG_URW, PG_URW, PG_URW
	C64_FETCH
	EXPECT_NOEXC "[lm-nx-none] no XD at any level: a fetch runs (64-bit mode)"
	CHAIN_AT 1, PG_URW, $PG_XD_HI
	C64_FETCH 1
	EXPECT_CPF_FETCH PF_P | PF_U | PF_ID, "[lm-user-nx] a CPL-3 fetch from an XD page is #PF(P|U|I/D)"

	/* A in every entry used, D only in the PTE (SDM 4.8). */
1:	CHAIN PG_URW, PG_URW, PG_URW, PG_URW
	C64 read
	EXPECT_BITS pml4_lm + 8, PG_A, PG_A, "[lm-a64-pml4e] an access sets A in the PML4E"
	EXPECT_BITS pdpt_c, PG_A, PG_A, "[lm-a64-pdpte] an access sets A in the PDPTE"
	EXPECT_BITS pd_c, PG_A, PG_A, "[lm-a64-pde] an access sets A in the PDE"
	EXPECT_BITS pt_c, PG_A | PG_D, PG_A, "[lm-a64-pte] a read sets A, not D, in the PTE"
	C64 write
	EXPECT_BITS pt_c, PG_D, PG_D, "[lm-d64-pte] a write sets D in the PTE"
	movl pml4_lm + 8, %eax
	orl pdpt_c, %eax
	orl pd_c, %eax
	andl $PG_D, %eax
	EXPECT_EQ %eax, $0, "[lm-d64-nonleaf] a write leaves bit 6 of the PML4E, PDPTE and PDE alone"

	/* INVLPG of a 64-bit address (4.10.4.1). */
	GO64
	movabsq $(LA_C_HI << 32), %rbx
	movl (%rbx), %ecx /* caches the translation to page_code */
	movl $(page_a + PG_URW), pt_c(%rip)
	invlpg (%rbx)
	TRY64 movl (%rbx), %ecx
	GO32
	JFAULTED 2f
	EXPECT_EQ %ecx, $MARK_A, "[lm-invlpg-64] INVLPG of a 64-bit address: the new PTE is used"
	jmp 3f
2:	EXPECT_NOEXC "[lm-invlpg-64] INVLPG of a 64-bit address: the new PTE is used"

3:	cmpl $52, maxphyaddr
	jae 4f
	CHAIN PG_URW, PG_URW, PG_URW, PG_URW, bitm_hi
	C64 read
	EXPECT_CPF PF_P | PF_RSVD, "[lm-rsvd-pml4e] bit MAXPHYADDR of a PML4E is reserved: #PF(P|RSVD)"
4:	CHAIN PG_URW | PG_PS, PG_URW, PG_URW, PG_URW
	C64 read
	EXPECT_CPF PF_P | PF_RSVD, "[lm-ps-pml4e] PS (bit 7) of a PML4E is reserved: #PF(P|RSVD)"
	CHAIN PG_URW, PG_URW, PG_URW, PG_URW
	movl $MARK_C, page_code + 0x800 /* the chain writes went there */

	/*
	 * SDM 3.3.7.1 and 6.15: a non-canonical address is #GP(0) (#SS for
	 * stack references), not #PF: CR2 is not written. 4-level paging
	 * translates 48 bits, whatever CPUID says about LA57.
	 */
	GO64
	movabsq $0x5a5a5000, %rax
	movq %rax, %cr2
	movabsq $0x0000800000000000, %rbx
	TRY64 movl (%rbx), %ecx
	GO32
	EXPECT_GP "[lm-noncanon-lo] a read of 0x0000800000000000 is #GP(0)"
	GO64
	movabsq $0xffff7ffffffffff0, %rbx
	TRY64 movl (%rbx), %ecx
	SAVE_CR2
	GO32
	EXPECT_GP "[lm-noncanon-hi] a read of 0xffff7ffffffffff0 is #GP(0)"
	EXPECT_EQ64 pf_cr2 + 4, pf_cr2, $0, $0x5a5a5000, "[lm-noncanon-cr2] the #GP of a non-canonical address leaves CR2 alone"
	GO64
	movabsq $0xffff800000000010, %rbx
	TRY64 movl (%rbx), %ecx
	SAVE_CR2
	GO32
	EXPECT_PFS $0, $0x10, $0xffff8000, $0, "[lm-canon-np] 0xffff800000000010 is canonical: not-present PML4E 256 is #PF(0), CR2 = the full address"
	ret

/* Compatibility mode at CPL 3, last (a far RET to ring 3 from 32-bit code). */
lm_tests_user:
	SHARED_USER lm, pt_lm_win, 8, pd_lm + 32, pt_lm_win2, WIN2_64
	ret

lm_tests:
	PRINTLN "paging: 4-level paging (IA-32e mode)"
	call lm_build
	/* SDM 10.8.5: CR4.PAE, CR3, EFER.LME (and NXE), then CR0.PG. */
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4_lm, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	NXE_ON
	lidt idt64_ptr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	movl $MSR_EFER, %ecx
	rdmsr
	andl $EFER_LMA, %eax
	EXPECT_EQ %eax, $EFER_LMA, "[lm-active] CR0.PG=1 with EFER.LME=1 and our 4-level tables: EFER.LMA=1"
	call lm_tests_compat
	call lm_tests_64
	call lm_tests_user
	WP_OFF
	call long_mode_leave
	NXE_OFF
	movl $SEL_TSS32, %eax
	call load_tr
	ret

/* ------------------------------------------------------------ PAE paging */

	.set IN_COMPAT, 0

pae_build:
	movl $(pd_pae + PG_P), pdpt_pae /* PDPTEs have no R/W or U/S (bits 2:1 reserved) */
	movl $(pd_pae + PG_P), pdpt_bad
	movl $(0x000000 + PG_URW + PG_PS), pd_pae
	movl $(0x200000 + PG_URW + PG_PS), pd_pae + 8
	movl $(pt_pae_win + PG_URW), pd_pae + 16
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd_pae + 24
	movl $(pt_pae_win2 + PG_URW), pd_pae + 32
	movl $(page_w + PG_URW), pt_pae_win2
	ret

/* MOV CR3 = pdpt_bad with PDPTE 3 = pd_pae | P | lo, high dword hi: #GP(0) (SDM 4.4.1). */
.macro PDPTE_BAD lo:req, hi:req, name:req
	movl \hi, %eax
	movl %eax, pdpt_bad + 28
	movl $(pd_pae + PG_P + (\lo)), pdpt_bad + 24
	movl $pdpt_bad, %eax
	TRY movl %eax, %cr3
	EXPECT_GP "\name"
	movl $pdpt_pae, %eax
	movl %eax, %cr3
.endm

pae_tests_on:
	movl $PF_ID, np_fetch_err
	testl $E1D_NX, e1_edx
	jnz 1f
	movl $0, np_fetch_err
1:	SHARED pae, pt_pae_win, 8, pd_pae + 32, pt_pae_win2, WIN2_64, NP_PDE_64
	SHARED_USER pae, pt_pae_win, 8, pd_pae + 32, pt_pae_win2, WIN2_64

	READ_EQ BIG_LA_64 + 0x1ff000, $MARK_2M, "[pae-2m-read] a 2-MByte page maps 21 bits of offset"
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd_pae + 24
	invlpg BIG_LA_64 + 0x1ff000
	movl $0x2d2d0002, BIG_LA_64 + 0x1ff010
	EXPECT_BITS pd_pae + 24, PG_A | PG_D, PG_A | PG_D, "[pae-ad-2m] a write sets A and D in a 2-MByte PDE"
	READ_PF LA_1G + 0x10, 0, "[pae-np-pdpte] read through a not-present PDPTE: #PF(0)"

	/* SDM 4.4.2, tables 4-9..4-11: bits 62:M of a PDE or PTE are reserved, 20:13 of a 2-MByte PDE. */
	MAP pt_pae_win, 8, 0, page_a, PG_SRW, bitm_hi
	READ_PF SLOT(0), PF_P | PF_RSVD, "[pae-rsvd-pte] bit MAXPHYADDR of a PTE is reserved: #PF(P|RSVD)"
	MAP pt_pae_win, 8, 0, page_a, PG_SRW, $0x40000000
	READ_PF SLOT(0), PF_P | PF_RSVD, "[pae-rsvd-62] bit 62 of a PAE PTE is reserved: #PF(P|RSVD)"
	movl bitm_hi, %eax
	movl %eax, pd_pae + 36
	invlpg WIN2_64
	READ_PF WIN2_64, PF_P | PF_RSVD, "[pae-rsvd-pde] bit MAXPHYADDR of a PDE is reserved: #PF(P|RSVD)"
	movl $0, pd_pae + 36
	invlpg WIN2_64
	movl $(BIG_PHYS + PG_SRW + PG_PS + 0x2000), pd_pae + 24
	invlpg BIG_LA_64
	READ_PF BIG_LA_64 + 0x20, PF_P | PF_RSVD, "[pae-rsvd-2m] bit 13 of a 2-MByte PDE is reserved: #PF(P|RSVD)"
	WRITE_PF BIG_LA_64 + 0x24, PF_P | PF_W | PF_RSVD, "[pae-rsvd-write] a write through a reserved bit: #PF(P|W|RSVD)"
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd_pae + 24
	invlpg BIG_LA_64

	NXE_OFF
	MAP pt_pae_win, 8, 0, page_a, PG_SRW, $PG_XD_HI
	READ_PF SLOT(0), PF_P | PF_RSVD, "[pae-xd-nxe0] EFER.NXE=0: XD (bit 63) is reserved: #PF(P|RSVD)"
	testl $E1D_NX, e1_edx
	jnz 2f
	PRINTLN "note: no NX in CPUID: the XD fetch checks are left out"
	jmp 3f
2:	FETCH_PF SLOT(1), $0, "[pae-nxe0-fetch-np] EFER.NXE=0: a fetch from a not-present page is #PF(0), no I/D"
	NXE_ON
	MAP pt_pae_win, 8, 8, page_code, PG_SRW, $PG_XD_HI
	FETCH_PF SLOT(8), $(PF_P | PF_ID), "[pae-nx-fetch] EFER.NXE=1: a fetch from an XD page is #PF(P|I/D) at the address"
	READ_EQ SLOT(8) + 0x800, $MARK_C, "[pae-nx-read] a data read from an XD page is allowed"
	movl $PG_XD_HI, pd_pae + 36
	MAP pt_pae_win2, 8, 0, page_code, PG_URW
	invlpg WIN2_64
	FETCH_PF WIN2_64, $(PF_P | PF_ID), "[pae-nx-pde-fetch] XD in the PDE only: a fetch is #PF(P|I/D)"
	movl $0, pd_pae + 36
	movl $(page_w + PG_URW), pt_pae_win2
	invlpg WIN2_64

	/*
	 * SDM 4.4.1: with PAE paging, MOV to CR3 loads the four PDPTEs into
	 * registers; a present PDPTE with a reserved bit set (2:1, 8:5, 63:M,
	 * table 4-8) is #GP(0) and CR3 is not changed. PDPTE 3 of pdpt_bad
	 * maps nothing we use.
	 */
3:	movl $(pd_pae + PG_P + 2), pdpt_bad + 24
	movl $0, pdpt_bad + 28
	movl $pdpt_bad, %eax
	TRY movl %eax, %cr3
	movl %cr3, %eax
	EXPECT_EQ %eax, $pdpt_pae, "[pae-pdpte-cr3-kept] a MOV CR3 refused for a bad PDPTE leaves CR3 as it was"
	movl $pdpt_pae, %eax
	movl %eax, %cr3
	.irp b, 1, 2, 5, 8
	PDPTE_BAD (1 << \b), $0, "[pae-pdpte-rsvd] MOV CR3 with reserved bit \b set in a present PDPTE: #GP(0)"
	.endr
	PDPTE_BAD 0, bitm_hi, "[pae-pdpte-rsvd-maxphy] MOV CR3 with bit MAXPHYADDR set in a present PDPTE: #GP(0)"
	PDPTE_BAD 0, $PG_XD_HI, "[pae-pdpte-rsvd-63] MOV CR3 with bit 63 set in a present PDPTE (no XD there), EFER.NXE=1: #GP(0)"
	/* Reserved bits of a not-present PDPTE do not matter. */
	movl $0x1e6, pdpt_bad + 24
	movl $pdpt_bad, %eax
	TRY movl %eax, %cr3
	EXPECT_NOEXC "[pae-pdpte-np-ok] MOV CR3 with reserved bits in a not-present PDPTE is allowed"
	/* The PDPTE registers change on MOV CR3, not on a store. */
	movl $0, pdpt_bad + 24
	movl $(pd_pae + PG_P), pdpt_bad + 8
	movl $pdpt_bad, %eax
	movl %eax, %cr3
	READ_EQ LA_1G + page_a, $MARK_A, "[pae-pdpte-reload] a PDPTE stored before MOV CR3 is used after it"
	/* MOV CR4 that changes PGE reloads the PDPTEs too (4.4.1). */
	testl $C1D_PGE, c1_edx
	jnz 4f
	PRINTLN "note: no PGE in CPUID: the MOV CR4 PDPTE reload check is left out"
	jmp 5f
4:	movl $(pd_pae + PG_P + 2), pdpt_bad + 24
	movl %cr4, %eax
	orl $CR4_PGE, %eax
	TRY movl %eax, %cr4
	EXPECT_GP "[pae-pdpte-cr4] MOV CR4 setting PGE reloads the PDPTEs: a reserved bit is #GP(0)"
	movl %cr4, %eax
	andl $~CR4_PGE, %eax
	movl %eax, %cr4
5:	movl $0, pdpt_bad + 24
	movl $0, pdpt_bad + 8
	movl $pdpt_pae, %eax
	movl %eax, %cr3
	ret

pae_tests:
	PRINTLN "paging: PAE paging (CR4.PAE=1, EFER.LME=0)"
	call pae_build
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	andl $~CR4_PSE, %eax
	movl %eax, %cr4
	movl $pdpt_pae, %eax
	movl %eax, %cr3
	NXE_ON
	movl %cr0, %eax
	orl $CR0_PG, %eax
	TRY movl %eax, %cr0
	JFAULTED 1f
	movl $MSR_EFER, %ecx
	rdmsr
	andl $EFER_LMA, %eax
	movl %cr0, %ecx
	andl $CR0_PG, %ecx
	orl %ecx, %eax
	EXPECT_EQ %eax, $CR0_PG, "[pae-active] CR0.PG=1 with CR4.PAE=1, EFER.LME=0: PAE paging, EFER.LMA=0"
	jmp 2f
	/* A host that refuses PAE paging: say so once, skip the rest. */
1:	EXPECT_NOEXC "[pae-active] CR0.PG=1 with CR4.PAE=1, EFER.LME=0: PAE paging, EFER.LMA=0"
	PRINTLN "note: PAE paging could not be enabled: the other PAE checks are left out"
	jmp 3f
2:	call pae_tests_on
	WP_OFF
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0

	/* MOV CR0 that sets PG with CR4.PAE=1 loads the PDPTEs (4.4.1). */
	movl $(pd_pae + PG_P + 2), pdpt_bad + 24
	movl $pdpt_bad, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $CR0_PG, %eax
	TRY movl %eax, %cr0
	EXPECT_GP "[pae-pdpte-cr0] MOV CR0 setting PG with a reserved bit in a present PDPTE: #GP(0)"
	movl %cr0, %eax
	andl $CR0_PG, %eax
	EXPECT_EQ %eax, $0, "[pae-pdpte-cr0-pg] after that #GP, CR0.PG is still 0"
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0
	movl $0, pdpt_bad + 24
3:	NXE_OFF
	movl %cr4, %eax
	andl $~CR4_PAE, %eax
	movl %eax, %cr4
	ret

/* --------------------------------------------------------- 32-bit paging */

p32_build:
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	orl $PG_URW, %eax
	movl %eax, pt32_id(, %ecx, 4)
	incl %ecx
	cmpl $1024, %ecx
	jb 1b
	movl $(pt32_id + PG_URW), pd32
	movl $(pt32_win + PG_URW), pd32 + 4
	movl $(pt32_win2 + PG_URW), pd32 + 12
	movl $(page_w + PG_URW), pt32_win2
	ret

p32_tests_on:
	movl $0, np_fetch_err /* no I/D without PAE, even with EFER.NXE=1 (SDM 4.7) */
	SHARED p32, pt32_win, 4, pd32 + 12, pt32_win2, WIN2_32, NP_PDE_32
	SHARED_USER p32, pt32_win, 4, pd32 + 12, pt32_win2, WIN2_32

	/*
	 * SDM 4.3, table 4-5: with CR4.PSE=0, PS (bit 7) of a PDE is ignored and
	 * the PDE references a page table. BIG_PHYS holds one: entry 0 -> page_a.
	 */
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd32 + 8
	invlpg BIG_LA_32
	READ_EQ BIG_LA_32, $MARK_A, "[p32-ps-ignored] CR4.PSE=0: PS in a PDE is ignored, the PDE references a page table"
	testl $C1D_PSE, c1_edx
	jnz 1f
	PRINTLN "note: no PSE in CPUID: the 4-MByte page checks are left out"
	ret
1:	movl %cr4, %eax
	orl $CR4_PSE, %eax
	movl %eax, %cr4 /* flushes the TLB (SDM 4.10.4.1) */
	/* Table 4-4: a 4-MByte page; entry 0 of the table at BIG_PHYS is now data. */
	/* That entry now has A set too: p32-ps-ignored used it as a PTE (SDM 4.8). */
	READ_EQ BIG_LA_32, $(page_a + PG_URW + PG_A), "[p32-4m-read] CR4.PSE=1: PS=1 maps a 4-MByte page"
	READ_EQ BIG_LA_32 + 0x3ff000, $MARK_4M, "[p32-4m-offset] a 4-MByte page maps 22 bits of offset"
	movl $(BIG_PHYS + PG_SRW + PG_PS), pd32 + 8
	invlpg BIG_LA_32 + 0x3ff000
	movl $0x4d4d0001, BIG_LA_32 + 0x3ff010
	EXPECT_BITS pd32 + 8, PG_A | PG_D, PG_A | PG_D, "[p32-4m-ad] a write sets A and D in a 4-MByte PDE"
	/* Reserved: bit 21, and 20:(M-19) (M = min(MAXPHYADDR, 40) with PSE-36, 32 without). */
	movl $(BIG_PHYS + PG_SRW + PG_PS + (1 << 21)), pd32 + 8
	invlpg BIG_LA_32
	READ_PF BIG_LA_32 + 0x10, PF_P | PF_RSVD, "[p32-pse-rsvd21] bit 21 of a 4-MByte PDE is reserved: #PF(P|RSVD)"
	WRITE_PF BIG_LA_32 + 0x14, PF_P | PF_W | PF_RSVD, "[p32-pse-rsvd-write] a write through a reserved bit: #PF(P|W|RSVD)"
	movl pse_rsvd_bit, %ecx
	testl %ecx, %ecx
	jnz 2f
	PRINTLN "note: PSE-36 with MAXPHYADDR >= 40: bits 20:13 of a 4-MByte PDE are all address bits"
	jmp 3f
2:	movl $1, %eax
	shll %cl, %eax
	orl $(BIG_PHYS + PG_SRW + PG_PS), %eax
	movl %eax, pd32 + 8
	invlpg BIG_LA_32
	READ_PF BIG_LA_32 + 0x18, PF_P | PF_RSVD, "[p32-pse-rsvd-m] the lowest reserved bit of 20:13 of a 4-MByte PDE (MAXPHYADDR, PSE-36): #PF(P|RSVD)"
3:	movl $0, pd32 + 8
	movl %cr4, %eax
	andl $~CR4_PSE, %eax
	movl %eax, %cr4
	ret

p32_tests:
	PRINTLN "paging: 32-bit paging (CR4.PAE=0)"
	call p32_build
	movl %cr4, %eax
	andl $~(CR4_PAE | CR4_PSE), %eax
	movl %eax, %cr4
	movl $pd32, %eax
	movl %eax, %cr3
	NXE_ON /* shows that I/D needs CR4.PAE=1 (p32-fetch-np) */
	movl %cr0, %eax
	orl $CR0_PG, %eax
	TRY movl %eax, %cr0
	JFAULTED 1f
	movl %cr0, %eax
	andl $CR0_PG, %eax
	EXPECT_EQ %eax, $CR0_PG, "[p32-active] CR0.PG=1 with CR4.PAE=0: 32-bit paging"
	call p32_tests_on
	WP_OFF
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0
	jmp 2f
	/* A host that refuses 32-bit paging: say so once, skip the rest. */
1:	EXPECT_NOEXC "[p32-active] CR0.PG=1 with CR4.PAE=0: 32-bit paging"
	PRINTLN "note: 32-bit paging could not be enabled: the other 32-bit paging checks are left out"
2:	NXE_OFF
	ret

/* ------------------------------------------------------------- main */

	.globl guest_main
guest_main:
	PRINTLN "paging: paging conformance (SDM vol. 3A chapter 4, APM vol. 2 chapter 5)"
	movl $image_end_mark, %eax
	cmpl $BIG_PHYS, %eax
	jbe 1f
	FAIL "[setup] the image ends below 4 MiB", "it does not: the identity maps are too small"
	ret
1:	call cpu_probe
	call cpu_report
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, efer_entry
	movl %cr4, %eax
	movl %eax, cr4_entry
	call fill_pages
	call gdt_setup

	testl $E1D_LM, e1_edx
	jz 2f
	call lm_tests
	jmp 3f
2:	PRINTLN "note: no LM in CPUID: the 4-level paging checks are left out"
3:	testl $C1D_PAE, c1_edx
	jz 4f
	call pae_tests
	jmp 5f
4:	PRINTLN "note: no PAE in CPUID: the PAE paging checks are left out"
5:	call p32_tests

	/* Leave as we came: paging off, CR4 and EFER as at entry. */
	movl cr4_entry, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	movl efer_entry, %eax
	wrmsr
	PRINTLN "paging: done"
	ret

/* ------------------------------------------------------------ check_pf */

/*
 * check_pf(name, err, cr2_lo, cr2_hi, ip_hi): the last TRY raised #PF with
 * error code err at try_ip (ip_hi:try_ip), and pf_cr2 = cr2_hi:cr2_lo.
 */
check_pf:
	pushal
	cmpl $VEC_PF, exc_vector
	jne 1f
	movl exc_error, %eax
	cmpl 40(%esp), %eax
	jne 1f
	movl exc_eip, %eax
	cmpl try_ip, %eax
	jne 1f
	movl exc_eip_hi, %eax
	cmpl 52(%esp), %eax
	jne 1f
	movl pf_cr2, %eax
	cmpl 44(%esp), %eax
	jne 1f
	movl pf_cr2 + 4, %eax
	cmpl 48(%esp), %eax
	jne 1f
	pushl $0
	pushl 40(%esp)
	call test_point_pass
	popal
	ret $20
1:	movl 40(%esp), %eax /* the PUTHEX macros push: no %esp operands there */
	movl %eax, cpf_args
	movl 44(%esp), %eax
	movl %eax, cpf_args + 4
	movl 48(%esp), %eax
	movl %eax, cpf_args + 8
	movl 52(%esp), %eax
	movl %eax, cpf_args + 12
	incl tests_failed
	movl $str_fail, %esi
	call puts
	movl 36(%esp), %esi
	call puts
	PRINT " (expected #PF error code "
	PUTHEX cpf_args, 2
	PRINT " at "
	PUTHEX cpf_args + 12
	PRINT "_"
	PUTHEX try_ip
	PRINT ", CR2 "
	PUTHEX cpf_args + 8
	PRINT "_"
	PUTHEX cpf_args + 4
	PRINT "; got "
	cmpl $0xffffffff, exc_vector
	jne 2f
	PRINT "no exception"
	jmp 3f
2:	call print_exc
	PRINT ", CR2 "
	PUTHEX pf_cr2 + 4
	PRINT "_"
	PUTHEX pf_cr2
3:	PRINTLN ")"
	popal
	ret $20
