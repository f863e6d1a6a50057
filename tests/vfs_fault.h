/* tests/vfs_fault.h — a SQLite VFS that fails on purpose.
 *
 * "lendfault" wraps the default VFS and forwards everything to it; a test
 * names it in the database URI ("file:PATH?vfs=lendfault", which the
 * built-in backend accepts since it opens with SQLITE_OPEN_URI). Its file
 * I/O is counted in three classes (reads; writes and truncations; syncs),
 * and the k-th call of one class can be made to fail with a chosen SQLite
 * code, once (an I/O error) or from then on until cleared (a disk that is
 * full, a file that became read-only). The class and code name the fault:
 *  - disk full:          class VF_WRITE, SQLITE_FULL, sticky;
 *  - I/O error on write: class VF_WRITE, SQLITE_IOERR_WRITE (a failing
 *                        truncation gives SQLITE_IOERR_TRUNCATE);
 *  - I/O error on read:  class VF_READ, SQLITE_IOERR_READ;
 *  - I/O error on fsync: class VF_SYNC, SQLITE_IOERR_FSYNC;
 *  - read-only midway:   class VF_WRITE, SQLITE_READONLY, sticky.
 * Not thread-safe: one test thread drives it. */
#ifndef LEND_TEST_VFS_FAULT_H
#define LEND_TEST_VFS_FAULT_H

enum { VF_READ = 0, VF_WRITE = 1, VF_SYNC = 2, VF_CLASSES = 3 };

typedef struct vfault {
	long calls[VF_CLASSES]; /* counted calls since vf_reset() */
	int cls;                /* the class whose call fails */
	long fail_at;           /* that class's k-th call fails; 0: none */
	int code;               /* with this SQLite code */
	int sticky;             /* and every later call of the class too */
	long injected;          /* calls failed since vf_reset() */
} vfault;

extern vfault vf;

/* Register "lendfault" (once; not as the default VFS). 0 on success. */
int vf_register(void);
/* Zero the counts and clear any fault. */
void vf_reset(void);
/* Arm a fault: the k-th call of cls (counted from now) fails with code. */
void vf_arm(int cls, long k, int code, int sticky);
/* Clear the fault, keeping the counts. */
void vf_clear(void);

#endif
