// SPDX-License-Identifier: GPL-2.0
/*
 * The reorder stage (see reorder.h). Each CPU's records arrive nearly sorted (a CPU stages its
 * records in the order its programs ran; only an enter parked across a tick, or a tick between a
 * program's clock read and its record, come a little out of order), so each CPU keeps a queue
 * sorted by insertion from the back, and an indexed heap of the queues' heads merges them: a
 * record costs one copy and O(log CPUs), not a heap operation over everything held.
 *
 * Records are copied into 256 KiB chunks, freed when their last record leaves; they leave about
 * in the order they came, so a few chunks are in use at a time and nothing is allocated per
 * record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reorder.h"
#include "scry/decode.h"

#define CHUNK_BYTES	(256u << 10)
#define FREE_CHUNKS	4	/* idle chunks kept for reuse */

struct chunk {
	struct chunk *next;
	uint32_t used;
	uint32_t refs;
	uint64_t data[];	/* records stay 8-byte aligned, as in the ring */
};

struct entry {
	uint64_t key;		/* time of the record's first event */
	uint64_t end;		/* time of its last event */
	union scry_rec *rec;
	struct chunk *chunk;
	void *tag;
	uint32_t size;
};

/* A CPU's records, sorted by key (ties in arrival order); a ring of entries. */
struct queue {
	struct entry *e;
	uint32_t head, len, cap;	/* cap: a power of two */
	int pos;			/* index in the heap, -1 when empty */
};

struct reorder {
	struct queue *q;
	unsigned int nq;
	int *heap;			/* queues with records, by their head's key */
	unsigned int nheap;
	struct chunk *cur, *free;
	unsigned int nfree;
	struct chunk *last;		/* chunk of the record handed out last (released at the next pop) */
	void *last_tag;			/* and its tag */
	uint64_t released;		/* the newest key handed out */
	struct reorder_stats st;
	union {
		union scry_rec rec;
		struct scry_rec_sys_enter enter;
	} split;			/* the enter of a split folded syscall */
};

static inline struct entry *qat(const struct queue *q, uint32_t i)
{
	return &q->e[(q->head + i) & (q->cap - 1)];
}

static inline uint64_t head_key(const struct reorder *ro, int qi)
{
	return qat(&ro->q[qi], 0)->key;
}

/* --- the heap of queues ------------------------------------------------------------------------ */

static void heap_set(struct reorder *ro, unsigned int i, int qi)
{
	ro->heap[i] = qi;
	ro->q[qi].pos = i;
}

static void sift_up(struct reorder *ro, unsigned int i)
{
	int qi = ro->heap[i];
	uint64_t k = head_key(ro, qi);

	while (i) {
		unsigned int p = (i - 1) / 2;

		if (head_key(ro, ro->heap[p]) <= k)
			break;
		heap_set(ro, i, ro->heap[p]);
		i = p;
	}
	heap_set(ro, i, qi);
}

static void sift_down(struct reorder *ro, unsigned int i)
{
	int qi = ro->heap[i];
	uint64_t k = head_key(ro, qi);

	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= ro->nheap)
			break;
		if (c + 1 < ro->nheap && head_key(ro, ro->heap[c + 1]) < head_key(ro, ro->heap[c]))
			c++;
		if (k <= head_key(ro, ro->heap[c]))
			break;
		heap_set(ro, i, ro->heap[c]);
		i = c;
	}
	heap_set(ro, i, qi);
}

static void heap_remove(struct reorder *ro, int qi)
{
	unsigned int i = ro->q[qi].pos;
	int moved = ro->heap[--ro->nheap];

	ro->q[qi].pos = -1;
	if (i == ro->nheap)
		return;
	heap_set(ro, i, moved);
	sift_down(ro, i);
	sift_up(ro, ro->q[moved].pos);
}

/* --- queues ------------------------------------------------------------------------------------ */

