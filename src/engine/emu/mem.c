/* SPDX-License-Identifier: MIT */
/*
 * The emu engine's memory: segmentation (SDM Vol. 3A 5.3 limit and type
 * checks), a software TLB over mmu_translate, guest RAM and MMIO, and the
 * stack. The decoded-block cache is in fetch.c.
 *
 * The TLB has one direct-mapped array per access kind. An entry maps a 4 KiB
 * linear page to host memory for one privilege class (user or supervisor: the
 * tag's low bit), so a hit needs no rights check: the walk that filled it
 * judged the same kind of access. Write entries exist only for pages whose D
 * bit is set (SDM 4.8: the first write must walk to set it). Every write to
 * RAM checks its page's code lines (fetch.c) and drops the cached
 * instructions it overwrites.
 * Guest-physical addresses outside RAM are MMIO: never in the TLB, each
 * access an exit (emu_mmio).
 */
#include <string.h>

#include "emu_impl.h"
#include "vcpu/cr.h"

/* SDM Vol. 3A 6.15: a segment violation is #SS(0) for the stack segment, else #GP(0). */
static _Noreturn void seg_fault(struct emu *e, unsigned seg)
{
	if (seg == SEG_SS)
		emu_raise(e, EXC_SS, true, 0);
	emu_gp(e, 0);
}

/* SDM 5.4.1, 5.5: may this segment register be used for a read or a write? */
static bool seg_type_ok(const struct segment *s, bool write)
{
	if (s->unusable || !s->s)
		return false;
	if (s->type & 8) /* code: never writable, readable with R */
		return !write && (s->type & 2);
	return !write || (s->type & 2);
}

/* SDM 5.3: the offsets a segment allows, for expand-up and expand-down data. */
static bool seg_limit_ok(const struct segment *s, uint64_t off, unsigned len)
{
	uint64_t last = off + len - 1;

	if (!(s->type & 8) && (s->type & 4)) {
		uint64_t upper = s->db ? 0xffffffffull : 0xffff;

		return off > s->limit && last <= upper;
	}
	return last <= s->limit;
}

uint64_t emu_linear(struct emu *e, unsigned seg, uint64_t off, unsigned len, bool write)
{
	const struct segment *s = &e->st.seg[seg];

	if (e->long64) {
		/* SDM 3.4.4: only FS and GS bases apply; the address must be canonical. */
		uint64_t la = off;
		unsigned bits = cpu_vaddr_bits(&e->st);

		if (seg == SEG_FS || seg == SEG_GS)
			la += s->base;
		if (!is_canonical(la, bits) || !is_canonical(la + len - 1, bits))
			seg_fault(e, seg);
		return la;
	}
	if (e->protmode && !seg_type_ok(s, write))
		seg_fault(e, seg);
	if (!seg_limit_ok(s, off, len))
		seg_fault(e, seg);
	return (uint32_t)(s->base + off);
}

static inline struct emu_tlb_entry *tlb_slot(struct emu_tlb_entry *tlb, uint64_t la)
{
	return &tlb[(la >> 12) & (EMU_TLB_SIZE - 1)];
}

void emu_tlb_flush(struct emu *e)
{
	e->code_tag = EMU_TLB_EMPTY;
	e->block_stop = true; /* the block in flight was fetched through the old mappings */
	memset(e->tlb_read, 0xff, sizeof(e->tlb_read));
	memset(e->tlb_write, 0xff, sizeof(e->tlb_write));
	memset(e->tlb_fetch, 0xff, sizeof(e->tlb_fetch));
}

void emu_tlb_flush_page(struct emu *e, uint64_t la)
{
	/* INVLPG drops the page for both privilege classes; a large page spans
	 * many 4 KiB entries, so those are all dropped: simplest is everything. */
	(void)la;
	emu_tlb_flush(e);
}

/* Walk the page tables for one access; a #PF unwinds. Returns the 4 KiB page's address. */
static uint64_t walk(struct emu *e, uint64_t la, enum mmu_kind kind, bool sys, bool *dirty)
{
	struct mmu_access a = {.la = la, .kind = kind, .cpl = e->cpl, .implicit_supervisor = sys};
	struct mmu_walk w;
	struct mmu_fault f;

	if (!e->long64)
		a.la = (uint32_t)la;
	if (mmu_translate(&e->st, &e->mem, &e->mmu_cpu, &a, &w, &f) != MMU_OK)
		emu_page_fault(e, f.cr2, f.error_code);
	*dirty = w.dirty;
	return w.pa & ~0xfffull;
}

