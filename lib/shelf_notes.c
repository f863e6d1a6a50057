/* shelf_notes.c — notifications: the reader's channel and language added
 * to every one, structured fields, and the Russian and English texts
 * (spec section 9). */
#include <stdio.h>

#include "shelf_int.h"

/* ------------------------------------------------------------ details */

static void kv_add(shelf_kv *kv, const char *key, const char *value)
{
	/* "\nkey=" (no newline first), whole or not at all, as snprintf did;
	 * copied by hand: every notification adds several. */
	size_t sep = kv->len ? 1 : 0, kl = strlen(key);
	if (sep + kl + 1 >= sizeof kv->buf - kv->len)
		return;
	if (sep)
		kv->buf[kv->len++] = '\n';
	memcpy(kv->buf + kv->len, key, kl);
	kv->len += kl;
	kv->buf[kv->len++] = '=';
	kv->buf[kv->len] = '\0';
	for (const char *p = value; *p && kv->len + 1 < sizeof kv->buf; p++)
		kv->buf[kv->len++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
	kv->buf[kv->len] = '\0';
}

void lend__kv_str(shelf_kv *kv, const char *key, const char *value)
{
	kv_add(kv, key, value ? value : "");
}

void lend__kv_int(shelf_kv *kv, const char *key, int64_t value)
{
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)value);
	kv_add(kv, key, num);
}

/* ------------------------------------------------------ the outbox hook */

static int book_title_cb(void *ctx, const lend_sys_book *row)
{
	lend__kv_str(ctx, "title", row->title);
	return 0;
}

static int library_name_cb(void *ctx, const lend_sys_library *row)
{
	lend__kv_str(ctx, "library", row->name);
	return 0;
}

