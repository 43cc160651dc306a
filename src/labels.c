// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * labels: [label-process]. Label names are interned as the bits of a
 * uint64_t, so a process's labels are one word; rules are PCRE2 regexes
 * per subject (exe, argv, script) that add or remove one label.
 *
 * Policies:
 * - Regexes match bytes: patterns are compiled without PCRE2_UTF (and
 *   with PCRE2_NEVER_UTF, so a "(*UTF)" in a pattern is a config error),
 *   because paths and argv are not UTF-8 and an invalid sequence must not
 *   make a match fail. Matches are unanchored, as LAUREL's RegexSet.
 * - Each rule is JIT-compiled when PCRE2 can; when it cannot (built
 *   without JIT, or a seccomp / MemoryDenyWriteExecute sandbox refusing
 *   executable memory) that rule runs in the interpreter instead.
 * - labels_apply() adds the labels of every matching label rule, then
 *   removes those of every matching unlabel rule: unlabel wins. Several
 *   rules for one label are alternatives.
 * - A match that fails with an error (a limit below, a JIT stack that is
 *   too small) counts as no match: a hostile argv costs a bounded amount
 *   of work and never an error.
 * - One pcre2_match_data serves every match, so a match allocates
 *   nothing; recent PCRE2 (10.41 on) keeps the interpreter's backtracking
 *   frames there too, allocated once and reused.
 */
#include "config.h"

#include "labels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Longest label name: labels end up as JSON strings and in configs. */
#define LABELS_NAME_MAX 255
/* Rules per subject: each one is a regex run on every exec. */
#define LABELS_MAX_RULES 1024
/* First allocation of a subject's rule array; it doubles from there. */
#define LABELS_RULES_INITIAL 8
/* PCRE2's message for a bad regex (all fit; a longer one is cut). */
#define LABELS_PCRE2_MSG_MAX 256
/*
 * Backtracking steps one match may take (PCRE2's default is 10 million):
 * bounds what a crafted argv can cost against a pattern like "(a+)+$".
 */
#define LABELS_MATCH_LIMIT 1000000
/* Heap of one interpreted match in KiB (PCRE2's default is 20 GB). */
#define LABELS_HEAP_LIMIT_KIB 8192

_Static_assert(LABELS_MAX <= 64, "a label set is one uint64_t");

struct label_rule {
	pcre2_code *code;
	unsigned bit;
	bool unlabel;
	bool jit; /* pcre2_jit_compile() succeeded */
};

struct label_rules {
	struct label_rule *v;
	size_t n, cap;
};

struct labels {
	char *names[LABELS_MAX];
	unsigned n_names;
	struct label_rules rules[LABEL_SUBJECTS];
	size_t n_jit; /* rules that are JIT-compiled, over all subjects */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
};

struct labels *labels_new(void)
{
	struct labels *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	/* One pair is enough: only "matched or not" is used. */
	l->md = pcre2_match_data_create(1, NULL);
	if (!l->md)
		goto fail;
	l->mctx = pcre2_match_context_create(NULL);
	if (!l->mctx)
		goto fail;
	pcre2_set_match_limit(l->mctx, LABELS_MATCH_LIMIT);
	pcre2_set_heap_limit(l->mctx, LABELS_HEAP_LIMIT_KIB);
	return l;
fail:
	labels_free(l);
	return NULL;
}

void labels_free(struct labels *l)
{
	if (!l)
		return;
	for (int s = 0; s < LABEL_SUBJECTS; s++) {
		for (size_t i = 0; i < l->rules[s].n; i++)
			pcre2_code_free(l->rules[s].v[i].code);
		free(l->rules[s].v);
	}
	for (unsigned i = 0; i < l->n_names; i++)
		free(l->names[i]);
	pcre2_match_context_free(l->mctx);
	pcre2_match_data_free(l->md);
	free(l);
}

