#!/usr/bin/python3
"""test_cli_smtp.py — `lend deliver --smtp` against real SMTP servers on loopback.

usage: /usr/bin/python3 test_cli_smtp.py PATH/TO/lend

Servers (aiosmtpd, Debian's python3-aiosmtpd) that accept with a login, that
refuse the first attempt of each message (451 on DATA, 550 on RCPT), that
insist on STARTTLS (a throw-away certificate made with openssl), and none at
all. The engine's clock is driven with --now so its backoff can be followed:
a refused message stays in the outbox, is not retried before its time, and
arrives exactly once afterwards.
"""
import email
import email.header
import email.policy
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import warnings
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

warnings.simplefilter("ignore")  # aiosmtpd warns of AUTH without TLS: on loopback, on purpose
logging.getLogger("mail.log").setLevel(logging.ERROR)

LEND = os.path.abspath(sys.argv[1])
T0 = 1772442000  # 2026-03-02 09:00 UTC
USER, PASSWORD = "library", "s3cret-пароль"
MASHA = "masha.sokolova@example.org"

passed = failed = 0
logins = []
started = time.time()


def ok(cond, desc, extra=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - %s (%.1f s)" % (desc, time.time() - started))
    else:
        failed += 1
        print("not ok - " + desc)
        for line in str(extra).splitlines()[:30]:
            print("    " + line)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    """Keeps every accepted message; refuses the first attempt of each
    recipient when `refuse` is ('RCPT'|'DATA', code text)."""

    def __init__(self, refuse=None):
        self.refuse = refuse
        self.seen = set()
        self.messages = []  # (envelope from, [rcpts], email.message)
        self.refusals = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and self.refuse[0] == "RCPT" and address not in self.seen:
            self.seen.add(address)
            self.refusals += 1
            return self.refuse[1]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.compat32)
        mid = msg["Message-ID"]
        if self.refuse and self.refuse[0] == "DATA" and mid not in self.seen:
            self.seen.add(mid)
            self.refusals += 1
            return self.refuse[1]
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    logins.append(auth_data)
    good = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=good)


def start(handler, **kw):
    port = free_port()
    c = Controller(handler, hostname="127.0.0.1", port=port, **kw)
    c.start()
    return c, port