static int queue_grow(struct queue *q)
{
	uint32_t cap = q->cap ? q->cap * 2 : 1024, i;
	struct entry *e = malloc(cap * sizeof(*e));

	if (!e)
		return -ENOMEM;
	for (i = 0; i < q->len; i++)
		e[i] = *qat(q, i);
	free(q->e);
	q->e = e;
	q->head = 0;
	q->cap = cap;
	return 0;
}

/* Insert in key order from the back (ties after the equal ones); returns the position. */
static uint32_t queue_insert(struct queue *q, const struct entry *n)
{
	uint32_t i = q->len++;

	while (i && qat(q, i - 1)->key > n->key) {
		*qat(q, i) = *qat(q, i - 1);
		i--;
	}
	*qat(q, i) = *n;
	return i;
}

/*
 * Insert in key order from the front: for the exit of a split syscall, which goes back to its
 * queue just after the enter that left, ahead of that CPU's later records.
 */
static uint32_t queue_insert_front(struct queue *q, const struct entry *n)
{
	uint32_t i = 0, j;

	while (i < q->len && qat(q, i)->key <= n->key)
		i++;
	/* The entries before it step one place towards the front (the ring has room). */
	q->head = (q->head - 1) & (q->cap - 1);
	q->len++;
	for (j = 0; j < i; j++)
		*qat(q, j) = *qat(q, j + 1);
	*qat(q, i) = *n;
	return i;
}

/* Put an entry in its CPU's queue and keep the heap of heads right. */
static int enqueue(struct reorder *ro, int qi, const struct entry *n, bool front)
{
	struct queue *q = &ro->q[qi];

	if (q->len == q->cap && queue_grow(q))
		return -ENOMEM;
	if (front ? queue_insert_front(q, n) : queue_insert(q, n))
		return 0;	/* not its queue's new head: the heap is unchanged */
	if (q->pos < 0) {
		ro->nheap++;
		heap_set(ro, ro->nheap - 1, qi);
	}
	sift_up(ro, q->pos);
	return 0;
}

/* --- record memory ------------------------------------------------------------------------------ */

static void chunk_put(struct reorder *ro, struct chunk *c)
{
	if (!c || --c->refs || c == ro->cur)
		return;
	if (ro->nfree < FREE_CHUNKS) {
		c->next = ro->free;
		ro->free = c;
		ro->nfree++;
	} else {
		free(c);
	}
}

static void *chunk_alloc(struct reorder *ro, uint32_t size, struct chunk **owner)
{
	uint32_t need = (size + 7) & ~7u;
	struct chunk *c = ro->cur;
	void *p;

	if (!c || c->used + need > CHUNK_BYTES) {
		if (c && !c->refs) {
			c->used = 0;	/* everything in it has left: start over */
		} else {
			if (ro->free) {
				c = ro->free;
				ro->free = c->next;
				ro->nfree--;
			} else if (!(c = malloc(sizeof(*c) + CHUNK_BYTES))) {
				return NULL;
			}
			c->used = 0;
			c->refs = 0;
			ro->cur = c;
		}
	}
	p = (uint8_t *)c->data + c->used;
	c->used += need;
	c->refs++;
	*owner = c;
	return p;
}

/* --- the stage ------------------------------------------------------------------------------ */

struct reorder *reorder__new(unsigned int ncpus)
{
	struct reorder *ro = calloc(1, sizeof(*ro));
	unsigned int i;

	if (!ro)
		return NULL;
	ro->nq = ncpus ? ncpus : 1;
	ro->q = calloc(ro->nq, sizeof(*ro->q));
	ro->heap = calloc(ro->nq, sizeof(*ro->heap));
	if (!ro->q || !ro->heap) {
		reorder__free(ro);
		return NULL;
	}
	for (i = 0; i < ro->nq; i++)
		ro->q[i].pos = -1;
	ro->st.oldest = UINT64_MAX;
	return ro;
}