/* Fetches (fetch.c) fill their TLB here too. */
uint8_t *emu_tlb_fill(struct emu *e, struct emu_tlb_entry *t, uint64_t la, enum mmu_kind kind,
		      bool sys, uint64_t *pa_page)
{
	bool dirty;
	uint64_t pa = walk(e, la, kind, sys, &dirty);
	uint8_t *host = mmu_mem_host(&e->mem, pa, 4096);

	*pa_page = pa;
	if (!host || (kind == MMU_WRITE && !dirty))
		return host;
	*t = (struct emu_tlb_entry){.tag = emu_tlb_tag(e, la, sys),
				    .host = host,
				    .pa_page = pa,
				    .page = &e->pages[pa >> 12]};
	return host;
}

/*
 * MMIO: the accesses of the instruction in flight are replayed from the log
 * after each exit, so the instruction re-runs from the start and every access
 * it already made returns what the device gave. A new access exits.
 */
static uint64_t emu_mmio(struct emu *e, uint64_t pa, unsigned size, bool write, uint64_t val)
{
	if (e->mmio_pos < e->mmio_n) {
		const struct emu_mmio_rec *r = &e->mmio_log[e->mmio_pos];

		if (r->gpa == pa && r->size == size && r->write == write) {
			e->mmio_pos++;
			return r->data;
		}
		e->mmio_n = e->mmio_pos; /* the instruction went another way: forget the rest */
	}
	if (e->mmio_n == EMU_MMIO_LOG) {
		e->exit->internal = (struct exit_internal){
			.what = "emu: an instruction made too many MMIO accesses", .ndata = 1};
		e->exit->internal.data[0] = pa;
		emu_exit(e, EXIT_REASON_VX86_INTERNAL);
	}
	memcpy(e->mmio_buf, &val, sizeof(e->mmio_buf));
	e->exit->mmio = (struct exit_mmio){
		.gpa = pa, .size = (uint8_t)size, .write = write, .data = e->mmio_buf};
	emu_exit(e, EXIT_REASON_EPT_VIOLATION);
}

/* MMIO in pieces of at most 8 bytes. */
static void mmio_copy(struct emu *e, uint64_t pa, uint8_t *buf, unsigned len, bool write)
{
	while (len) {
		unsigned n = len < 8 ? len : 8;
		uint64_t v = 0;

		if (write)
			memcpy(&v, buf, n);
		v = emu_mmio(e, pa, n, write, v);
		if (!write)
			memcpy(buf, &v, n);
		pa += n;
		buf += n;
		len -= n;
	}
}

/* One access that stays in one 4 KiB page. */
static void access_page(struct emu *e, uint64_t la, uint8_t *buf, unsigned len, bool write,
			bool sys)
{
	struct emu_tlb_entry *t = tlb_slot(write ? e->tlb_write : e->tlb_read, la);
	uint64_t pa_page;
	uint8_t *host;

	if (t->tag == emu_tlb_tag(e, la, sys)) {
		host = t->host + (la & 0xfff);
		if (write) {
			if (t->page->code_lines)
				emu_code_written(e, t->page, t->pa_page | (la & 0xfff), len);
			memcpy(host, buf, len);
		} else {
			memcpy(buf, host, len);
		}
		return;
	}
	host = emu_tlb_fill(e, t, la, write ? MMU_WRITE : MMU_READ, sys, &pa_page);
	if (!host) {
		mmio_copy(e, pa_page | (la & 0xfff), buf, len, write);
		return;
	}
	host += la & 0xfff;
	if (write) {
		if (e->pages[pa_page >> 12].code_lines)
			emu_code_written(e, &e->pages[pa_page >> 12], pa_page | (la & 0xfff), len);
		memcpy(host, buf, len);
	} else {
		memcpy(buf, host, len);
	}
}

/* Outside 64-bit mode linear addresses wrap at 4 GiB. */
static inline uint64_t lin_add(const struct emu *e, uint64_t la, uint64_t n)
{
	return e->long64 ? la + n : (uint32_t)(la + n);
}

/*
 * Any access at a linear address. A write that crosses pages translates every
 * page first, so a #PF on a later page writes nothing (SDM 4.7: the fault
 * comes before the access).
 */
static void access_lin(struct emu *e, uint64_t la, uint8_t *buf, unsigned len, bool write, bool sys)
{
	unsigned first = 4096 - (la & 0xfff);

	if (len <= first) {
		access_page(e, la, buf, len, write, sys);
		return;
	}
	if (write)
		for (unsigned done = first; done < len; done += 4096) {
			bool dirty;

			walk(e, lin_add(e, la, done), MMU_WRITE, sys, &dirty);
		}
	while (len) {
		unsigned n = len < first ? len : first;

		access_page(e, la, buf, n, write, sys);
		la = lin_add(e, la, n);
		buf += n;
		len -= n;
		first = 4096;
	}
}

