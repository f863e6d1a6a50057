// Package lend is the Go binding of liblend, the lending engine of an online
// e-book and audiobook library.
//
// Open an Engine on a SQLite file (or ":memory:"), make an Actor, and call
// the engine's methods: every call is one transaction, and on any error
// nothing has changed. Errors are *Error values carrying the Status and the
// refusal Reason, so that errors.Is(err, lend.ErrDenied) and
// errors.Is(err, lend.ReasonNoFreeCopy) work.
//
// Times are time.Time in UTC (the zero Time where the engine says "none");
// money is Money, an int64 of minor units beside its ISO 4217 currency.
//
// Threads: an Engine may be used from several goroutines; its calls are
// serialised by a mutex (the C engine allows one thread at a time). The
// Clock and the Notifier run on the calling goroutine while that mutex is
// held, so they must not call back into the same engine. For parallel work,
// open several engines on the same database file.
package lend

/*
#cgo pkg-config: liblend
#include <stdint.h>
#include <stdlib.h>
#include <lend.h>
#include <lend/sys/notifier.h>

extern int64_t lendgoClock(void *ud);
extern int lendgoDeliver(void *ud, lend_notification *n, char **errmsg);

static int lendgo_set_clock(lend_options *o, uintptr_t ud)
{
	return lend_options_set_clock(o, lendgoClock, (void *)ud);
}

static int lendgo_set_notifier(lend_options *o, uintptr_t ud)
{
	lend_notifier n;
	int rc = lend_notifier_init(&n, LEND_NOTIFIER_VERSION);
	if (rc != LEND_OK)
		return rc;
	n.userdata = (void *)ud;
	n.deliver = (int (*)(void *, const lend_notification *, const char **))lendgoDeliver;
	return lend_options_set_notifier(o, &n);
}
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// Options are the optional settings of Open.
type Options struct {
	Clock         Clock    // nil: the system's UTC time
	Notifier      Notifier // nil: Deliver has no one to deliver to
	BusyTimeoutMS int      // 0: the default (5000)
	// PasswordCost is the cost of new password hashes (the zero value is
	// the default, PasswordCostInteractive; PasswordCostMin in tests only).
	PasswordCost PasswordCost
	// OutboxRetention is how long delivered notifications are kept: 0 is
	// the default (30 days), KeepForever never prunes them.
	OutboxRetention time.Duration
	// SessionLifetime is how long a session lasts from its sign-in: 0 is
	// the default (90 days), SessionsNeverExpire keeps it until revoked.
	SessionLifetime time.Duration
	// AuditRetention is how long audit entries are kept: 0 is the default
	// (365 days), KeepForever never prunes them.
	AuditRetention time.Duration
}

// SessionsNeverExpire as Options.SessionLifetime keeps sessions until revoked.
const SessionsNeverExpire time.Duration = -1

// KeepForever as Options.OutboxRetention or Options.AuditRetention keeps
// delivered notifications or audit entries for ever.
const KeepForever time.Duration = -1

// Engine is one connection to a liblend store. Close it when done; a
// finalizer closes a forgotten one.
type Engine struct {
	mu     sync.Mutex
	c      *C.lend_engine
	cb     *callbacks
	handle cgo.Handle
}

// Open opens an engine on the SQLite database at path (":memory:" for a
// private one), creating and migrating it as needed.
func Open(path string, opts *Options) (*Engine, error) {
	if opts == nil {
		opts = &Options{}
	}
	var o *C.lend_options
	if rc := C.lend_options_new(&o); rc != 0 {
		return nil, errorf(Status(rc), "cannot make the options")
	}
	defer C.lend_options_free(o)
	e := &Engine{cb: &callbacks{clock: opts.Clock, notifier: opts.Notifier}}
	e.handle = cgo.NewHandle(e.cb)
	ud := C.uintptr_t(e.handle)
	var err error
	if opts.Clock != nil {
		err = check(C.lendgo_set_clock(o, ud), "the clock", opts.Clock)
	}
	if err == nil && opts.Notifier != nil {
		err = check(C.lendgo_set_notifier(o, ud), "the notifier", opts.Notifier)
	}
	if err == nil && opts.BusyTimeoutMS != 0 {
		err = check(C.lend_options_set_busy_timeout(o, C.int(opts.BusyTimeoutMS)), "the busy timeout",
			opts.BusyTimeoutMS)
	}
	if err == nil && opts.PasswordCost != PasswordCostInteractive {
		err = check(C.lend_options_set_password_cost(o, C.int(opts.PasswordCost)), "the password cost",
			opts.PasswordCost)
	}
	if err == nil && opts.OutboxRetention != 0 {
		secs := C.int64_t(opts.OutboxRetention / time.Second)
		if opts.OutboxRetention == KeepForever {
			secs = 0
		}
		err = check(C.lend_options_set_outbox_retention(o, secs), "the outbox retention", opts.OutboxRetention)
	}
	if err == nil && opts.SessionLifetime != 0 {
		secs := C.int64_t(opts.SessionLifetime / time.Second)
		if opts.SessionLifetime == SessionsNeverExpire {
			secs = 0
		}
		err = check(C.lend_options_set_session_lifetime(o, secs), "the session lifetime", opts.SessionLifetime)
	}
	if err == nil && opts.AuditRetention != 0 {
		secs := C.int64_t(opts.AuditRetention / time.Second)
		if opts.AuditRetention == KeepForever {
			secs = 0
		}
		err = check(C.lend_options_set_audit_retention(o, secs), "the audit retention", opts.AuditRetention)
	}
	if err != nil {
		e.handle.Delete()
		return nil, err
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	rc := C.lend_engine_open(&e.c, cpath, o)
	if rc != 0 {
		err := &Error{Status: Status(rc), Message: Status(rc).Error()}
		if e.c != nil {
			err.Message = C.GoString(C.lend_engine_errmsg(e.c))
		}
		C.lend_engine_close(e.c)
		e.handle.Delete()
		return nil, err
	}
	runtime.SetFinalizer(e, (*Engine).Close)
	return e, nil
}

// Close closes the engine; later calls return ErrState. Values it returned
// stay usable. Closing twice is harmless.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.c == nil {
		return nil
	}
	C.lend_engine_close(e.c)
	e.c = nil
	C.free(unsafe.Pointer(e.cb.errmsg))
	e.cb.errmsg = nil
	e.handle.Delete()
	runtime.SetFinalizer(e, nil)
	return nil
}

// call runs one C call under the engine's mutex and turns its status, or a
// callback's failure during it, into an error.
func (e *Engine) call(fn func(c *C.lend_engine) C.int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.c == nil {
		return errorf(ErrState, "the engine is closed")
	}
	e.cb.err = nil
	rc := fn(e.c)
	cause := e.cb.err
	e.cb.err = nil
	if rc != 0 {
		return &Error{Status: Status(rc), Reason: Reason(C.lend_engine_reason(e.c)),
			Message: C.GoString(C.lend_engine_errmsg(e.c)), Cause: cause}
	}
	if cause != nil {
		return &Error{Status: ErrUser, Message: "a callback failed: " + cause.Error(), Cause: cause}
	}
	return nil
}

// as runs a call as an actor, keeping the actor alive through it.
func (e *Engine) as(a *Actor, fn func(c *C.lend_engine, a *C.lend_actor) C.int) error {
	if a == nil || a.c == nil {
		return errorf(ErrInvalid, "no actor (nil or freed)")
	}
	err := e.call(func(c *C.lend_engine) C.int { return fn(c, a.c) })
	runtime.KeepAlive(a)
	return err
}

// LastStatus returns the status of the engine's last call.
func (e *Engine) LastStatus() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.c == nil {
		return OK
	}
	return Status(C.lend_engine_errcode(e.c))
}

// Actor is who performs an operation: the administrator, a reader, or a
// librarian. Actors are independent of the engine's lifetime; Free releases
// one at once (a finalizer does it otherwise).
type Actor struct {
	c         *C.lend_actor
	Kind      ActorKind
	ReaderID  int64
	SessionID int64 // the session a signed-in actor is bound to; 0 for trusted actors
}

func newActor(c *C.lend_actor) *Actor {
	a := &Actor{c: c, Kind: ActorKind(C.lend_actor_kind(c)), ReaderID: int64(C.lend_actor_reader_id(c)),
		SessionID: int64(C.lend_actor_session_id(c))}
	runtime.SetFinalizer(a, (*Actor).Free)
	return a
}

// Free releases the actor; later calls with it return ErrInvalid.
func (a *Actor) Free() {
	if a.c != nil {
		C.lend_actor_free(a.c)
		a.c = nil
		runtime.SetFinalizer(a, nil)
	}
}

// Admin returns the host's administrator.
func (e *Engine) Admin() (*Actor, error) {
	var c *C.lend_actor
	if err := e.call(func(ce *C.lend_engine) C.int { return C.lend_actor_admin(ce, &c) }); err != nil {
		return nil, err
	}
	return newActor(c), nil
}

// ReaderActor returns a reader acting on his own account.
func (e *Engine) ReaderActor(readerID int64) (*Actor, error) {
	var c *C.lend_actor
	if err := e.call(func(ce *C.lend_engine) C.int { return C.lend_actor_reader(ce, C.int64_t(readerID), &c) }); err != nil {
		return nil, err
	}
	return newActor(c), nil
}

// Librarian returns a librarian: an account granted at least one library.
func (e *Engine) Librarian(readerID int64) (*Actor, error) {
	var c *C.lend_actor
	if err := e.call(func(ce *C.lend_engine) C.int { return C.lend_actor_librarian(ce, C.int64_t(readerID), &c) }); err != nil {
		return nil, err
	}
	return newActor(c), nil
}