void reorder__free(struct reorder *ro)
{
	struct chunk *c, *held = NULL;
	unsigned int i, j;

	if (!ro)
		return;
	chunk_put(ro, ro->last);
	/* Chunks still referenced by held records: free each once. */
	for (i = 0; ro->q && i < ro->nq; i++) {
		for (j = 0; j < ro->q[i].len; j++) {
			c = qat(&ro->q[i], j)->chunk;
			if (c && c->refs) {
				c->refs = 0;
				if (c != ro->cur) {
					c->next = held;
					held = c;
				}
			}
		}
		free(ro->q[i].e);
	}
	while ((c = held)) {
		held = c->next;
		free(c);
	}
	while ((c = ro->free)) {
		ro->free = c->next;
		free(c);
	}
	free(ro->cur);
	free(ro->q);
	free(ro->heap);
	free(ro);
}

int reorder__push_tagged(struct reorder *ro, const void *raw, uint32_t size, void *tag)
{
	const union scry_rec *r = raw;
	struct entry n;

	n.end = r->h.ts;
	n.key = rec_first_ts(raw, size);
	n.rec = chunk_alloc(ro, size, &n.chunk);
	if (!n.rec)
		return -ENOMEM;
	memcpy(n.rec, raw, size);
	n.size = size;
	n.tag = tag;
	if (enqueue(ro, r->h.cpu % ro->nq, &n, false)) {
		chunk_put(ro, n.chunk);
		return -ENOMEM;
	}
	if (n.key < ro->released) {
		ro->st.late++;
		if (ro->released - n.key > ro->st.late_max_ns)
			ro->st.late_max_ns = ro->released - n.key;
	}
	ro->st.records++;
	ro->st.bytes += size;
	return 0;
}

/* Take the head of queue qi out. */
static struct entry dequeue(struct reorder *ro, int qi)
{
	struct queue *q = &ro->q[qi];
	struct entry e = *qat(q, 0);

	q->head = (q->head + 1) & (q->cap - 1);
	if (--q->len)
		sift_down(ro, q->pos);
	else
		heap_remove(ro, qi);
	return e;
}

/*
 * A folded syscall whose enter and exit have another event between them: its enter leaves
 * now as a record of its own (as if the kernel had sent it alone), its exit waits its turn.
 */
static const void *split(struct reorder *ro, int qi, struct entry *e, uint32_t *size)
{
	struct scry_rec_sys_enter *en = &ro->split.enter;

	en->h = e->rec->h;
	en->h.type = SCRY_REC_SYS_ENTER;
	en->h.size = sizeof(*en);
	en->h.flags = 0;
	en->h.ts = e->key;
	en->nr = e->rec->exit.nr;
	en->__pad = 0;
	e->rec->exit.enter_ts = 0;
	e->key = e->end;
	enqueue(ro, qi, e, true);	/* its queue has room: the entry just left it */
	ro->st.split++;
	*size = sizeof(*en);
	return en;
}

int reorder__pop(struct reorder *ro, uint64_t upto, const void **rec, uint32_t *size)
{
	struct entry e;
	int qi;

	chunk_put(ro, ro->last);
	ro->last = NULL;
	if (!ro->nheap)
		return 0;
	qi = ro->heap[0];
	e = *qat(&ro->q[qi], 0);
	if (e.end > upto)
		return 0;	/* its last event may still have company on its way */
	e = dequeue(ro, qi);
	if (e.key > ro->released)
		ro->released = e.key;
	ro->last_tag = e.tag;
	if (e.end > e.key && ro->nheap && head_key(ro, ro->heap[0]) < e.end) {
		*rec = split(ro, qi, &e, size);
		return 1;
	}
	ro->st.records--;
	ro->st.bytes -= e.size;
	ro->last = e.chunk;
	*rec = e.rec;
	*size = e.size;
	return 1;
}

void *reorder__popped_tag(const struct reorder *ro)
{
	return ro->last_tag;
}

void reorder__stats(const struct reorder *ro, struct reorder_stats *st)
{
	*st = ro->st;
	st->oldest = ro->nheap ? head_key(ro, ro->heap[0]) : UINT64_MAX;
}
