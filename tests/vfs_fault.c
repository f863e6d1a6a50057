/* tests/vfs_fault.c — a SQLite VFS that fails on purpose (see vfs_fault.h). */
#include <string.h>

#include <sqlite3.h>

#include "vfs_fault.h"

vfault vf;

typedef struct vf_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
} vf_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

void vf_reset(void)
{
	memset(&vf, 0, sizeof vf);
}

void vf_arm(int cls, long k, int code, int sticky)
{
	for (int i = 0; i < VF_CLASSES; i++)
		vf.calls[i] = 0;
	vf.cls = cls;
	vf.fail_at = k;
	vf.code = code;
	vf.sticky = sticky;
}

void vf_clear(void)
{
	vf.fail_at = 0;
	vf.sticky = 0;
}

/* Count a call of class cls; non-zero if it must fail. */
static int hit(int cls)
{
	long n = ++vf.calls[cls];
	if (vf.fail_at == 0 || cls != vf.cls)
		return 0;
	if (n == vf.fail_at || (vf.sticky && n > vf.fail_at)) {
		vf.injected++;
		return 1;
	}
	return 0;
}

#define REAL(f) (((vf_file *)(f))->real)

static int x_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int x_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	if (hit(VF_READ))
		return vf.code;
	return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}

static int x_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	if (hit(VF_WRITE))
		return vf.code;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
}

static int x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (hit(VF_WRITE))
		return vf.code == SQLITE_IOERR_WRITE ? SQLITE_IOERR_TRUNCATE : vf.code;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int x_sync(sqlite3_file *f, int flags)
{
	if (hit(VF_SYNC))
		return vf.code;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int x_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int x_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int x_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int x_check_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int x_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int x_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int x_caps(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int x_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int x_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void x_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int x_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* No memory mapping: every page goes through x_read, where faults are. */
static int x_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	(void)f;
	(void)off;
	(void)amt;
	*pp = NULL;
	return SQLITE_OK;
}

static int x_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f;
	(void)off;
	(void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods io_v2 = {
	2,         x_close,  x_read,    x_write,       x_truncate, x_sync,      x_size,    x_lock,
	x_unlock,  x_check_lock, x_fcntl, x_sector,    x_caps,     x_shm_map,   x_shm_lock, x_shm_barrier,
	x_shm_unmap, NULL, NULL,
};
static const sqlite3_io_methods io_v3 = {
	3,         x_close,  x_read,    x_write,       x_truncate, x_sync,      x_size,    x_lock,
	x_unlock,  x_check_lock, x_fcntl, x_sector,    x_caps,     x_shm_map,   x_shm_lock, x_shm_barrier,
	x_shm_unmap, x_fetch, x_unfetch,
};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)v;
	vf_file *p = (vf_file *)f;
	p->real = (sqlite3_file *)(p + 1);
	p->base.pMethods = NULL;
	int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	if (rc != SQLITE_OK || p->real->pMethods == NULL)
		return rc;
	if (p->real->pMethods->iVersion < 2) {
		/* WAL needs shared memory: a VFS without it is not one to test on */
		p->real->pMethods->xClose(p->real);
		return SQLITE_CANTOPEN;
	}
	p->base.pMethods = p->real->pMethods->iVersion >= 3 ? &io_v3 : &io_v2;
	return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int v_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	real_vfs->xDlClose(real_vfs, h);
}

static int v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return real_vfs->xSleep(real_vfs, us);
}

static int v_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int v_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0;
}

static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

int vf_register(void)
{
	if (real_vfs != NULL)
		return 0;
	if (sqlite3_initialize() != SQLITE_OK)
		return -1;
	sqlite3_vfs *def = sqlite3_vfs_find(NULL);
	if (def == NULL || def->iVersion < 2)
		return -1;
	real_vfs = def;
	memset(&fault_vfs, 0, sizeof fault_vfs);
	fault_vfs.iVersion = 2;
	fault_vfs.szOsFile = (int)sizeof(vf_file) + def->szOsFile;
	fault_vfs.mxPathname = def->mxPathname;
	fault_vfs.zName = "lendfault";
	fault_vfs.xOpen = v_open;
	fault_vfs.xDelete = v_delete;
	fault_vfs.xAccess = v_access;
	fault_vfs.xFullPathname = v_full;
	fault_vfs.xDlOpen = v_dlopen;
	fault_vfs.xDlError = v_dlerror;
	fault_vfs.xDlSym = v_dlsym;
	fault_vfs.xDlClose = v_dlclose;
	fault_vfs.xRandomness = v_random;
	fault_vfs.xSleep = v_sleep;
	fault_vfs.xCurrentTime = v_time;
	fault_vfs.xGetLastError = v_last_error;
	fault_vfs.xCurrentTimeInt64 = v_time64;
	if (sqlite3_vfs_register(&fault_vfs, 0) != SQLITE_OK) {
		real_vfs = NULL;
		return -1;
	}
	return 0;
}
