package lend

/*
#include <stdint.h>
#include <stdlib.h>
#include <lend.h>
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// Clock tells the engine the time. It replaces the system clock (tests,
// simulations). A panic in Now fails the call with ErrUser, changing nothing.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// Notifier receives each due notification from Engine.Deliver. A nil error
// means delivered; an error (or a panic) leaves it pending, to be retried
// with backoff, and Deliver returns an ErrUser error wrapping it. Deliver may
// see a notification more than once: deduplicate on Notification.UUID.
// It must not call back into the engine.
type Notifier interface {
	Deliver(n Notification) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(n Notification) error

// Deliver calls f.
func (f NotifierFunc) Deliver(n Notification) error { return f(n) }

// ManualClock is a Clock moved by hand; safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock standing at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time.
func (c *ManualClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// callbacks is what the C side calls back into, reached through a
// cgo.Handle passed as userdata. Calls are serialised by the engine's mutex.
type callbacks struct {
	clock    Clock
	notifier Notifier
	err      error   // the first failure of a callback during the current call
	errmsg   *C.char // the last failure's text, kept until the next one
}

func (cb *callbacks) fail(err error) {
	if cb.err == nil {
		cb.err = err
	}
}

func callbacksOf(ud unsafe.Pointer) *callbacks {
	return cgo.Handle(uintptr(ud)).Value().(*callbacks)
}

//export lendgoClock
func lendgoClock(ud unsafe.Pointer) (now C.int64_t) {
	cb := callbacksOf(ud)
	defer func() {
		if p := recover(); p != nil {
			cb.fail(fmt.Errorf("the clock panicked: %v", p))
			now = -1
		}
	}()
	t := cb.clock.Now()
	if t.Unix() < 0 {
		cb.fail(fmt.Errorf("the clock returned %v, before 1970", t))
		return -1
	}
	return C.int64_t(t.Unix())
}

//export lendgoDeliver
func lendgoDeliver(ud unsafe.Pointer, n *C.lend_notification, errmsg **C.char) (rc C.int) {
	cb := callbacksOf(ud)
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("the notifier panicked: %v", p)
			}
		}()
		err = cb.notifier.Deliver(notificationFrom(n))
	}()
	if err == nil {
		return 0
	}
	cb.fail(err)
	C.free(unsafe.Pointer(cb.errmsg))
	cb.errmsg = C.CString(err.Error())
	*errmsg = cb.errmsg
	return 1
}

// progressState is what an import's progress callback reaches through its
// cgo.Handle: the host's function and why it stopped the import.
type progressState struct {
	fn  ImportProgress
	err error
}

//export lendgoProgress
func lendgoProgress(ud unsafe.Pointer, done, total C.int64_t) (rc C.int) {
	st := cgo.Handle(uintptr(ud)).Value().(*progressState)
	defer func() {
		if p := recover(); p != nil {
			st.err = fmt.Errorf("the import's progress panicked: %v", p)
			rc = 1
		}
	}()
	if !st.fn(int64(done), int64(total)) {
		st.err = fmt.Errorf("the import was stopped at %d of %d rows", int64(done), int64(total))
		return 1
	}
	return 0
}
