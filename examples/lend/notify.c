/* notify.c — the notifiers of `lend deliver` and `lend tick`.
 *
 *   stdout        one line per notification
 *   maildir:DIR   one RFC 5322 message per notification in DIR/new, written
 *                 to DIR/tmp first and renamed (the Maildir discipline); the
 *                 file is named after the notification's UUID, so a repeated
 *                 delivery (at least once) replaces the same file
 *   smtp://HOST[:PORT], smtps://HOST[:PORT]
 *                 one RFC 5322 message per notification through libcurl's
 *                 SMTP client (notify_smtp() sets the sender, the recipient
 *                 template, STARTTLS; the login comes from the environment);
 *                 a refusal by the server is a failed delivery, retried by
 *                 the engine with backoff
 *   none          deliver nothing: the outbox keeps them
 *
 * A notifier must not call back into the engine that delivers, so names are
 * looked up through a second engine on the same database. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lend/sys/notifier.h>

#include "cli.h"

enum { TO_NONE, TO_STDOUT, TO_MAILDIR, TO_SMTP };

struct notify {
	int to;
	char *dir;
	int json;
	json_t *arr;
	const char *indent;
	int show_uuid;
	int brief;
	int failures;
	/* smtp: the connection is made at the first message */
	struct smtp_conf smtp_conf;
	struct smtp *smtp;
	int smtp_tried;
	char *smtp_from, *smtp_rcpt;
	/* the lookup engine, on the same database and clock */
	char *db;
	const struct cli *cli;
	lend_engine *look;
	lend_actor *look_actor;
	struct names *names;
	int look_tried;
	char err[4700];
};

static int mkdir_p(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return errno;
	return 0;
}

int notify_new(struct cli *c, const char *to, int json, struct notify **out)
{
	*out = NULL;
	struct notify *n = calloc(1, sizeof *n);
	if (!n)
		return cli_error(EXIT_OTHER, "out of memory");
	n->json = json;
	n->indent = "";
	n->show_uuid = 1;
	if (!to || strcmp(to, "stdout") == 0) {
		n->to = TO_STDOUT;
	} else if (strcmp(to, "none") == 0) {
		n->to = TO_NONE;
	} else if (strncmp(to, "maildir:", 8) == 0 && to[8]) {
		n->to = TO_MAILDIR;
		if (!(n->dir = strdup(to + 8)))
			abort();
		const char *subs[] = {"", "/tmp", "/new", "/cur"};
		for (int i = 0; i < 4; i++) {
			char p[4096];
			snprintf(p, sizeof p, "%s%s", n->dir, subs[i]);
			int err = mkdir_p(p);
			if (err) {
				free(n->dir);
				free(n);
				return cli_error(EXIT_OTHER, "cannot create the maildir %s: %s", p, strerror(err));
			}
		}
	} else if ((strncmp(to, "smtp://", 7) == 0 && to[7]) || (strncmp(to, "smtps://", 8) == 0 && to[8])) {
		const char *host = strstr(to, "://") + 3;
		if (memchr(host, '@', strcspn(host, "/?#"))) {
			free(n);
			return cli_usage_error(c, "--to: put the SMTP login in $LEND_SMTP_USER and $LEND_SMTP_PASSWORD, "
			                          "not in the URL");
		}
		n->to = TO_SMTP;
		n->smtp_conf.url = to;
	} else {
		free(n);
		return cli_usage_error(c, "--to '%s': expected stdout, maildir:DIR, smtp://HOST[:PORT], smtps://HOST[:PORT] or none", to);
	}
	if (!(n->db = strdup(c->db)))
		abort();
	n->cli = c;
	if (json)
		n->arr = json_array();
	*out = n;
	return EXIT_OK;
}

void notify_set_style(struct notify *n, const char *indent, int show_uuid, int brief)
{
	n->indent = indent ? indent : "";
	n->show_uuid = show_uuid;
	n->brief = brief;
}

json_t *notify_json(struct notify *n)
{
	return n->arr;
}

int notify_failures(const struct notify *n)
{
	return n->failures;
}

