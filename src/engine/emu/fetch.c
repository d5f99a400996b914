/* SPDX-License-Identifier: MIT */
/*
 * Instruction fetch and the decoded-block cache (issue #4 item 7: decode each
 * guest instruction once).
 *
 * A block is a run of instructions in one page, decoded once and kept with
 * each one's handler, so the run loop pays one lookup per block instead of
 * one per instruction. It ends after a branch (ends_block), at the page's end, after EMU_BLOCK_MAX
 * instructions, or before an instruction that cannot be cached: one that crosses into the next
 * page, one the decoder refuses, one past CS's limit. That instruction then starts a block of its
 * own, and faults there, at its own RIP, if it must.
 *
 * The cache is direct-mapped by the guest-physical address of a block's first
 * byte, so every linear alias of a page shares its blocks. Each page of RAM
 * has a generation and a mask of the 64-byte lines that hold bytes of cached
 * instructions. A block is valid while its page's generation is the one it
 * was decoded under; a write that touches a marked line (mem.c) bumps the
 * generation, which drops every block of the page at once, and stops the
 * block in flight after the writing instruction (e->block_stop). Blocks are
 * not tied to a CS: a cached block runs only if it lies within CS's limit,
 * else its first instruction runs alone, decoded afresh.
 *
 * Most fetches stay in the page of the previous one: that page's translation
 * is kept beside the TLB (code_tag), so a fetch costs one compare before the
 * cache lookup.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emu_impl.h"
#include "vcpu/cr.h"

static inline struct emu_block *bcache_slot(struct emu *e, uint64_t pa)
{
	return &e->bcache[(pa ^ (pa >> EMU_BCACHE_BITS)) & (EMU_BCACHE_SIZE - 1)];
}

/* The 64-byte lines of [pa, pa + len), which lies in one page. */
static inline uint64_t page_lines(uint64_t pa, unsigned len)
{
	unsigned first = (pa & 0xfff) >> 6, last = ((pa & 0xfff) + len - 1) >> 6;

	return (last == 63 ? ~0ull : (1ull << (last + 1)) - 1) & ~((1ull << first) - 1);
}

void emu_code_written(struct emu *e, struct emu_page *p, uint64_t pa, unsigned len)
{
	if (p->code_lines & page_lines(pa, len)) {
		p->gen++;
		p->code_lines = 0;
		e->block_stop = true;
	}
}

/* The host bytes of the code page holding la (fetch access; a #PF unwinds). */
static const uint8_t *fetch_page(struct emu *e, uint64_t la, uint64_t *pa_page)
{
	struct emu_tlb_entry *t = &e->tlb_fetch[(la >> 12) & (EMU_TLB_SIZE - 1)];
	uint8_t *host;

	if (t->tag == emu_tlb_tag(e, la, false)) {
		*pa_page = t->pa_page;
		return t->host;
	}
	host = emu_tlb_fill(e, t, la, MMU_FETCH, false, pa_page);
	if (!host) {
		e->exit->internal =
			(struct exit_internal){.what = "emu: instruction fetch from a "
						       "guest-physical address that is not RAM",
					       .ndata = 1};
		e->exit->internal.data[0] = *pa_page | (la & 0xfff);
		emu_exit(e, EXIT_REASON_VX86_INTERNAL);
	}
	return host;
}

/* Say once per operation that vx86 does not implement it; the guest gets #UD. */
static _Noreturn void not_implemented(struct emu *e, const struct insn *in)
{
	if (in->op < OP_COUNT && !e->ni_reported[in->op]) {
		e->ni_reported[in->op] = true;
		fprintf(e->log,
			"vx86: emu: '%s' at rip=0x%" PRIx64
			" is not implemented by the emu engine; the guest gets #UD\n",
			insn_mnemonic(in->op), e->st.rip);
	}
	emu_ud(e);
}