int lend__shelf_note_prepare(lend_engine *e, int kind, int64_t reader_id, int64_t library_id, int64_t book_id,
                             const char *detail, const char *title, const char *library_name, int *skip,
                             char **full)
{
	*skip = 0;
	*full = NULL;
	lend_prefs p;
	memset(&p, 0, sizeof p);
	memcpy(p.lang, "ru", 3);
	/* Without the shelf's tables every reader has the default preferences. */
	int rc = reader_id && !lend__shelf_lacks(e) ? lend__shelf_prefs_load(e, reader_id, &p) : LEND_OK;
	if (rc == LEND_OK && !lend_note_kind_security(kind) && kind >= 1 && kind <= 63 && lend_prefs_muted(&p, kind))
		*skip = 1;
	shelf_kv *kv = NULL;
	if (rc == LEND_OK && !*skip && !(kv = malloc(sizeof *kv)))
		rc = lend__nomem(e);
	if (kv) {
		kv->len = 0;
		kv->buf[0] = '\0';
		/* The cause's own fields stay as they are; the shelf's follow. */
		/* The caller passes what it has already read in this transaction. */
		if (book_id && title)
			lend__kv_str(kv, "title", title);
		else if (book_id && (rc = ST(e, book_get, book_id, book_title_cb, kv)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "book");
		if (rc == LEND_OK && library_id && library_name)
			lend__kv_str(kv, "library", library_name);
		else if (rc == LEND_OK && library_id &&
		         (rc = ST(e, library_get, library_id, library_name_cb, kv)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "library");
		lend__kv_str(kv, "lang", p.lang);
		if (p.channel) {
			lend__kv_str(kv, "channel", p.channel == LEND_CHANNEL_SMS ? "sms" : "email");
			lend__kv_str(kv, "address", p.channel == LEND_CHANNEL_SMS ? (p.phone ? p.phone : "")
			                                                          : (p.email ? p.email : ""));
		}
		size_t dl = detail ? strlen(detail) : 0;
		if (rc == LEND_OK && !(*full = malloc(dl + kv->len + 2)))
			rc = lend__nomem(e);
		if (rc == LEND_OK)
			snprintf(*full, dl + kv->len + 2, "%s%s%s", dl ? detail : "", dl ? "\n" : "", kv->buf);
		free(kv);
	}
	free(p.email);
	free(p.phone);
	return rc;
}

/* ------------------------------------------------- fields and texts */

struct lend__note_extra {
	char *fields; /* key\0value\0key\0value\0...\0 */
	size_t nfields;
	char *text_ru, *text_en;
	int channel;
};

static const char *field_in(const lend__note_extra *x, const char *key)
{
	const char *p = x->fields;
	for (size_t i = 0; i < x->nfields; i++) {
		const char *v = p + strlen(p) + 1;
		if (strcmp(p, key) == 0)
			return v;
		p = v + strlen(v) + 1;
	}
	return NULL;
}

/* Russian names of the refusal reasons; English comes from lend_reason_string. */
static const struct {
	int reason;
	const char *ru;
} reasons_ru[] = {
	{LEND_REASON_TICKET_BLOCKED, "читательский билет заблокирован"},
	{LEND_REASON_TICKET_EXPIRED, "срок действия читательского билета истёк"},
	{LEND_REASON_NOT_LENDABLE, "библиотеки не могут выдавать эту книгу"},
	{LEND_REASON_AGE, "книга не подходит по возрастному ограничению"},
	{LEND_REASON_NOT_RELEASED, "книга ещё не вышла"},
	{LEND_REASON_SELF_SERVICE_LIMIT, "исчерпан лимит книг, которые можно взять самостоятельно"},
	{LEND_REASON_MAX_LOANS, "исчерпан лимит выданных книг"},
	{LEND_REASON_TOO_EXPENSIVE, "книга слишком дорогая для самостоятельной выдачи"},
	{LEND_REASON_BUDGET, "у библиотеки закончились средства на покупку книг"},
	{LEND_REASON_NO_FREE_COPY, "все экземпляры выданы"},
	{LEND_REASON_ALREADY_YOURS, "эта книга уже у вас"},
	{LEND_REASON_NOT_IN_FUND, "в фонде библиотеки нет этой книги"},
	{LEND_REASON_TOO_MANY_REQUESTS, "слишком много запросов одновременно"},
	{LEND_REASON_MONTHLY_QUOTA, "исчерпан лимит книг на месяц"},
	{LEND_REASON_COPY_LIMIT, "библиотека не может купить больше экземпляров этой книги"},
	{LEND_REASON_BALANCE, "на балансе недостаточно средств"},
	{LEND_REASON_NO_ACCESS, "книга не выдана вам и не куплена"},
	/* -- the librarian's desk */
	{LEND_REASON_ALREADY_REQUESTED, "запрос на эту книгу уже отправлен"},
	{LEND_REASON_RENEWALS_OFF, "библиотека не продлевает выдачу"},
	{LEND_REASON_ALREADY_RENEWED, "выдачу можно продлить только один раз"},
	{LEND_REASON_SOMEONE_WAITS, "эту книгу ждут другие читатели"},
	{LEND_REASON_LIBRARIAN, "решение библиотекаря"},
	/* -- accounts and sign-in */
	/* -- the catalog */
};

/* One text per kind and language; `when` (optional) "key=value" picks a
 * variant: the first entry of a kind whose condition holds is used.
 * Placeholders {key} take the field; *_at fields print as dates, amount and
 * balance as money in the currency field, {reason} as words, {why} as the
 * librarian's words or else the reason. Other parts add their kinds in
 * their blocks. */
static const struct note_text {
	int kind;
	const char *when;
	const char *ru, *en;
} note_texts[] = {
	{LEND_NOTE_LOAN_ISSUED, NULL,
	 "Книга «{title}» выдана вам в библиотеке «{library}» до {due_at}. Читайте её на сайте или в мобильном "
	 "приложении. Возвращать книгу не нужно: по истечении срока выдачи она вернётся в библиотеку автоматически.",
	 "«{title}» is yours from {library} until {due_at}. Read it on the site or in the mobile app. There is "
	 "nothing to bring back: the book returns to the library by itself when the loan ends."},
	{LEND_NOTE_LOAN_ENDED, "end_reason=2",
	 "Вы вернули книгу «{title}» в библиотеку «{library}». Спасибо!",
	 "You returned «{title}» to {library}. Thank you!"},
	{LEND_NOTE_LOAN_ENDED, "end_reason=3",
	 "Библиотека «{library}» завершила выдачу книги «{title}».",
	 "{library} ended your loan of «{title}»."},
	{LEND_NOTE_LOAN_ENDED, NULL,
	 "Срок выдачи книги «{title}» истёк, и она вернулась в библиотеку «{library}». Чтобы книга осталась вашей "
	 "навсегда, вы можете купить её, нажав кнопку «Купить» на странице книги.",
	 "The loan of «{title}» has ended and the book went back to {library}. To keep a book for ever, buy it "
	 "with the «Buy» button on its page."},
	{LEND_NOTE_QUEUE_HANDOFF, NULL,
	 "Подошла ваша очередь: книга «{title}» выдана вам в библиотеке «{library}» до {due_at}. Она уже в "
	 "разделе «Мои книги».",
	 "Your turn has come: «{title}» is yours from {library} until {due_at}. It is already under «My books»."},
	{LEND_NOTE_LOAN_ENDING_SOON, NULL,
	 "Срок выдачи книги «{title}» заканчивается {due_at}. После этого книга автоматически вернётся в "
	 "библиотеку «{library}».",
	 "The loan of «{title}» ends on {due_at}; then the book goes back to {library} by itself."},
	{LEND_NOTE_REQUEST_APPROVED, "outcome=queued",
	 "Библиотекарь одобрил ваш запрос на книгу «{title}» в библиотеке «{library}». Все экземпляры сейчас "
	 "выданы: вы в очереди ({position}-й) и получите книгу автоматически, как только она освободится.",
	 "The librarian approved your request for «{title}» at {library}. Every copy is out now: you are "
	 "number {position} in the queue and get the book by itself as soon as a copy is free."},
	{LEND_NOTE_REQUEST_APPROVED, NULL,
	 "Библиотекарь одобрил ваш запрос: книга «{title}» выдана вам в библиотеке «{library}» до {due_at} и "
	 "появилась в разделе «Мои книги».",
	 "The librarian approved your request: «{title}» is yours from {library} until {due_at} and is under "
	 "«My books»."},
	{LEND_NOTE_REQUEST_DENIED, NULL,
	 "Библиотекарь отказал в выдаче книги «{title}» в библиотеке «{library}». Причина: {why}.",
	 "The librarian declined your request for «{title}» at {library}. Reason: {why}."},
	{LEND_NOTE_QUEUE_POSITION, NULL,
	 "Ваша очередь за книгой «{title}» в библиотеке «{library}» продвинулась: теперь вы {position}-й в очереди.",
	 "You moved up in the queue for «{title}» at {library}: you are number {position} now."},
	{LEND_NOTE_RESERVE_WAITING, NULL,
	 "Для вас отложен экземпляр книги «{title}» в библиотеке «{library}». Подтвердите получение до {expires_at}.",
	 "A copy of «{title}» is held for you at {library}. Confirm that you take it by {expires_at}."},
	{LEND_NOTE_VERIFICATION_CODE, NULL, "Ваш код подтверждения: {code}. Никому не сообщайте его.",
	 "Your verification code: {code}. Do not tell it to anyone."},
	{LEND_NOTE_PASSWORD_RECOVERY, NULL,
	 "Вы запросили восстановление пароля. Код для восстановления: {token}. Если это были не вы, просто "
	 "проигнорируйте это письмо.",
	 "You asked to recover your password. Recovery code: {token}. If it was not you, ignore this message."},
	{LEND_NOTE_APP_ACTIVATION, NULL,
	 "Код активации мобильного приложения: {code}. Введите его при первом входе в приложение.",
	 "Your mobile app activation code: {code}. Enter it when you first open the app."},
	/* -- the librarian's desk */
	{LEND_NOTE_LOAN_RENEWED, NULL,
	 "Выдача книги «{title}» в библиотеке «{library}» продлена до {due_at}.",
	 "Your loan of «{title}» from {library} is renewed until {due_at}."},
	{LEND_NOTE_RESERVE_LAPSED, NULL,
	 "Вы не подтвердили получение книги «{title}» в библиотеке «{library}», и отложенный экземпляр передан "
	 "следующему читателю. Вы вышли из очереди; если книга ещё нужна, встаньте в очередь снова.",
	 "You did not confirm «{title}» at {library}, so the copy held for you went to the next reader. You "
	 "left the queue; join it again if you still want the book."},
	/* -- accounts and sign-in */
	/* -- the reader's shelf */
	{LEND_NOTE_BALANCE_CREDITED, NULL, "Ваш баланс пополнен на {amount}. Теперь на нём {balance}.",
	 "Your balance was credited with {amount}. It now holds {balance}."},
	{LEND_NOTE_BOOK_BOUGHT, NULL,
	 "Книга «{title}» куплена за {amount} и теперь ваша навсегда: она в разделе «Мои книги».",
	 "«{title}» is bought for {amount} and is yours for ever: it is under «My books»."},
	/* -- the catalog */
};

typedef struct tbuf {
	char *p;
	size_t len, cap;
	int oom;
} tbuf;

static void tb_add(tbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static const char *const months_en[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
static const char *const months_ru[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                        "июля",   "августа", "сентября", "октября", "ноября", "декабря"};

static void tb_value(tbuf *b, const lend__note_extra *x, const char *key, int ru)
{
	char out[160];
	const char *v = field_in(x, key);
	size_t kl = strlen(key);
	if (strcmp(key, "why") == 0) {
		v = field_in(x, "text");
		if (!v || !*v)
			key = "reason";
		else {
			tb_add(b, v, strlen(v));
			return;
		}
		v = field_in(x, key);
	}
	if (!v)
		return;
	if (strcmp(key, "reason") == 0) {
		int r = atoi(v);
		const char *w = lend_reason_string(r);
		for (size_t i = 0; ru && i < sizeof reasons_ru / sizeof reasons_ru[0]; i++)
			if (reasons_ru[i].reason == r)
				w = reasons_ru[i].ru;
		tb_add(b, w, strlen(w));
	} else if ((kl > 3 && strcmp(key + kl - 3, "_at") == 0) || strcmp(key, "until") == 0) {
		int ymd = lend__ymd(strtoll(v, NULL, 10));
		int m = ymd / 100 % 100;
		if (m < 1 || m > 12)
			m = 1;
		snprintf(out, sizeof out, ru ? "%d %s %d" : "%d %s %d", ymd % 100, ru ? months_ru[m - 1] : months_en[m - 1],
		         ymd / 10000);
		tb_add(b, out, strlen(out));
	} else if (strcmp(key, "amount") == 0 || strcmp(key, "balance") == 0) {
		long long a = strtoll(v, NULL, 10);
		const char *cur = field_in(x, "currency");
		unsigned long long abs = a < 0 ? (unsigned long long)(-(a + 1)) + 1 : (unsigned long long)a;
		snprintf(out, sizeof out, "%s%llu%c%02llu %s", a < 0 ? "-" : "", abs / 100, ru ? ',' : '.', abs % 100,
		         cur ? cur : "");
		tb_add(b, out, strlen(out));
	} else {
		tb_add(b, v, strlen(v));
	}
}

static int when_holds(const lend__note_extra *x, const char *when)
{
	if (!when)
		return 1;
	const char *eq = strchr(when, '=');
	char key[32];
	size_t n = (size_t)(eq - when);
	if (n >= sizeof key)
		return 0;
	memcpy(key, when, n);
	key[n] = '\0';
	const char *v = field_in(x, key);
	return v && strcmp(v, eq + 1) == 0;
}

static char *render(const lend__note_extra *x, int kind, int ru)
{
	const struct note_text *t = NULL;
	for (size_t i = 0; !t && i < sizeof note_texts / sizeof note_texts[0]; i++)
		if (note_texts[i].kind == kind && when_holds(x, note_texts[i].when))
			t = &note_texts[i];
	tbuf b = {NULL, 0, 0, 0};
	tb_add(&b, "", 0);
	if (!t)
		return b.p;
	for (const char *s = ru ? t->ru : t->en; *s;) {
		const char *open = strchr(s, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			tb_add(&b, s, strlen(s));
			break;
		}
		tb_add(&b, s, (size_t)(open - s));
		char key[32];
		size_t n = (size_t)(close - open - 1);
		if (n < sizeof key) {
			memcpy(key, open + 1, n);
			key[n] = '\0';
			tb_value(&b, x, key, ru);
		}
		s = close + 1;
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

lend__note_extra *lend__shelf_note_extra(const lend_sys_note *row)
{
	lend__note_extra *x = calloc(1, sizeof *x);
	const char *d = row->detail ? row->detail : "";
	size_t len = strlen(d);
	if (!x || !(x->fields = malloc(len + 2))) {
		free(x);
		return NULL;
	}
	/* Split "k=v\nk=v" into k\0v\0k\0v\0; a line without '=' is skipped. */
	char *w = x->fields;
	for (const char *line = d; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		const char *eq = memchr(line, '=', n);
		if (eq && eq > line) {
			memcpy(w, line, (size_t)(eq - line));
			w += eq - line;
			*w++ = '\0';
			memcpy(w, eq + 1, n - (size_t)(eq - line) - 1);
			w += n - (size_t)(eq - line) - 1;
			*w++ = '\0';
			x->nfields++;
		}
		line += n + (end ? 1 : 0);
	}
	*w = '\0';
	const char *ch = field_in(x, "channel");
	x->channel = !ch ? LEND_CHANNEL_NONE : strcmp(ch, "sms") == 0 ? LEND_CHANNEL_SMS : LEND_CHANNEL_EMAIL;
	x->text_ru = render(x, row->kind, 1);
	x->text_en = render(x, row->kind, 0);
	if (!x->text_ru || !x->text_en) {
		lend__shelf_note_extra_free(x);
		return NULL;
	}
	return x;
}

void lend__shelf_note_extra_free(lend__note_extra *x)
{
	if (!x)
		return;
	free(x->fields);
	free(x->text_ru);
	free(x->text_en);
	free(x);
}

LEND_EXTERN const char *lend_notification_field(const lend_notification *n, const char *key)
{
	const lend__note_extra *x = lend__note_extra_of(n);
	return x && key ? field_in(x, key) : NULL;
}

LEND_EXTERN int lend_notification_channel(const lend_notification *n)
{
	const lend__note_extra *x = lend__note_extra_of(n);
	return x ? x->channel : LEND_CHANNEL_NONE;
}

LEND_EXTERN const char *lend_notification_address(const lend_notification *n)
{
	const char *v = lend_notification_field(n, "address");
	return v ? v : "";
}

LEND_EXTERN const char *lend_notification_text(const lend_notification *n, const char *lang)
{
	const lend__note_extra *x = lend__note_extra_of(n);
	if (!x)
		return "";
	if (!lang)
		lang = field_in(x, "lang");
	if (!lang || strcmp(lang, "ru") == 0)
		return x->text_ru;
	return strcmp(lang, "en") == 0 ? x->text_en : "";
}
