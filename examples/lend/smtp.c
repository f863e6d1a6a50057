/* smtp.c — sending one message at a time through libcurl's SMTP client.
 *
 * One curl handle serves every message of a run, so the connection (and its
 * TLS session) is reused; a dropped connection is opened again by curl. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"

struct smtp {
	CURL *curl;
	/* the message being uploaded */
	const char *msg;
	size_t len, off;
	char curl_err[CURL_ERROR_SIZE];
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	struct smtp *s = ud;
	size_t room = size * nitems, left = s->len - s->off;
	size_t n = left < room ? left : room;
	memcpy(buf, s->msg + s->off, n);
	s->off += n;
	return n;
}

int smtp_new(const struct smtp_conf *conf, struct smtp **out, char *err, size_t errlen)
{
	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl could not start");
		return -1;
	}
	struct smtp *s = calloc(1, sizeof *s);
	if (!s || !(s->curl = curl_easy_init())) {
		free(s);
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	CURL *h = s->curl;
	curl_easy_setopt(h, CURLOPT_URL, conf->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->curl_err);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, s);
	curl_easy_setopt(h, CURLOPT_CRLF, 1L); /* the message is written with LF line ends */
	if (conf->starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (conf->user && *conf->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, conf->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, conf->password ? conf->password : "");
	}
	if (conf->cainfo && *conf->cainfo)
		curl_easy_setopt(h, CURLOPT_CAINFO, conf->cainfo);
	char from[600];
	snprintf(from, sizeof from, "<%s>", conf->from);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from); /* libcurl copies string options */
	*out = s;
	return 0;
}

int smtp_send(struct smtp *s, const char *rcpt, const char *msg, size_t len, char *err, size_t errlen)
{
	char to[600];
	snprintf(to, sizeof to, "<%s>", rcpt);
	struct curl_slist *list = curl_slist_append(NULL, to);
	if (!list) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->msg = msg;
	s->len = len;
	s->off = 0;
	s->curl_err[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	CURLcode rc = curl_easy_perform(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(list);
	if (rc == CURLE_OK)
		return 0;
	long code = 0;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	const char *why = s->curl_err[0] ? s->curl_err : curl_easy_strerror(rc);
	if (code >= 400)
		snprintf(err, errlen, "smtp: the server answered %ld: %s", code, why);
	else
		snprintf(err, errlen, "smtp: %s", why);
	return -1;
}

void smtp_free(struct smtp *s)
{
	if (!s)
		return;
	curl_easy_cleanup(s->curl);
	free(s);
	curl_global_cleanup();
}