/* Decode from a buffer; faults for what the decoder refuses. */
static void decode(struct emu *e, struct insn *in, const uint8_t *buf, size_t avail)
{
	switch (insn_decode(in, buf, avail, e->code_bits)) {
	case DECODE_OK:
		if (!e->handlers[in->op])
			not_implemented(e, in);
		return;
	case DECODE_NI:
		not_implemented(e, in);
	case DECODE_GP:
		emu_gp(e, 0);
	case DECODE_UD:
	case DECODE_MORE: /* only with avail < 15 at the end of the address space */
		break;
	}
	emu_ud(e);
}

/* An instruction that crosses into the next page: both pages' bytes. */
static void fetch_crossing(struct emu *e, struct insn *in, uint64_t la, const uint8_t *first,
			   unsigned nfirst)
{
	uint8_t buf[INSN_MAX_LEN];
	uint64_t la2 = e->long64 ? la + nfirst : (uint32_t)(la + nfirst);
	uint64_t pa2;
	const uint8_t *second;

	memcpy(buf, first, nfirst);
	if (insn_decode(in, buf, nfirst, e->code_bits) != DECODE_MORE) {
		decode(e, in, buf, nfirst);
		return;
	}
	second = fetch_page(e, la2, &pa2);
	memcpy(buf + nfirst, second, INSN_MAX_LEN - nfirst);
	decode(e, in, buf, INSN_MAX_LEN);
}

/*
 * A block ends at a branch: after an unconditional one the bytes that follow
 * may be data, and after a conditional one they may never run (decoding them
 * would mark their lines as code, and writes to data there would then drop
 * the page's blocks again and again).
 */
static bool ends_block(unsigned op)
{
	switch (op) {
	case OP_JCC:
	case OP_LOOP:
	case OP_LOOPE:
	case OP_LOOPNE:
	case OP_JRCXZ:
	case OP_JMP:
	case OP_JMP_IND:
	case OP_JMPF:
	case OP_JMPF_IND:
	case OP_CALL:
	case OP_CALL_IND:
	case OP_CALLF:
	case OP_CALLF_IND:
	case OP_RET:
	case OP_RETF:
	case OP_IRET:
	case OP_INT:
	case OP_INT3:
	case OP_INT1:
	case OP_HLT:
	case OP_UD2:
	case OP_SYSCALL:
	case OP_SYSRET:
	case OP_SYSENTER:
	case OP_SYSEXIT:
		return true;
	default:
		return false;
	}
}

/*
 * Do the bytes [rip, rip + end) lie within CS's limit (SDM 5.3: every byte of
 * an instruction does)? A block must also not wrap IP at 64 KiB in 16-bit
 * code (`block`): its instructions would no longer follow one another.
 */
static bool fits_cs(const struct emu *e, uint64_t rip, unsigned end, bool block)
{
	if (e->long64)
		return true;
	if (block && e->code_bits == 16 && rip + end > 0x10000)
		return false;
	return rip + end - 1 <= e->st.seg[SEG_CS].limit;
}

/*
 * Decode the block at pa (host bytes `page`, RIP `rip`). Only the first
 * instruction may fault; the block ends before any later one that would.
 */
static void block_build(struct emu *e, struct emu_block *b, const uint8_t *page, uint64_t pa,
			uint64_t rip)
{
	unsigned off = pa & 0xfff, len = 0, n = 0;

	b->pa = ~0ull;
	while (n < EMU_BLOCK_MAX) {
		struct insn *in = &b->insn[n].in;
		unsigned avail = 4096 - off - len;

		if (avail > INSN_MAX_LEN)
			avail = INSN_MAX_LEN;
		if (n == 0) {
			decode(e, in, page + off, avail);
			if (!fits_cs(e, rip, in->len, false))
				emu_gp(e, 0);
		} else if (insn_decode(in, page + off + len, avail, e->code_bits) != DECODE_OK ||
			   !e->handlers[in->op] || !fits_cs(e, rip, len + in->len, true)) {
			break;
		}
		b->insn[n].fn = e->handlers[in->op];
		len += in->len;
		n++;
		if (ends_block(in->op) || off + len == 4096)
			break;
	}
	b->n = (uint8_t)n;
	b->len = (uint16_t)len;
	emu_block_optimise(e, b);
	b->bits = (uint8_t)e->code_bits;
	b->gen = e->pages[pa >> 12].gen + e->bcache_epoch;
	e->pages[pa >> 12].code_lines |= page_lines(pa, len);
	b->pa = pa;
}

