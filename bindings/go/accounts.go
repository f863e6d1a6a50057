package lend

/*
#include <stdlib.h>
#include <lend.h>
*/
import "C"

import "time"

// SetPassword sets a ticket's password (admin or a librarian of its
// library). With password "" the engine generates one and returns it, once.
func (e *Engine) SetPassword(a *Actor, ticketID int64, password string) (string, error) {
	var cs cstrings
	defer cs.free()
	cpw := cs.opt(password)
	var buf [C.LEND_PASSWORD_GENERATED_SIZE]C.char
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		if cpw != nil {
			return C.lend_ticket_set_password(c, ca, C.int64_t(ticketID), cpw, nil)
		}
		return C.lend_ticket_set_password(c, ca, C.int64_t(ticketID), nil, &buf[0])
	})
	if err != nil || cpw != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}

// ChangePassword changes the password of every ticket of the reader's account.
func (e *Engine) ChangePassword(a *Actor, oldPassword, newPassword string) error {
	var cs cstrings
	defer cs.free()
	cold, cnew := cs.of(oldPassword), cs.of(newPassword)
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_password_change(c, ca, cold, cnew) })
}

// actorOut runs a call that returns a new actor.
func (e *Engine) actorOut(fn func(c *C.lend_engine, out **C.lend_actor) C.int) (*Actor, error) {
	var h *C.lend_actor
	if err := e.call(func(c *C.lend_engine) C.int { return fn(c, &h) }); err != nil {
		return nil, err
	}
	return newActor(h), nil
}

// SignIn signs in with a login and a password (libraryID for LoginTicket,
// else 0) and returns a reader actor bound to a new session. A wrong login
// or password is ErrAuth; throttling is ErrDenied with ReasonSigninDelayed
// or ReasonSigninLocked.
func (e *Engine) SignIn(kind LoginKind, libraryID int64, login, password, device string) (*Actor, error) {
	var cs cstrings
	defer cs.free()
	clogin, cpw, cdev := cs.of(login), cs.of(password), cs.opt(device)
	return e.actorOut(func(c *C.lend_engine, out **C.lend_actor) C.int {
		return C.lend_sign_in(c, C.int(kind), C.int64_t(libraryID), clogin, cpw, cdev, out)
	})
}

// SignInIdentity signs in with an external identity the host has verified.
func (e *Engine) SignInIdentity(provider, subject, device string) (*Actor, error) {
	var cs cstrings
	defer cs.free()
	cprov, csub, cdev := cs.of(provider), cs.of(subject), cs.opt(device)
	return e.actorOut(func(c *C.lend_engine, out **C.lend_actor) C.int {
		return C.lend_sign_in_identity(c, cprov, csub, cdev, out)
	})
}

// Staff returns a signed-in librarian acting as staff, bound to the same
// session (ErrPerm if he staffs no library).
func (e *Engine) Staff(signedIn *Actor) (*Actor, error) {
	var h *C.lend_actor
	if err := e.as(signedIn, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_actor_staff(c, ca, &h) }); err != nil {
		return nil, err
	}
	return newActor(h), nil
}

// AddMethod adds an e-mail or phone to a reader's account (a verification
// code is sent to it) and returns its id.
func (e *Engine) AddMethod(a *Actor, readerID int64, kind MethodKind, value string) (int64, error) {
	var cs cstrings
	defer cs.free()
	cval := cs.of(value)
	var id C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_method_add(c, ca, C.int64_t(readerID), C.int(kind), cval, &id)
	})
	return int64(id), err
}

// ConfirmMethod confirms a method with the code it was sent.
func (e *Engine) ConfirmMethod(a *Actor, methodID int64, code string) error {
	var cs cstrings
	defer cs.free()
	ccode := cs.of(code)
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_method_confirm(c, ca, C.int64_t(methodID), ccode)
	})
}

// RemoveMethod removes a backup method.
func (e *Engine) RemoveMethod(a *Actor, methodID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_method_remove(c, ca, C.int64_t(methodID))
	})
}

// LinkIdentity links an external identity the host verified and returns the method's id.
func (e *Engine) LinkIdentity(a *Actor, readerID int64, provider, subject string) (int64, error) {
	var cs cstrings
	defer cs.free()
	cprov, csub := cs.of(provider), cs.of(subject)
	var id C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_identity_link(c, ca, C.int64_t(readerID), cprov, csub, &id)
	})
	return int64(id), err
}

// Method is a backup sign-in method; an identity's Value is "provider:subject".
type Method struct {
	ID       int64
	Kind     MethodKind
	Value    string
	Verified bool
}

