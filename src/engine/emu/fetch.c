/* SPDX-License-Identifier: MIT */
/*
 * Instruction fetch and the decoded-instruction cache (issue #4 item 7: decode
 * each guest instruction once).
 *
 * The cache is direct-mapped by the guest-physical address of an instruction's
 * first byte, so every linear alias of a page shares its entries. Each page of
 * RAM has a generation and a mask of the 64-byte lines that hold bytes of
 * cached instructions. An entry is valid while its page's generation is the
 * one it was decoded under; a write that touches a marked line (mem.c,
 * code_written) bumps the generation, which drops every entry of the page at
 * once; every write to RAM makes that check when its page has marked lines.
 * An instruction that crosses a page boundary is decoded every time, never
 * cached.
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

static inline struct emu_icache_entry *icache_slot(struct emu *e, uint64_t pa)
{
	return &e->icache[(pa ^ (pa >> EMU_ICACHE_BITS)) & (EMU_ICACHE_SIZE - 1)];
}

/* The 64-byte lines of [pa, pa + len), which lies in one page. */
static inline uint64_t page_lines(uint64_t pa, unsigned len)
{
	unsigned first = (pa & 0xfff) >> 6, last = ((pa & 0xfff) + len - 1) >> 6;

	return (last == 63 ? ~0ull : (1ull << (last + 1)) - 1) & ~((1ull << first) - 1);
}

void emu_code_written(struct emu_page *p, uint64_t pa, unsigned len)
{
	if (p->code_lines & page_lines(pa, len)) {
		p->gen++;
		p->code_lines = 0;
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

/* An instruction that crosses into the next page: both pages' bytes, not cached. */
static const struct insn *fetch_crossing(struct emu *e, uint64_t la, const uint8_t *first,
					 unsigned nfirst)
{
	uint8_t buf[INSN_MAX_LEN];
	uint64_t la2 = e->long64 ? la + nfirst : (uint32_t)(la + nfirst);
	uint64_t pa2;
	const uint8_t *second;

	memcpy(buf, first, nfirst);
	if (insn_decode(&e->cross, buf, nfirst, e->code_bits) != DECODE_MORE) {
		decode(e, &e->cross, buf, nfirst);
		return &e->cross;
	}
	second = fetch_page(e, la2, &pa2);
	memcpy(buf + nfirst, second, INSN_MAX_LEN - nfirst);
	decode(e, &e->cross, buf, INSN_MAX_LEN);
	return &e->cross;
}

const struct insn *emu_fetch(struct emu *e)
{
	uint64_t rip = e->st.rip, la, pa;
	const struct segment *cs = &e->st.seg[SEG_CS];
	const uint8_t *page;
	struct emu_icache_entry *c;
	const struct insn *in;

	if (e->long64) {
		la = rip;
	} else {
		if (rip > cs->limit)
			emu_gp(e, 0);
		la = (uint32_t)(cs->base + rip);
	}
	if (emu_tlb_tag(e, la, false) != e->code_tag) {
		if (e->long64 && !is_canonical(la, cpu_vaddr_bits(&e->st)))
			emu_gp(e, 0);
		e->code_host = fetch_page(e, la, &e->code_pa_page);
		e->code_page = &e->pages[e->code_pa_page >> 12];
		e->code_tag = emu_tlb_tag(e, la, false);
	}
	page = e->code_host;
	pa = e->code_pa_page | (la & 0xfff);
	c = icache_slot(e, pa);
	if (c->pa == pa && c->bits == e->code_bits &&
	    c->gen == e->code_page->gen + e->icache_epoch) {
		in = &c->in;
	} else {
		unsigned avail = 4096 - (la & 0xfff);

		if (avail < INSN_MAX_LEN) {
			in = fetch_crossing(e, la, page + (la & 0xfff), avail);
			if (in->len > avail)
				goto limit;
		}
		c->pa = ~0ull;
		decode(e, &c->in, page + (la & 0xfff), avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN);
		c->pa = pa;
		c->bits = (uint8_t)e->code_bits;
		c->gen = e->pages[pa >> 12].gen + e->icache_epoch;
		e->pages[pa >> 12].code_lines |= page_lines(pa, c->in.len);
		in = &c->in;
	}
limit:
	/* SDM 5.3: every byte of the instruction lies within CS's limit. */
	if (!e->long64 && rip + in->len - 1 > cs->limit)
		emu_gp(e, 0);
	return in;
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
	e->icache = malloc(EMU_ICACHE_SIZE * sizeof(*e->icache));
	if (!e->pages || !e->icache) {
		emu_mem_free(e);
		return -1;
	}
	for (unsigned i = 0; i < EMU_ICACHE_SIZE; i++)
		e->icache[i].pa = ~0ull;
	emu_tlb_flush(e);
	return 0;
}

/* Entries remember the epoch they were decoded in: a new epoch drops them all at once. */
void emu_icache_flush(struct emu *e)
{
	e->icache_epoch++;
}

void emu_mem_free(struct emu *e)
{
	free(e->pages);
	free(e->icache);
	e->pages = NULL;
	e->icache = NULL;
}