def lend(*args, env=None, now=None):
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("LEND_SMTP_") or k == "LEND_NOW":
            del e[k]
    e.update(env or {})
    cmd = [LEND] + (["--now", str(now)] if now is not None else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def lend_json(*args, **kw):
    rc, out, err = lend("--json", *args, **kw)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, out + err


def subject(msg):
    return str(email.header.make_header(email.header.decode_header(msg["Subject"])))


def pending(now):
    rc, j, err = lend_json("outbox", "--pending", now=now)
    return j if rc == 0 else None


tmp = tempfile.mkdtemp()
os.chdir(tmp)
os.environ["LEND_DB"] = os.path.join(tmp, "smtp.db")

# ---------------------------------------------------------------- a scenario
for args in (["init"], ["library", "add", "Хабаровская краевая библиотека"], ["reader", "add", "Иван Петров"],
             ["reader", "add", "Маша Соколова"], ["ticket", "issue", "1", "1"], ["ticket", "issue", "1", "2"],
             ["book", "add", "Вишнёвый сад", "--author", "Антон Чехов", "--price", "0"],
             ["book", "add", "Мёртвые души", "--author", "Николай Гоголь", "--price", "0"],
             ["fund", "add", "1", "1", "2"], ["fund", "add", "1", "2", "2"],
             # Masha reads English and chose e-mail: her notifications carry her address.
             ["prefs", "set", "2", "--lang", "en", "--channel", "email", "--email", MASHA]):
    rc, out, err = lend(*args, now=T0)
    ok(rc == 0, "setup: lend " + " ".join(args), out + err)
rc, out, err = lend("--as", "reader:1", "take", "1", "1", now=T0)
ok(rc == 0, "Ivan takes a book", err)
rc, out, err = lend("--as", "reader:2", "take", "2", "1", now=T0)
ok(rc == 0, "Masha takes the same title", err)
notes = pending(T0)
ok(notes is not None and len(notes) == 2, "two notifications wait in the outbox", notes)
uuids = {n["reader_id"]: n["uuid"] for n in notes or []}

# ------------------------------------------------------------- usage errors
rc, out, err = lend("deliver", "--smtp", "smtp://127.0.0.1:1", now=T0)
ok(rc == 2 and "LEND_SMTP_FROM" in err, "SMTP without a sender is a usage error", err)
rc, out, err = lend("deliver", "--smtp", "smtp://127.0.0.1:1", "--from", "not an address", now=T0)
ok(rc == 2 and "--from" in err, "a bad --from is a usage error", err)
rc, out, err = lend("deliver", "--to", "stdout", "--from", "a@b.org", now=T0)
ok(rc == 2, "--from without SMTP is a usage error", err)
rc, out, err = lend("deliver", "--to", "http://127.0.0.1/", now=T0)
ok(rc == 2 and "smtp://" in err, "an unknown notifier is a usage error", err)
rc, out, err = lend("deliver", "--smtp", "smtp://lib:secret@127.0.0.1:1", "--from", "a@b.org", now=T0)
ok(rc == 2 and "LEND_SMTP_PASSWORD" in err and "secret" not in err, "no login in the URL", err)
rc, out, err = lend("deliver", "--to", "stdout", "--smtp", "smtp://127.0.0.1:1", now=T0)
ok(rc == 2, "--to and --smtp together are a usage error", err)
ok(len(pending(T0) or []) == 2, "usage errors deliver nothing")

# ------------------------------------------------------- no server listening
dead = free_port()
rc, j, err = lend_json("deliver", "--smtp", "smtp://127.0.0.1:%d" % dead, "--from", "library@example.org", now=T0)
ok(rc == 1 and j and j["delivered"] == 0, "no server: nothing delivered, exit 1", err)
ok("could not be delivered" in err, "no server: the failure is reported on stderr", err)
notes = pending(T0)
ok(notes and all(n["attempts"] == 1 for n in notes), "no server: each attempt is counted in the outbox", notes)

# ------------------------------------------- a server with a login: delivered
T1 = T0 + 3600  # past the first backoff (60 s)
h = Handler()
ctl, port = start(h, authenticator=authenticator, auth_require_tls=False, auth_required=True)
try:
    T2 = T1 + 3600
    login = {"LEND_SMTP_USER": USER}
    login["LEND_SMTP_PASSWORD"] = PASSWORD
    login["LEND_SMTP_FROM"] = "library@example.org"
    login["LEND_SMTP_RCPT"] = "reader-{reader}@example.org"
    rc, j, err = lend_json("deliver", "--smtp", "smtp://127.0.0.1:%d" % port, env=login, now=T2)
    ok(rc == 0 and j and j["delivered"] == 2, "the login from the environment: two delivered", (rc, j, err))
    ok(len(h.messages) == 2, "the server received two messages", h.messages)
    ok(logins and all(isinstance(x, LoginPassword) and x.password == PASSWORD.encode() for x in logins),
       "the client logged in with $LEND_SMTP_USER / $LEND_SMTP_PASSWORD", logins)
    by_rcpt = {r[0]: (f, m) for f, r, m in h.messages}
    ok(set(by_rcpt) == {"reader-1@example.org", MASHA},
       "one envelope recipient per reader: the template without an address, the reader's own e-mail with one",
       list(by_rcpt))
    f, m = by_rcpt.get("reader-1@example.org", (None, None))
    if m is not None:
        ok(f == "library@example.org", "the envelope sender is --from / $LEND_SMTP_FROM", f)
        ok(m["Message-ID"] == "<%s@lend.invalid>" % uuids.get(1), "Message-ID is the notification's UUID",
           m["Message-ID"])
        ok("=?UTF-8?B?" in m["Subject"], "the Cyrillic subject is RFC 2047 encoded", m["Subject"])
        ok(subject(m) == "Книга «Вишнёвый сад» выдана вам в библиотеке «Хабаровская краевая библиотека» до "
           "16 марта 2026", "the subject is the first sentence of the engine's Russian text", subject(m))
        frm = str(email.header.make_header(email.header.decode_header(m["From"])))
        ok(frm == "Хабаровская краевая библиотека <library@example.org>", "From: the library's name and address",
           frm)
        to = str(email.header.make_header(email.header.decode_header(m["To"])))
        ok(to == "Иван Петров <reader-1@example.org>", "To: the reader's name and address", to)
        ok(m["Date"] == "Mon, 02 Mar 2026 09:00:00 +0000", "Date: the notification's time", m["Date"])
        ok(m["Content-Type"] == "text/plain; charset=UTF-8" and m["MIME-Version"] == "1.0", "a UTF-8 text body")
        body = m.get_payload(decode=True).decode("utf-8")
        ok("Здравствуйте, Иван Петров!" in body, "the body greets the reader in Russian", body)
        ok("Читайте её на сайте или в мобильном приложении. Возвращать книгу не нужно" in body,
           "the body has the engine's whole text", body)
        ok("Библиотека: Хабаровская краевая библиотека" in body, "the body names the library", body)
        ok(m["X-Lend-Kind"] == "loan_issued", "X-Lend-Kind names the notification", m["X-Lend-Kind"])
    f, m = by_rcpt.get(MASHA, (None, None))
    if m is not None:
        to = str(email.header.make_header(email.header.decode_header(m["To"])))
        ok(to == "Маша Соколова <%s>" % MASHA, "To: the reader's own address", to)
        ok(subject(m) == "«Вишнёвый сад» is yours from Хабаровская краевая библиотека until 16 March 2026",
           "an English reader's subject is the English sentence", subject(m))
        body = m.get_payload(decode=True).decode("utf-8")
        ok("Hello, Маша Соколова." in body and "There is nothing to bring back" in body,
           "an English reader's body greets her and has the English text", body)
    rc, j, err = lend_json("deliver", "--smtp", "smtp://127.0.0.1:%d" % port, env=login, now=T2 + 86400)
    ok(rc == 0 and j["delivered"] == 0 and len(h.messages) == 2, "a second run sends nothing again", (j, err))
    ok(pending(T2 + 86400) == [], "the outbox has nothing pending")
finally:
    ctl.stop()


def refused_once(kind, reply, t):
    """A new notification; a server that refuses its first attempt."""
    h = Handler(refuse=(kind, reply))
    ctl, port = start(h)
    url = "smtp://127.0.0.1:%d" % port
    try:
        rc, out, err = lend("--as", "reader:1", "return", str(1 if kind == "RCPT" else 3), now=t)
        ok(rc == 0, "%s: a return makes a new notification" % kind, err)
        rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", now=t)
        ok(rc == 1 and j["delivered"] == 0 and h.refusals == 1 and not h.messages,
           "%s %s: the first attempt is refused, exit 1" % (kind, reply[:3]), (rc, j, err, h.refusals))
        ok("could not be delivered" in err and "retried later" in err, "%s: the refusal is reported" % kind, err)
        ok("not delivered: smtp: the server answered %s" % reply[:3] in err, "%s: with the server's answer" % kind,
           err)
        p = pending(t)
        ok(len(p) == 1 and p[0]["attempts"] == 1, "%s: the notification stays in the outbox" % kind, p)
        rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", now=t + 30)
        ok(rc == 0 and j["delivered"] == 0 and not h.messages and h.refusals == 1,
           "%s: not retried before the backoff ends (30 s later)" % kind, (j, err))
        rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", now=t + 61)
        ok(rc == 0 and j["delivered"] == 1, "%s: retried after the backoff (61 s later), delivered" % kind, (j, err))
        rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", now=t + 7200)
        ok(rc == 0 and j["delivered"] == 0, "%s: nothing more to deliver" % kind, (j, err))
        mids = [m["Message-ID"] for _, _, m in h.messages]
        ok(len(mids) == 1 and mids[0] == "<%s@lend.invalid>" % p[0]["uuid"],
           "%s: the message arrived exactly once" % kind, mids)
        want = "Вы вернули книгу «%s» в библиотеку «Хабаровская краевая библиотека»" % \
            ("Мёртвые души" if kind == "DATA" else "Вишнёвый сад")
        ok(h.messages and subject(h.messages[0][2]) == want, "%s: it is the return's message" % kind,
           h.messages and subject(h.messages[0][2]))
        ok(h.messages and (want + ". Спасибо!") in h.messages[0][2].get_payload(decode=True).decode("utf-8"),
           "%s: the body thanks the reader" % kind)
    finally:
        ctl.stop()


# Ivan's loan is 1; Masha's 2. Ivan takes the second book to have one more to return.
rc, out, err = lend("--as", "reader:1", "take", "1", "2", now=T0 + 10 * 3600)
ok(rc == 0, "Ivan takes a second book", err)
lend("deliver", "--to", "none", now=T0 + 10 * 3600)
rc, j, err = lend_json("deliver", "--to", "maildir:" + os.path.join(tmp, "mail"), now=T0 + 10 * 3600)
ok(rc == 0 and j["delivered"] == 1, "the take's notification goes to a maildir", (j, err))
refused_once("DATA", "451 4.3.0 Try again later", T0 + 11 * 3600)
refused_once("RCPT", "550 5.1.1 Mailbox unavailable", T0 + 12 * 3600)

# ------------------------------------------------------------------ STARTTLS
cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   capture_output=True)
ok(p.returncode == 0, "a throw-away certificate", p.stderr.decode())
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
h = Handler()
ctl, port = start(h, tls_context=ctx, require_starttls=True)
try:
    t = T0 + 13 * 3600
    rc, out, err = lend("--as", "reader:2", "return", "2", now=t)
    ok(rc == 0, "STARTTLS: a return makes a new notification", err)
    url = "smtp://127.0.0.1:%d" % port
    rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", now=t)
    ok(rc == 1 and not h.messages, "a server that insists on STARTTLS refuses a plain session", (j, err))
    tls = {"LEND_SMTP_CAINFO": cert}
    rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", "--starttls", env=tls,
                           now=t + 3600)
    ok(rc == 0 and j["delivered"] == 1 and len(h.messages) == 1, "--starttls: delivered over TLS", (j, err))