static int64_t notify_clock(void *ud)
{
	return ((const struct notify *)ud)->cli->now;
}

static struct names *lookup(struct notify *n)
{
	if (n->look_tried)
		return n->names;
	n->look_tried = 1;
	lend_options *o = NULL;
	if (lend_options_new(&o) != LEND_OK)
		return NULL;
	if (n->cli->has_now)
		lend_options_set_clock(o, notify_clock, n);
	int rc = lend_engine_open(&n->look, n->db, o);
	lend_options_free(o);
	if (rc == LEND_OK)
		rc = lend_actor_admin(n->look, &n->look_actor);
	if (rc == LEND_OK)
		n->names = names_new(n->look, n->look_actor);
	return n->names;
}

static void notify_free(void *ud)
{
	struct notify *n = ud;
	names_free(n->names);
	lend_actor_free(n->look_actor);
	lend_engine_close(n->look);
	json_decref(n->arr);
	smtp_free(n->smtp);
	free(n->smtp_from);
	free(n->smtp_rcpt);
	free(n->dir);
	free(n->db);
	free(n);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* A bare address: something@something, printable ASCII, no <>, spaces or
 * quotes (an SMTP envelope address as curl sends it). */
static int address_ok(const char *a)
{
	const char *at = strchr(a, '@');
	if (!at || at == a || !at[1] || strlen(a) > 254)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p))
			return 0;
	return 1;
}