/* The instruction at la alone, decoded afresh (crossing a page, or CS's limit). */
static const struct emu_block *fetch_single(struct emu *e, uint64_t rip, uint64_t la,
					    const uint8_t *page)
{
	struct emu_block *b = &e->single;
	struct insn *in = &b->insn[0].in;
	unsigned avail = 4096 - (la & 0xfff);

	if (avail < INSN_MAX_LEN)
		fetch_crossing(e, in, la, page + (la & 0xfff), avail);
	else
		decode(e, in, page + (la & 0xfff), INSN_MAX_LEN);
	if (!fits_cs(e, rip, in->len, false))
		emu_gp(e, 0);
	b->insn[0].fn = e->handlers[in->op];
	b->n = 1;
	b->len = in->len;
	return b;
}

const struct emu_block *emu_fetch_block(struct emu *e)
{
	uint64_t rip = e->st.rip, la, pa;
	struct emu_block *b;

	if (e->long64) {
		la = rip;
	} else {
		if (rip > e->st.seg[SEG_CS].limit)
			emu_gp(e, 0);
		la = (uint32_t)(e->st.seg[SEG_CS].base + rip);
	}
	if (emu_tlb_tag(e, la, false) != e->code_tag) {
		if (e->long64 && !is_canonical(la, cpu_vaddr_bits(&e->st)))
			emu_gp(e, 0);
		e->code_host = fetch_page(e, la, &e->code_pa_page);
		e->code_page = &e->pages[e->code_pa_page >> 12];
		e->code_tag = emu_tlb_tag(e, la, false);
	}
	pa = e->code_pa_page | (la & 0xfff);
	b = bcache_slot(e, pa);
	if (b->pa != pa || b->bits != e->code_bits ||
	    b->gen != e->code_page->gen + e->bcache_epoch) {
		unsigned avail = 4096 - (la & 0xfff);
		struct insn probe;

		/* A first instruction that crosses the page is never cached. */
		if (avail < INSN_MAX_LEN && insn_decode(&probe, e->code_host + (la & 0xfff), avail,
							e->code_bits) == DECODE_MORE)
			return fetch_single(e, rip, la, e->code_host);
		block_build(e, b, e->code_host, pa, rip);
	}
	if (!fits_cs(e, rip, b->len, true))
		return fetch_single(e, rip, la, e->code_host);
	return b;
}

int emu_mem_init(struct emu *e, const struct engine_config *cfg)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < cfg->nmem; i++) {
		e->ranges[i] = cfg->mem[i];
		if (cfg->mem[i].gpa + cfg->mem[i].size > end)
			end = cfg->mem[i].gpa + cfg->mem[i].size;
	}
	e->mem = (struct mmu_mem){.ranges = e->ranges, .n = cfg->nmem};
	e->npages = (end + 4095) >> 12;
	e->pages = calloc(e->npages ? e->npages : 1, sizeof(*e->pages));
	e->bcache = malloc(EMU_BCACHE_SIZE * sizeof(*e->bcache));
	if (!e->pages || !e->bcache) {
		emu_mem_free(e);
		return -1;
	}
	for (unsigned i = 0; i < EMU_BCACHE_SIZE; i++)
		e->bcache[i].pa = ~0ull;
	emu_tlb_flush(e);
	return 0;
}

/* Blocks remember the epoch they were decoded in: a new epoch drops them all at once. */
void emu_bcache_flush(struct emu *e)
{
	e->bcache_epoch++;
	e->block_stop = true;
}

void emu_mem_free(struct emu *e)
{
	free(e->pages);
	free(e->bcache);
	e->pages = NULL;
	e->bcache = NULL;
}