// Methods returns a reader's backup methods.
func (e *Engine) Methods(a *Actor, readerID int64) ([]Method, error) {
	var l *C.lend_methods
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_method_list(c, ca, C.int64_t(readerID), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_methods_free(l)
	out := []Method{}
	for i, n := C.size_t(0), C.lend_methods_count(l); i < n; i++ {
		out = append(out, Method{ID: int64(C.lend_methods_id(l, i)), Kind: MethodKind(C.lend_methods_kind(l, i)),
			Value: str(C.lend_methods_value(l, i)), Verified: C.lend_methods_verified(l, i) != 0})
	}
	return out, nil
}

// RequestRecovery sends a recovery token to the account's verified method
// (nil error for an unknown login too).
func (e *Engine) RequestRecovery(kind LoginKind, libraryID int64, login string) error {
	var cs cstrings
	defer cs.free()
	clogin := cs.of(login)
	return e.call(func(c *C.lend_engine) C.int {
		return C.lend_recovery_request(c, C.int(kind), C.int64_t(libraryID), clogin)
	})
}

// FinishRecovery sets a new password with a recovery token (ErrAuth if bad).
func (e *Engine) FinishRecovery(token, newPassword string) error {
	var cs cstrings
	defer cs.free()
	ctok, cpw := cs.of(token), cs.of(newPassword)
	return e.call(func(c *C.lend_engine) C.int { return C.lend_recovery_finish(c, ctok, cpw) })
}

// RequestActivation sends an app activation code to a verified e-mail or phone.
func (e *Engine) RequestActivation(kind LoginKind, login string) error {
	var cs cstrings
	defer cs.free()
	clogin := cs.of(login)
	return e.call(func(c *C.lend_engine) C.int { return C.lend_activation_request(c, C.int(kind), clogin) })
}

// Activate exchanges an activation code for a device session.
func (e *Engine) Activate(code, device string) (*Actor, error) {
	var cs cstrings
	defer cs.free()
	ccode, cdev := cs.of(code), cs.opt(device)
	return e.actorOut(func(c *C.lend_engine, out **C.lend_actor) C.int { return C.lend_activate(c, ccode, cdev, out) })
}

// Session is a signed-in session of a reader.
type Session struct {
	ID        int64
	Origin    SessionOrigin
	Label     string
	CreatedAt time.Time
	RevokedAt time.Time // zero unless revoked
	ExpiresAt time.Time // when it ends by itself; zero when sessions last until revoked
}

// Sessions returns a reader's sessions.
func (e *Engine) Sessions(a *Actor, readerID int64) ([]Session, error) {
	var l *C.lend_sessions
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_session_list(c, ca, C.int64_t(readerID), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_sessions_free(l)
	out := []Session{}
	for i, n := C.size_t(0), C.lend_sessions_count(l); i < n; i++ {
		out = append(out, Session{ID: int64(C.lend_sessions_id(l, i)), Origin: SessionOrigin(C.lend_sessions_origin(l, i)),
			Label: str(C.lend_sessions_label(l, i)), CreatedAt: fromUnix(C.lend_sessions_created_at(l, i)),
			RevokedAt: fromUnix(C.lend_sessions_revoked_at(l, i)), ExpiresAt: fromUnix(C.lend_sessions_expires_at(l, i))})
	}
	return out, nil
}

// RevokeSession revokes a session: every actor bound to it gets ErrPerm from then on.
func (e *Engine) RevokeSession(a *Actor, sessionID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_session_revoke(c, ca, C.int64_t(sessionID))
	})
}

// MergeAccount merges another account, proven by its login and password,
// into the signed-in reader's own.
func (e *Engine) MergeAccount(a *Actor, kind LoginKind, libraryID int64, login, password string) error {
	var cs cstrings
	defer cs.free()
	clogin, cpw := cs.of(login), cs.of(password)
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_account_merge(c, ca, C.int(kind), C.int64_t(libraryID), clogin, cpw)
	})
}

// AuditEntry is an event of the audit log; Detail is key=value lines, never a secret.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Event    AuditEvent
	ReaderID int64
	ActorID  int64
	Detail   string
}

// Audit returns the events of a reader (0: all) with from <= At < to (zero
// to: no end), oldest first.
func (e *Engine) Audit(a *Actor, readerID int64, from, to time.Time) ([]AuditEntry, error) {
	var l *C.lend_audit
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_audit_list(c, ca, C.int64_t(readerID), toUnix(from), toUnix(to), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_audit_free(l)
	out := []AuditEntry{}
	for i, n := C.size_t(0), C.lend_audit_count(l); i < n; i++ {
		out = append(out, AuditEntry{ID: int64(C.lend_audit_id(l, i)), At: fromUnix(C.lend_audit_at(l, i)),
			Event: AuditEvent(C.lend_audit_event(l, i)), ReaderID: int64(C.lend_audit_reader_id(l, i)),
			ActorID: int64(C.lend_audit_actor_id(l, i)), Detail: str(C.lend_audit_detail(l, i))})
	}
	return out, nil
}
