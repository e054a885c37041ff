/* ast.c: arena-allocated syntax trees. */
#include "ast.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A bump allocator over a chain of blocks. */
struct arena {
	struct arena *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_BLOCK 16384
/* What a tree holds needs no more: pointers, doubles, int64_t (not long double). */
#define ARENA_ALIGN 8
_Static_assert(_Alignof(ast_node) <= ARENA_ALIGN && _Alignof(int64_t) <= ARENA_ALIGN,
	       "arena blocks are aligned enough for what they hold");


ast_file *
ast_new(void)
{
	ast_file *f = xcalloc(1, sizeof *f);

	return f;
}

void
ast_free(ast_file *f)
{
	if (!f)
		return;
	for (arena *a = f->arena, *n; a; a = n) {
		n = a->next;
		free(a);
	}
	for (int i = 0; i < f->ngates; i++)
		free(f->gates[i].rules);
	free(f->params);
	free(f->metrics);
	free(f->gates);
	free(f);
}

static arena *
arena_grow(ast_file *f, size_t n)
{
	size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
	arena *a = xmalloc(sizeof *a + size);

	a->used = 0;
	a->size = size;
	a->next = f->arena;
	return f->arena = a;
}

/* n bytes, not zeroed. */
static inline void *
bump(ast_file *f, size_t n)
{
	arena *a = f->arena;

	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (!a || a->size - a->used < n)
		a = arena_grow(f, n);
	void *p = (char *)a->data + a->used;
	a->used += n;
	return p;
}

void *
ast_alloc(ast_file *f, size_t n)
{
	return memset(bump(f, n), 0, n);
}

char *
ast_strndup(ast_file *f, const char *s, size_t n)
{
	char *p = bump(f, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

ast_node *
ast_node_new(ast_file *f, enum ast_kind k, diag_span span)
{
	ast_node *n = bump(f, sizeof *n);

	*n = (ast_node){ .kind = k, .span = span, .metric = -1 };
	return n;
}

#define GROW(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? 2 * (cap) : 8;				\
		(arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr));	\
	}								\
	memset(&(arr)[(n)], 0, sizeof *(arr));				\
} while (0)

ast_param *
ast_add_param(ast_file *f)
{
	GROW(f->params, f->nparams, f->capparams);
	return &f->params[f->nparams++];
}

ast_metric *
ast_add_metric(ast_file *f)
{
	GROW(f->metrics, f->nmetrics, f->capmetrics);
	return &f->metrics[f->nmetrics++];
}

ast_gate *
ast_add_gate(ast_file *f)
{
	GROW(f->gates, f->ngates, f->capgates);
	return &f->gates[f->ngates++];
}

ast_rule *
ast_add_rule(ast_file *f, ast_gate *g)
{
	(void)f;
	GROW(g->rules, g->nrules, g->caprules);
	return &g->rules[g->nrules++];
}

ast_label *
ast_add_label(ast_file *f, ast_label *list, const char *name, diag_span span)
{
	ast_label *l = ast_alloc(f, sizeof *l), **end = &list;

	*l = (ast_label){ .name = name, .span = span };
	while (*end)	/* a by list is short */
		end = &(*end)->next;
	*end = l;
	return list;
}

diag_span
ast_join(diag_span a, diag_span b)
{
	unsigned end = b.off + b.len > a.off + a.len ? b.off + b.len : a.off + a.len;
	unsigned off = a.off < b.off ? a.off : b.off;

	return (diag_span){ off, end - off };
}

const char *
ast_rule_kind_name(enum rule_kind k)
{
	return ng_rule_kind_name((ng_rule_kind)k);	/* the one table, vocab.c */
}

bool
ast_relative(const ast_node *n, double *factor)
{
	const ast_node *p = n->arg[1];

	if (n->kind != A_BIN || (n->op != OPR_ADD && n->op != OPR_SUB) || p->kind != A_NUM || !p->relpct)
		return false;
	*factor = n->op == OPR_ADD ? 1 + p->num : 1 - p->num;
	return true;
}