finally:
    ctl.stop()

# ------------------------------------------------- smtps: TLS from the start
h = Handler()
ctl, port = start(h, ssl_context=ctx)
try:
    t = T0 + 15 * 3600
    rc, out, err = lend("--as", "reader:1", "take", "1", "2", now=t)
    ok(rc == 0, "smtps: a take makes a new notification", err)
    url = "smtps://127.0.0.1:%d" % port
    rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", now=t)
    ok(rc == 1 and not h.messages, "smtps: a certificate nobody vouches for is refused", (j, err))
    rc, j, err = lend_json("deliver", "--smtp", url, "--from", "library@example.org", env=tls, now=t + 3600)
    ok(rc == 0 and j["delivered"] == 1 and len(h.messages) == 1, "smtps: delivered with $LEND_SMTP_CAINFO", (j, err))
finally:
    ctl.stop()

# ------------------------------------------------------- tick sends e-mail too
h = Handler()
ctl, port = start(h)
try:
    rc, out, err = lend("--as", "reader:2", "take", "2", "2", now=T0 + 14 * 3600)
    ok(rc == 0, "Masha takes a book", err)
    lend("deliver", "--to", "maildir:" + os.path.join(tmp, "mail"), now=T0 + 14 * 3600)
    tos = []
    for name in os.listdir(os.path.join(tmp, "mail", "new")):
        with open(os.path.join(tmp, "mail", "new", name), "rb") as fh:
            msg = email.message_from_bytes(fh.read(), policy=email.policy.compat32)
        tos.append(str(email.header.make_header(email.header.decode_header(msg["To"]))))
    ok("Маша Соколова <%s>" % MASHA in tos and "Иван Петров <reader-1@lend.invalid>" in tos,
       "maildir: To: is the reader's own address, else the placeholder", tos)
    t = T0 + 30 * 86400  # the loan has ended by itself
    rc, j, err = lend_json("tick", "--smtp", "smtp://127.0.0.1:%d" % port, "--from", "library@example.org",
                           "--rcpt", "r{reader}@example.org", now=t)
    kinds = sorted(n["kind"] for n in (j or {}).get("notifications", []))
    ok(rc == 0 and j["loans_ended"] >= 1 and j["delivered"] == len(h.messages) and len(h.messages) >= 1,
       "tick ends the due loans and mails their notifications", (rc, j, err))
    ok(all(r == ["r1@example.org"] or r == [MASHA] for _, r, _ in h.messages) and
       any(r == [MASHA] for _, r, _ in h.messages),
       "--rcpt names the recipients without an address; Masha's own address is used", [r for _, r, _ in h.messages])
    ended = [subject(m) for _, r, m in h.messages if m["X-Lend-Kind"] == "loan_ended"]
    ok(any(x.startswith("The loan of «") and x.endswith("has ended and the book went back to "
                                                         "Хабаровская краевая библиотека") for x in ended),
       "the end of Masha's loan in English", ended)
    ok("loan_ended" in kinds, "the loans' ends are among them", kinds)
    ok(pending(t) == [], "nothing left in the outbox after the tick")
finally:
    ctl.stop()

print()
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
