/* shelf_prefs.c — a reader's notification preferences: language, channel
 * and addresses, and the kinds he switched off (never the security ones). */
#include <stdio.h>

#include "shelf_int.h"

/* Kinds about security: always sent. Other areas append theirs. */
static const int security_kinds[] = {
	LEND_NOTE_VERIFICATION_CODE,
	LEND_NOTE_PASSWORD_RECOVERY,
	LEND_NOTE_APP_ACTIVATION,
	/* -- accounts and sign-in */
};

LEND_EXTERN int lend_note_kind_security(int kind)
{
	for (size_t i = 0; i < sizeof security_kinds / sizeof security_kinds[0]; i++)
		if (security_kinds[i] == kind)
			return 1;
	return 0;
}

LEND_EXTERN int lend_prefs_new(lend_prefs **out)
{
	if (!out)
		return LEND_EINVAL;
	*out = calloc(1, sizeof **out);
	if (!*out)
		return LEND_ENOMEM;
	memcpy((*out)->lang, "ru", 3);
	return LEND_OK;
}

LEND_EXTERN void lend_prefs_free(lend_prefs *p)
{
	if (!p)
		return;
	free(p->email);
	free(p->phone);
	free(p);
}

LEND_EXTERN int lend_prefs_set_language(lend_prefs *p, const char *lang)
{
	if (!p || !lang || (strcmp(lang, "ru") != 0 && strcmp(lang, "en") != 0))
		return LEND_EINVAL;
	memcpy(p->lang, lang, 3);
	return LEND_OK;
}

LEND_EXTERN int lend_prefs_set_channel(lend_prefs *p, int channel)
{
	if (!p || channel < LEND_CHANNEL_NONE || channel > LEND_CHANNEL_SMS)
		return LEND_EINVAL;
	p->channel = channel;
	return LEND_OK;
}

static int set_text(char **dst, const char *s, size_t max)
{
	if (s && lend__text_ok(s, max, 0) != LEND_OK)
		return LEND_EINVAL;
	char *c = lend__strdup(s ? s : "");
	if (!c)
		return LEND_ENOMEM;
	free(*dst);
	*dst = c;
	return LEND_OK;
}

LEND_EXTERN int lend_prefs_set_email(lend_prefs *p, const char *email)
{
	if (!p || (email && *email && !strchr(email, '@')))
		return LEND_EINVAL;
	return set_text(&p->email, email, 320);
}

LEND_EXTERN int lend_prefs_set_phone(lend_prefs *p, const char *phone)
{
	if (!p)
		return LEND_EINVAL;
	for (const char *c = phone; c && *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '+' || *c == ' ' || *c == '-' || *c == '(' || *c == ')'))
			return LEND_EINVAL;
	return set_text(&p->phone, phone, 32);
}

LEND_EXTERN int lend_prefs_set_muted(lend_prefs *p, int kind, int muted)
{
	if (!p || kind < 1 || kind > 63 || lend_note_kind_security(kind))
		return LEND_EINVAL;
	if (muted)
		p->muted = (int64_t)((uint64_t)p->muted | (uint64_t)1 << kind);
	else
		p->muted = (int64_t)((uint64_t)p->muted & ~((uint64_t)1 << kind));
	return LEND_OK;
}

LEND_EXTERN const char *lend_prefs_language(const lend_prefs *p) { return p ? p->lang : ""; }
LEND_EXTERN int lend_prefs_channel(const lend_prefs *p) { return p ? p->channel : 0; }
LEND_EXTERN const char *lend_prefs_email(const lend_prefs *p) { return p && p->email ? p->email : ""; }
LEND_EXTERN const char *lend_prefs_phone(const lend_prefs *p) { return p && p->phone ? p->phone : ""; }
LEND_EXTERN int lend_prefs_muted(const lend_prefs *p, int kind)
{
	return p && kind >= 1 && kind <= 63 && ((uint64_t)p->muted >> kind & 1);
}

static int prefs_cb(void *ctx, const lend_sys_prefs *row)
{
	lend_prefs *p = ctx;
	if (lend_prefs_set_language(p, row->lang) != LEND_OK)
		memcpy(p->lang, "ru", 3);
	p->channel = row->channel;
	p->muted = row->muted;
	if (set_text(&p->email, row->email, 320) != LEND_OK || set_text(&p->phone, row->phone, 32) != LEND_OK)
		return LEND_ENOMEM;
	return 0;
}

int lend__shelf_prefs_load(lend_engine *e, int64_t reader_id, lend_prefs *p)
{
	int rc = ST(e, prefs_get, reader_id, prefs_cb, p);
	if (rc == LEND_ENOTFOUND)
		return LEND_OK;
	if (rc == LEND_ENOMEM)
		return lend__nomem(e);
	TRY_ST(e, "preferences", rc);
	return LEND_OK;
}

LEND_EXTERN int lend_prefs_save(lend_engine *e, const lend_actor *a, int64_t reader_id, const lend_prefs *p)
{
	LEND_ENTER(e);
	if (!p)
		return lend__fail(e, LEND_EINVAL, "preferences are NULL");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int rc = lend__shelf_owner(e, a, reader_id, 0);
	lend_sys_prefs row = {reader_id, p->lang, p->channel, p->email ? p->email : "", p->phone ? p->phone : "",
	                      p->muted};
	if (rc == LEND_OK && (rc = ST(e, prefs_put, &row)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "preferences");
	return lend__end(e, rc);
}

LEND_EXTERN int lend_prefs_get(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_prefs **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_prefs *p = NULL;
	if (lend_prefs_new(&p) != LEND_OK)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, reader_id, 1);
	if (rc == LEND_OK)
		rc = lend__shelf_prefs_load(e, reader_id, p);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_prefs_free(p);
		return rc;
	}
	*out = p;
	return LEND_OK;
}

