/* tests/fault.h — a fault-injecting storage backend for the tests.
 *
 * It wraps the built-in SQLite backend on a file, forwards every method and
 * makes the k-th call (counting every method but rollback, errmsg and free)
 * fail with LEND_ESTORAGE. A test counts an operation's N calls in a dry
 * run, then for every k in 1..N starts again from the same state, fails call
 * k, and checks that nothing changed (th_dump_db) and that
 * lend_engine_check() is clean. */
#ifndef LEND_TEST_FAULT_H
#define LEND_TEST_FAULT_H

#include "helpers.h"

typedef struct fault {
	lend_storage real;
	long calls;   /* counted calls since the last reset */
	long fail_at; /* 0: never */
	int last_injected;
	long injected;
} fault;

/* Open an engine on path (clock th_clock) through a fault injector; *fout
 * stays owned by the engine. nt may be NULL. */
lend_engine *fault_open(const char *path, fault **fout);
lend_engine *fault_open_with(const char *path, fault **fout, const lend_notifier *nt);
/* The same with a password cost (> 0; 0: the default), for sign-in tests. */
lend_engine *fault_open_ex(const char *path, fault **fout, const lend_notifier *nt, int password_cost);

#endif
