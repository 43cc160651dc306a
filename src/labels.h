/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Process labels ([label-process]): label names interned as bits of a
 * uint64_t set, and regex rules (PCRE2, JIT-compiled when available)
 * that add or remove labels given a process's exe, argv or script.
 * Pure: no I/O, no logging.
 */

/* Distinct labels: a process's labels are one 64-bit set. */
#define LABELS_MAX 64

enum label_subject {
	LABEL_EXE,      /* label-exe / unlabel-exe: SYSCALL.exe */
	LABEL_ARGV,     /* label-argv: the first args joined by ' ' */
	LABEL_SCRIPT,   /* label-script: the SCRIPT path */
	LABEL_SUBJECTS
};

struct labels;

/* Returns a new, empty label set; free with labels_free(). NULL only on OOM. */
struct labels *labels_new(void);

/* NULL-safe. */
void labels_free(struct labels *l);

/*
 * The bit of label NAME, interning it if new. Returns 0..LABELS_MAX-1,
 * -ENOSPC when LABELS_MAX labels exist, -EINVAL for an empty name,
 * -ENOMEM.
 */
int labels_intern(struct labels *l, const char *name);

/* The bit of NAME if interned, or -ENOENT. */
int labels_find(const struct labels *l, const char *name);

/* The name of BIT, or NULL. Borrowed for L's lifetime. */
const char *labels_name(const struct labels *l, unsigned bit);

/*
 * Adds a rule: when REGEX (PCRE2, unanchored, matched against the bytes
 * of the subject) matches SUBJECT, LABEL is added (or, with UNLABEL,
 * removed). Returns 0; -EINVAL for a bad regex with PCRE2's message and
 * the offset in RET_ERR (NUL-terminated when ERRLEN > 0); -ENOSPC, -ENOMEM.
 */
int labels_add_rule(struct labels *l, enum label_subject subject, bool unlabel, const char *label,
		    const char *regex, char *ret_err, size_t errlen);

/* Whether any rule has SUBJECT (so callers can skip building it). */
bool labels_has_rules(const struct labels *l, enum label_subject subject);

/*
 * SET with the labels of matching rules on TEXT (LEN bytes) added, then
 * those of matching unlabel rules removed.
 */
uint64_t labels_apply(struct labels *l, enum label_subject subject, const char *text, size_t len,
		      uint64_t set);

/*
 * Whether the rules run JIT-compiled: true when L has at least one rule
 * and PCRE2 JIT-compiled every one of them. False with no rules, when
 * PCRE2 was built without JIT, or when JIT failed for some rule (e.g. a
 * sandbox refusing executable memory); those rules use the interpreter.
 */
bool labels_jit(const struct labels *l);