void emu_read_lin(struct emu *e, uint64_t la, void *buf, unsigned len, bool sys)
{
	access_lin(e, la, buf, len, false, sys);
}

void emu_write_lin(struct emu *e, uint64_t la, const void *buf, unsigned len, bool sys)
{
	access_lin(e, la, (uint8_t *)buf, len, true, sys);
}

uint64_t emu_read(struct emu *e, unsigned seg, uint64_t off, unsigned size)
{
	uint64_t la = emu_linear(e, seg, off, size, false);
	struct emu_tlb_entry *t = tlb_slot(e->tlb_read, la);
	uint64_t v = 0;

	if (t->tag == emu_tlb_tag(e, la, false) && (la & 0xfff) <= 4096 - size) {
		memcpy(&v, t->host + (la & 0xfff), size);
		return v;
	}
	access_lin(e, la, (uint8_t *)&v, size, false, false);
	return v;
}

void emu_write(struct emu *e, unsigned seg, uint64_t off, unsigned size, uint64_t v)
{
	uint64_t la = emu_linear(e, seg, off, size, true);
	struct emu_tlb_entry *t = tlb_slot(e->tlb_write, la);

	if (t->tag == emu_tlb_tag(e, la, false) && (la & 0xfff) <= 4096 - size) {
		if (t->page->code_lines)
			emu_code_written(e, t->page, t->pa_page | (la & 0xfff), size);
		memcpy(t->host + (la & 0xfff), &v, size);
		return;
	}
	access_lin(e, la, (uint8_t *)&v, size, true, false);
}

void emu_read_bytes(struct emu *e, unsigned seg, uint64_t off, void *buf, unsigned len)
{
	access_lin(e, emu_linear(e, seg, off, len, false), buf, len, false, false);
}

void emu_write_bytes(struct emu *e, unsigned seg, uint64_t off, const void *buf, unsigned len)
{
	access_lin(e, emu_linear(e, seg, off, len, true), (uint8_t *)buf, len, true, false);
}

void emu_probe_write(struct emu *e, unsigned seg, uint64_t off, unsigned len)
{
	uint64_t la = emu_linear(e, seg, off, len, true);
	unsigned done = 0;

	while (done < len) {
		uint64_t a = lin_add(e, la, done);
		bool dirty;

		if (tlb_slot(e->tlb_write, a)->tag != emu_tlb_tag(e, a, false))
			walk(e, a, MMU_WRITE, false, &dirty);
		done += 4096 - (a & 0xfff);
	}
}

uint64_t emu_read_e(struct emu *e, const struct insn *in, unsigned size)
{
	if (!(in->flags & INSN_F_MEM))
		return emu_reg(e, in, in->rm, size);
	return emu_read(e, in->seg, emu_ea(e, in), size);
}

void emu_write_e(struct emu *e, const struct insn *in, unsigned size, uint64_t v)
{
	if (!(in->flags & INSN_F_MEM))
		emu_set_reg(e, in, in->rm, size, v);
	else
		emu_write(e, in->seg, emu_ea(e, in), size, v);
}

unsigned emu_stack_asz(const struct emu *e)
{
	if (e->long64)
		return 8;
	return e->st.seg[SEG_SS].db ? 4 : 2;
}

void emu_push(struct emu *e, unsigned size, uint64_t v)
{
	unsigned asz = emu_stack_asz(e);
	uint64_t sp = (e->st.gpr[GPR_RSP] - size) & emu_mask(asz);

	emu_write(e, SEG_SS, sp, size, v);
	emu_set_reg_asz(e, GPR_RSP, asz, sp);
}

uint64_t emu_pop(struct emu *e, unsigned size)
{
	unsigned asz = emu_stack_asz(e);
	uint64_t sp = e->st.gpr[GPR_RSP] & emu_mask(asz);
	uint64_t v = emu_read(e, SEG_SS, sp, size);

	emu_set_reg_asz(e, GPR_RSP, asz, sp + size);
	return v;
}

uint64_t emu_stack_read(struct emu *e, int64_t delta, unsigned size)
{
	unsigned asz = emu_stack_asz(e);

	return emu_read(e, SEG_SS, (e->st.gpr[GPR_RSP] + (uint64_t)delta) & emu_mask(asz), size);
}

void emu_stack_write(struct emu *e, int64_t delta, unsigned size, uint64_t v)
{
	unsigned asz = emu_stack_asz(e);

	emu_write(e, SEG_SS, (e->st.gpr[GPR_RSP] + (uint64_t)delta) & emu_mask(asz), size, v);
}

void emu_stack_add(struct emu *e, int64_t delta)
{
	unsigned asz = emu_stack_asz(e);

	emu_set_reg_asz(e, GPR_RSP, asz, e->st.gpr[GPR_RSP] + (uint64_t)delta);
}