/* The recipient: the template with every "{reader}" replaced by the id. */
static void recipient_of(const char *tmpl, int64_t reader, char *buf, size_t len)
{
	size_t o = 0;
	for (const char *p = tmpl; *p && o + 1 < len; p++) {
		if (strncmp(p, "{reader}", 8) == 0) {
			int k = snprintf(buf + o, len - o, "%lld", (long long)reader);
			o = k > 0 && (size_t)k < len - o ? o + (size_t)k : len - 1;
			p += 7;
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
}

int notify_smtp(struct cli *c, struct notify *n, const char *from, const char *rcpt, int starttls)
{
	if (n->to != TO_SMTP) {
		if (from || rcpt || starttls)
			return cli_usage_error(c, "--from, --rcpt and --starttls go with an smtp:// or smtps:// --to");
		return EXIT_OK;
	}
	if (!from)
		from = env("LEND_SMTP_FROM");
	if (!rcpt)
		rcpt = env("LEND_SMTP_RCPT");
	if (!rcpt)
		rcpt = "reader-{reader}@lend.invalid";
	const char *tls = env("LEND_SMTP_STARTTLS");
	if (!from)
		return cli_usage_error(c, "SMTP needs a sender: --from ADDRESS or $LEND_SMTP_FROM");
	if (!address_ok(from))
		return cli_usage_error(c, "--from '%s': expected an e-mail address such as library@example.org", from);
	char probe[512];
	recipient_of(rcpt, 1, probe, sizeof probe);
	if (strlen(rcpt) > 200 || !address_ok(probe))
		return cli_usage_error(c, "--rcpt '%s': expected an address template such as reader-{reader}@example.org",
		                       rcpt);
	if (!(n->smtp_from = strdup(from)) || !(n->smtp_rcpt = strdup(rcpt)))
		abort();
	n->smtp_conf.from = n->smtp_from;
	n->smtp_conf.starttls = starttls || (tls && strcmp(tls, "0") != 0);
	n->smtp_conf.user = env("LEND_SMTP_USER");
	n->smtp_conf.password = env("LEND_SMTP_PASSWORD");
	n->smtp_conf.cainfo = env("LEND_SMTP_CAINFO");
	return EXIT_OK;
}

/* ------------------------------------------------------------ the words */

struct words {
	char reader[300], library[300], book[1200];
	char text[4000];    /* the engine's rendered text, else a line made here */
	char subject[1600]; /* its first sentence */
	int en;             /* the reader reads English */
};

/* The end of the first sentence of s: after ".", "!" or "?" that is followed
 * by a space, outside «quotes», and not after a short lowercase word (an
 * abbreviation such as "им." or "St."); the whole text when there is none. */
static size_t first_sentence(const char *s)
{
	int quoted = 0;
	size_t word = 0; /* where the current word starts */
	for (size_t i = 0; s[i]; i++) {
		if (strncmp(s + i, "\xC2\xAB", 2) == 0) /* « */
			quoted++;
		else if (strncmp(s + i, "\xC2\xBB", 2) == 0 && quoted) /* » */
			quoted--;
		if (s[i] == ' ')
			word = i + 1;
		if (quoted || !strchr(".!?", s[i]) || s[i + 1] != ' ')
			continue;
		int letters = 0, lower = 1;
		for (size_t k = word; k < i; k++) {
			unsigned char ch = (unsigned char)s[k];
			if ((ch & 0xC0) != 0x80)
				letters++;
			if ((ch >= 'A' && ch <= 'Z') || (ch == 0xD0 && (unsigned char)s[k + 1] >= 0x90 &&
			                                 (unsigned char)s[k + 1] <= 0xAF)) /* А..Я */
				lower = 0;
		}
		if (s[i] == '.' && letters <= 3 && lower)
			continue;
		return i + 1;
	}
	return strlen(s);
}

static void words_of(struct notify *n, const lend_notification *note, struct words *w)
{
	struct names *nm = lookup(n);
	int64_t r = lend_notification_reader_id(note), l = lend_notification_library_id(note),
		b = lend_notification_book_id(note);
	snprintf(w->reader, sizeof w->reader, "%s", nm ? names_reader(nm, r) : "");
	if (!nm)
		snprintf(w->reader, sizeof w->reader, "reader %lld", (long long)r);
	if (l)
		snprintf(w->library, sizeof w->library, "%s", nm ? names_library(nm, l) : "");
	else
		w->library[0] = '\0';
	if (l && !nm)
		snprintf(w->library, sizeof w->library, "library %lld", (long long)l);
	if (b && nm)
		snprintf(w->book, sizeof w->book, "«%s»", names_book(nm, b));
	else if (b)
		snprintf(w->book, sizeof w->book, "book %lld", (long long)b);
	else
		w->book[0] = '\0';
	const char *lang = lend_notification_field(note, "lang");
	w->en = lang && strcmp(lang, "en") == 0;
	/* The engine's ready text, in the reader's language. */
	const char *text = lend_notification_text(note, NULL);
	if (*text)
		snprintf(w->text, sizeof w->text, "%s", text);
	else
		snprintf(w->text, sizeof w->text, "%s%s%s", lend_note_kind_string(lend_notification_kind(note)),
		         *w->book ? ": " : "", w->book);
	size_t end = first_sentence(w->text);
	if (end >= sizeof w->subject)
		end = sizeof w->subject - 1;
	while (end > 0 && ((unsigned char)w->text[end] & 0xC0) == 0x80)
		end--; /* not inside a UTF-8 sequence */
	memcpy(w->subject, w->text, end);
	w->subject[end] = '\0';
	if (end > 0 && w->subject[end - 1] == '.')
		w->subject[end - 1] = '\0'; /* a subject ends without a full stop */
}

/* The reader's own e-mail address when he chose e-mail and gave one; NULL
 * otherwise (the caller uses its placeholder). */
static const char *reader_address(const lend_notification *note)
{
	const char *a = lend_notification_address(note);
	if (lend_notification_channel(note) == LEND_CHANNEL_EMAIL && a && address_ok(a))
		return a;
	return NULL;
}

/* ---------------------------------------------------------------- stdout */

static int deliver_stdout(struct notify *n, const lend_notification *note)
{
	struct words w;
	words_of(n, note, &w);
	char t[TIME_BUF];
	printf("%s%s  %-16s %s: %s", n->indent, fmt_time(t, lend_notification_created_at(note)),
	       lend_note_kind_string(lend_notification_kind(note)), w.reader, n->brief ? w.subject : w.text);
	if (*w.library && !n->brief)
		printf(" [%s]", w.library);
	if (n->show_uuid)
		printf("  %s", lend_notification_uuid(note));
	putchar('\n');
	fflush(stdout);
	return ferror(stdout) ? -1 : 0;
}

/* --------------------------------------------------------------- maildir */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_b64(FILE *f, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
		fputc(b64[v >> 18 & 63], f);
		fputc(b64[v >> 12 & 63], f);
		fputc(i + 1 < n ? b64[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? b64[v & 63] : '=', f);
	}
}

/* A header value: as is when it is plain printable ASCII and short, else
 * RFC 2047 encoded words of at most 45 bytes each, cut on character
 * boundaries and folded onto continuation lines (so that no line passes
 * RFC 5322's 998 characters). */
static void put_header_text(FILE *f, const char *s)
{
	int plain = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			plain = 0;
	if (plain && strlen(s) <= 900) {
		fputs(s, f);
		return;
	}
	size_t len = strlen(s), i = 0;
	int first = 1;
	while (i < len) {
		size_t n = len - i < 45 ? len - i : 45;
		while (n > 0 && i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n--; /* do not cut a UTF-8 sequence */
		if (n == 0)
			n = 1;
		if (!first)
			fputs("\n ", f);
		fputs("=?UTF-8?B?", f);
		put_b64(f, (const unsigned char *)s + i, n);
		fputs("?=", f);
		first = 0;
		i += n;
	}
}

/* A line of the body, broken where it would pass 900 bytes (RFC 5322 allows
 * 998): at the last space before, else between two characters. */
static void put_body_line(FILE *f, const char *s)
{
	size_t len = strlen(s);
	while (len > 900) {
		size_t cut = 900;
		while (cut > 600 && s[cut] != ' ')
			cut--;
		if (s[cut] != ' ')
			for (cut = 900; cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80; cut--)
				; /* not inside a UTF-8 sequence */
		fwrite(s, 1, cut, f);
		fputc('\n', f);
		if (s[cut] == ' ')
			cut++;
		s += cut;
		len -= cut;
	}
	fprintf(f, "%s\n", s);
}

/* One RFC 5322 message (LF line ends) for a notification: the subject is
 * the first sentence of the engine's text, the body greets the reader in his
 * language and gives the whole text. from_addr and to_addr are bare
 * addresses; NULL for the lend.invalid placeholders. */
static void write_message(struct notify *n, const lend_notification *note, const char *from_addr,
                          const char *to_addr, FILE *f)
{
	struct words w;
	words_of(n, note, &w);
	time_t t = (time_t)lend_notification_created_at(note);
	struct tm tm;
	gmtime_r(&t, &tm);
	char date[64];
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *kind = lend_note_kind_string(lend_notification_kind(note));
	fprintf(f, "Date: %s\n", date);
	fputs("From: ", f);
	put_header_text(f, *w.library ? w.library : "lend");
	if (from_addr)
		fprintf(f, " <%s>\n", from_addr);
	else
		fprintf(f, " <library-%lld@lend.invalid>\n", (long long)lend_notification_library_id(note));
	fputs("To: ", f);
	put_header_text(f, w.reader);
	if (to_addr)
		fprintf(f, " <%s>\n", to_addr);
	else
		fprintf(f, " <reader-%lld@lend.invalid>\n", (long long)lend_notification_reader_id(note));
	fputs("Subject: ", f);
	if (w.subject[0] >= 'a' && w.subject[0] <= 'z')
		w.subject[0] = (char)(w.subject[0] - 'a' + 'A');
	put_header_text(f, w.subject);
	fprintf(f, "\nMessage-ID: <%s@lend.invalid>\n", lend_notification_uuid(note));
	fprintf(f, "MIME-Version: 1.0\n");
	fprintf(f, "Content-Type: text/plain; charset=UTF-8\n");
	fprintf(f, "Content-Transfer-Encoding: 8bit\n");
	fprintf(f, "X-Lend-Kind: %s\n", kind);
	fprintf(f, "X-Lend-Notification: %lld\n", (long long)lend_notification_id(note));
	char line[4400];
	snprintf(line, sizeof line, w.en ? "Hello, %s." : "Здравствуйте, %s!", w.reader);
	fputc('\n', f);
	put_body_line(f, line);
	fputc('\n', f);
	put_body_line(f, w.text);
	if (*w.library) {
		snprintf(line, sizeof line, w.en ? "Library: %s" : "Библиотека: %s", w.library);
		fputc('\n', f);
		put_body_line(f, line);
	}
	fprintf(f, "\n-- \nlend (liblend %s), notification %lld, %s\n", lend_version_string(),
	        (long long)lend_notification_id(note), kind);
}

static int deliver_maildir(struct notify *n, const lend_notification *note, const char **errmsg)
{
	char name[256], tmp[4400], dst[4400];
	snprintf(name, sizeof name, "%lld.%s.lend", (long long)lend_notification_created_at(note),
	         lend_notification_uuid(note));
	snprintf(tmp, sizeof tmp, "%s/tmp/%s", n->dir, name);
	snprintf(dst, sizeof dst, "%s/new/%s", n->dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		snprintf(n->err, sizeof n->err, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		*errmsg = n->err;
		return -1;
	}
	write_message(n, note, NULL, reader_address(note), f);
	int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	int saved = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad || rename(tmp, dst) != 0) {
		if (!bad)
			saved = errno;
		unlink(tmp);
		snprintf(n->err, sizeof n->err, "%s: %s", dst, strerror(saved));
		*errmsg = n->err;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ smtp */

static int deliver_smtp(struct notify *n, const lend_notification *note, const char **errmsg)
{
	if (!n->smtp && !n->smtp_tried) {
		n->smtp_tried = 1;
		if (smtp_new(&n->smtp_conf, &n->smtp, n->err, sizeof n->err) != 0) {
			*errmsg = n->err;
			return -1;
		}
	}
	if (!n->smtp) {
		*errmsg = "smtp: libcurl could not start";
		return -1;
	}
	char rcpt[512];
	const char *own = reader_address(note);
	if (own)
		snprintf(rcpt, sizeof rcpt, "%s", own);
	else
		recipient_of(n->smtp_rcpt, lend_notification_reader_id(note), rcpt, sizeof rcpt);
	char *msg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&msg, &len);
	if (!f) {
		*errmsg = "out of memory";
		return -1;
	}
	write_message(n, note, n->smtp_from, rcpt, f);
	if (fclose(f) != 0) {
		free(msg);
		*errmsg = "out of memory";
		return -1;
	}
	int rc = smtp_send(n->smtp, rcpt, msg, len, n->err, sizeof n->err);
	free(msg);
	if (rc != 0)
		*errmsg = n->err;
	return rc;
}

/* ------------------------------------------------------------- the vtable */

static int deliver(void *ud, const lend_notification *note, const char **errmsg)
{
	struct notify *n = ud;
	int rc = 0;
	if (n->to == TO_NONE) {
		*errmsg = "no notifier";
		return 1;
	}
	if (n->to == TO_MAILDIR)
		rc = deliver_maildir(n, note, errmsg);
	else if (n->to == TO_SMTP)
		rc = deliver_smtp(n, note, errmsg);
	else if (!n->json)
		rc = deliver_stdout(n, note);
	if (rc != 0) {
		n->failures++;
		fprintf(stderr, "lend: notification %lld not delivered: %s\n", (long long)lend_notification_id(note),
		        errmsg && *errmsg ? *errmsg : "the notifier failed");
		return rc;
	}
	if (n->arr) {
		json_t *j = json_notification(note);
		struct words w;
		words_of(n, note, &w);
		json_object_set_new(j, "text", json_string(w.text));
		json_array_append_new(n->arr, j);
	}
	return 0;
}

void notify_bind(struct notify *n, lend_notifier *nt)
{
	lend_notifier_init(nt, LEND_NOTIFIER_VERSION);
	nt->userdata = n;
	nt->deliver = n->to == TO_NONE ? NULL : deliver;
	nt->free = notify_free;
}