int labels_find(const struct labels *l, const char *name)
{
	if (!name)
		return -ENOENT;
	for (unsigned i = 0; i < l->n_names; i++)
		if (strcmp(l->names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

int labels_intern(struct labels *l, const char *name)
{
	int bit;

	if (!name || !*name || strlen(name) > LABELS_NAME_MAX)
		return -EINVAL;
	bit = labels_find(l, name);
	if (bit >= 0)
		return bit;
	if (l->n_names >= LABELS_MAX)
		return -ENOSPC;
	l->names[l->n_names] = strdup(name);
	if (!l->names[l->n_names])
		return -ENOMEM;
	return (int)l->n_names++;
}

const char *labels_name(const struct labels *l, unsigned bit)
{
	return bit < l->n_names ? l->names[bit] : NULL;
}

/* Room for one more rule in RULES. Returns 0, -ENOSPC or -ENOMEM. */
static int label_rules_reserve(struct label_rules *rules)
{
	struct label_rule *v;
	size_t cap;

	if (rules->n < rules->cap)
		return 0;
	if (rules->n >= LABELS_MAX_RULES)
		return -ENOSPC;
	cap = rules->cap ? rules->cap * 2 : LABELS_RULES_INITIAL;
	if (cap > LABELS_MAX_RULES)
		cap = LABELS_MAX_RULES;
	v = realloc(rules->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	rules->v = v;
	rules->cap = cap;
	return 0;
}

/* Writes MSG to RET_ERR when there is room for at least its NUL. */
static void labels_set_err(char *ret_err, size_t errlen, const char *msg)
{
	if (ret_err && errlen > 0)
		snprintf(ret_err, errlen, "%s", msg);
}

int labels_add_rule(struct labels *l, enum label_subject subject, bool unlabel, const char *label,
		    const char *regex, char *ret_err, size_t errlen)
{
	struct label_rules *rules;
	struct label_rule *r;
	pcre2_code *code;
	PCRE2_SIZE offset;
	int errcode, bit, ret;

	labels_set_err(ret_err, errlen, "");
	if ((unsigned)subject >= LABEL_SUBJECTS || !regex) {
		labels_set_err(ret_err, errlen, "invalid rule");
		return -EINVAL;
	}
	rules = &l->rules[subject];
	ret = label_rules_reserve(rules);
	if (ret < 0) {
		if (ret == -ENOSPC)
			labels_set_err(ret_err, errlen, "too many rules for this subject");
		else
			labels_set_err(ret_err, errlen, "out of memory");
		return ret;
	}
	/* No PCRE2_UTF: subjects are bytes (see the top of this file). */
	code = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, PCRE2_NEVER_UTF, &errcode,
			     &offset, NULL);
	if (!code) {
		PCRE2_UCHAR msg[LABELS_PCRE2_MSG_MAX];

		if (errcode == PCRE2_ERROR_HEAP_FAILED) {
			labels_set_err(ret_err, errlen, "out of memory");
			return -ENOMEM;
		}
		/* A message too long for MSG comes back truncated: fine. */
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		if (ret_err && errlen > 0)
			snprintf(ret_err, errlen, "%s at offset %zu", (const char *)msg,
				 (size_t)offset);
		return -EINVAL;
	}
	/* Interned only now, so a bad regex leaves no unused label behind. */
	bit = labels_intern(l, label);
	if (bit < 0) {
		pcre2_code_free(code);
		if (bit == -ENOSPC)
			labels_set_err(ret_err, errlen, "too many labels");
		else if (bit == -EINVAL)
			labels_set_err(ret_err, errlen, "label name empty or too long");
		else
			labels_set_err(ret_err, errlen, "out of memory");
		return bit;
	}
	r = &rules->v[rules->n++];
	r->code = code;
	r->bit = (unsigned)bit;
	r->unlabel = unlabel;
	/*
	 * Any failure (no JIT support, PCRE2_ERROR_NOMEMORY when a sandbox
	 * refuses executable memory) leaves CODE usable by pcre2_match().
	 */
	r->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	if (r->jit)
		l->n_jit++;
	return 0;
}

bool labels_has_rules(const struct labels *l, enum label_subject subject)
{
	return (unsigned)subject < LABEL_SUBJECTS && l->rules[subject].n > 0;
}

bool labels_jit(const struct labels *l)
{
	size_t n = 0;

	for (int s = 0; s < LABEL_SUBJECTS; s++)
		n += l->rules[s].n;
	return n > 0 && l->n_jit == n;
}

/* Whether R matches TEXT; errors (limits) count as no match. */
static bool labels_match(struct labels *l, const struct label_rule *r, const char *text,
			 size_t len)
{
	int rc;

	if (r->jit)
		rc = pcre2_jit_match(r->code, (PCRE2_SPTR)text, len, 0, 0, l->md, l->mctx);
	else
		rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, 0, 0, l->md, l->mctx);
	/* 0 is a match whose offsets did not fit the one-pair match data. */
	return rc >= 0;
}

uint64_t labels_apply(struct labels *l, enum label_subject subject, const char *text, size_t len,
		      uint64_t set)
{
	const struct label_rules *rules;
	uint64_t removed = 0;

	if ((unsigned)subject >= LABEL_SUBJECTS)
		return set;
	rules = &l->rules[subject];
	/* PCRE2 before 10.43 rejects a NULL subject even of length 0. */
	if (!text) {
		text = "";
		len = 0;
	}
	for (size_t i = 0; i < rules->n; i++) {
		const struct label_rule *r = &rules->v[i];
		uint64_t bit = UINT64_C(1) << r->bit;

		/* Alternatives: once a label is set, its other rules need not run. */
		if (r->unlabel || (set & bit))
			continue;
		if (labels_match(l, r, text, len))
			set |= bit;
	}
	for (size_t i = 0; i < rules->n; i++) {
		const struct label_rule *r = &rules->v[i];
		uint64_t bit = UINT64_C(1) << r->bit;

		if (!r->unlabel || !(set & bit) || (removed & bit))
			continue;
		if (labels_match(l, r, text, len))
			removed |= bit;
	}
	return set & ~removed;
}
