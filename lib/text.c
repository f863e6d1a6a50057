/* text.c — validation of text that comes in, and calendar arithmetic. */
#include <utf8proc.h>

#include "internal.h"

int lend__text_ok(const char *s, size_t maxlen, int required)
{
	if (!s)
		return required ? LEND_EINVAL : LEND_OK;
	size_t len = strlen(s);
	if (len > maxlen || (required && len == 0))
		return LEND_EINVAL;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n <= 0 || cp < 0)
			return LEND_EINVAL;
		if (cp < 0x20 || cp == 0x7f)
			return LEND_EINVAL; /* control characters have no place in names */
		p += n;
		left -= n;
	}
	return LEND_OK;
}

char *lend__strdup(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

int lend__currency_ok(const char *code)
{
	if (!code || strlen(code) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return 0;
	return 1;
}

/* Howard Hinnant's civil-from-days, for UTC dates without timegm(). */
static void civil(int64_t days, int *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t floor_days(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int lend__ymd(int64_t t)
{
	int y, m, d;
	civil(floor_days(t), &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

int64_t lend__month_start(int64_t t)
{
	int y, m, d;
	civil(floor_days(t), &y, &m, &d);
	return days_from_civil(y, m, 1) * 86400;
}
