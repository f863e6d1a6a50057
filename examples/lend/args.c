/* args.c — command arguments: options, ids, money, dates, kinds, settings. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_POS 256
static char *positional[MAX_POS];

int args_parse(struct cli *c, int argc, char **argv, struct opt *opts, int nopts, char ***pos, int *npos,
               int min_pos, int max_pos)
{
	int n = 0, dashdash = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (dashdash || a[0] != '-' || a[1] == '\0' || (a[1] != '-' && a[1] != 'h')) {
			if (n == MAX_POS)
				return cli_usage_error(c, "too many arguments");
			positional[n++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_print_help(stdout, c->cmd);
			return EXIT_OK;
		}
		if (a[1] != '-')
			return cli_usage_error(c, "unknown option '%s'", a);
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		struct opt *o = NULL;
		for (int k = 0; k < nopts && !o; k++)
			if (opts[k].name && strlen(opts[k].name) == len && strncmp(opts[k].name, a, len) == 0)
				o = &opts[k];
		if (!o)
			return cli_usage_error(c, "unknown option '%.*s'", (int)len, a);
		const char *value = NULL;
		if (o->takes_value) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return cli_usage_error(c, "option '%s' needs a value", o->name);
		} else if (eq) {
			return cli_usage_error(c, "option '%s' takes no value", o->name);
		}
		if (o->seen && !o->multi && o->takes_value)
			return cli_usage_error(c, "option '%s' given twice", o->name);
		if (o->multi) {
			if (o->seen == OPT_MAX_VALUES)
				return cli_usage_error(c, "option '%s' given more than %d times", o->name, OPT_MAX_VALUES);
			o->values[o->seen] = value;
		}
		o->seen++;
		o->value = value;
	}
	if (n < min_pos)
		return cli_usage_error(c, n == 0 ? "missing arguments" : "too few arguments");
	if (max_pos >= 0 && n > max_pos)
		return cli_usage_error(c, "unexpected argument '%s'", positional[max_pos]);
	*pos = positional;
	*npos = n;
	return CLI_GO;
}

int arg_int(const struct cli *c, const char *what, const char *text, long long min, long long max, long long *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return cli_usage_error(c, "%s '%s': expected a whole number from %lld to %lld", what, text, min, max);
	*out = v;
	return 0;
}

int arg_id(const struct cli *c, const char *what, const char *text, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v <= 0)
		return cli_usage_error(c, "%s '%s' is not an id (a positive number)", what, text);
	*out = v;
	return 0;
}

/* "1500", "1500.5", "1500.00", "1 500,00": major units with at most two decimals. */
int arg_money(const struct cli *c, const char *what, const char *text, int64_t *out)
{
	const char *p = text;
	int64_t major = 0;
	int digits = 0, cents = 0, decimals = 0;
	if (*p == '+')
		p++;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (major > (INT64_MAX / 100 - 9) / 10)
				return cli_usage_error(c, "%s '%s': the amount is too large", what, text);
			major = major * 10 + (*p - '0');
			digits++;
		} else if (*p == ' ' || *p == '_') {
			continue;
		} else {
			break;
		}
	}
	if (*p == '.' || *p == ',') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (decimals == 2)
				return cli_usage_error(c, "%s '%s': at most two decimals", what, text);
			cents = cents * 10 + (*p - '0');
			decimals++;
		}
		if (decimals == 1)
			cents *= 10;
	}
	if (*p || digits == 0)
		return cli_usage_error(c, "%s '%s': expected an amount such as 399.00", what, text);
	*out = major * 100 + cents;
	return 0;
}

int arg_kind(const struct cli *c, const char *text, int *out, int allow_any)
{
	if (strcmp(text, "ebook") == 0)
		*out = LEND_KIND_EBOOK;
	else if (strcmp(text, "audiobook") == 0 || strcmp(text, "audio") == 0)
		*out = LEND_KIND_AUDIOBOOK;
	else if (allow_any && (strcmp(text, "any") == 0 || strcmp(text, "all") == 0))
		*out = LEND_KIND_ANY;
	else
		return cli_usage_error(c, "--kind '%s': expected ebook or audiobook%s", text, allow_any ? " (or any)" : "");
	return 0;
}

static int valid_ymd(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

int arg_date(const struct cli *c, const char *what, const char *text, int *y, int *m, int *d)
{
	int n = 0;
	if (sscanf(text, "%4d-%2d-%2d%n", y, m, d, &n) != 3 || text[n] || !valid_ymd(*y, *m, *d))
		return cli_usage_error(c, "%s '%s': expected a date YYYY-MM-DD", what, text);
	return 0;
}

int arg_time(const struct cli *c, const char *what, const char *text, int64_t *out)
{
	if (text[0] == '@') {
		char *end = NULL;
		errno = 0;
		long long v = strtoll(text + 1, &end, 10);
		if (errno || end == text + 1 || *end || v < 0)
			return cli_usage_error(c, "%s '%s': expected @UNIX_SECONDS", what, text);
		*out = v;
		return 0;
	}
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, n = 0;
	int got = sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n);
	if (got == 3 && (text[n] == ' ' || text[n] == 'T')) {
		int n2 = 0;
		if (sscanf(text + n + 1, "%2d:%2d%n", &h, &mi, &n2) != 2)
			got = 0;
		n += 1 + n2;
	}
	int utc = text[n] && (strcmp(text + n, "Z") == 0 || strcmp(text + n, " UTC") == 0);
	if (got != 3 || (text[n] && !utc) || !valid_ymd(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59)
		return cli_usage_error(c,
		                       "%s '%s': expected YYYY-MM-DD or \"YYYY-MM-DD HH:MM\" (local time; Z or UTC at the end "
		                       "for UTC) or @UNIX_SECONDS",
		                       what, text);
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1; /* the zone's rules decide */
	*out = (int64_t)(utc ? timegm(&tm) : mktime(&tm));
	return 0;
}

/* ----------------------------------------------------------- settings */

const struct setting_name setting_names[] = {
	{"loan-days", LEND_SETTING_LOAN_DAYS, 0, "days a loan lasts before it ends by itself"},
	{"self-service-limit", LEND_SETTING_SELF_SERVICE_LIMIT, 0, "books a reader may take on his own at once"},
	{"max-loans", LEND_SETTING_MAX_LOANS, 0, "books on loan at once, however obtained"},
	{"max-self-price", LEND_SETTING_MAX_SELF_PRICE, 1, "the most the library pays for a book a reader takes"},
	{"max-requests", LEND_SETTING_MAX_REQUESTS, 0, "requests to the librarian open at once"},
	{"monthly-quota", LEND_SETTING_MONTHLY_QUOTA, 0, "books a reader may obtain per calendar month"},
	{"max-copies", LEND_SETTING_MAX_COPIES, 0, "copies of one title the library buys at most"},
	{"renewals", LEND_SETTING_RENEWALS, 0, "whether a loan may be extended (0 off, 1 on)"},
	{"reminder-days", LEND_SETTING_REMINDER_DAYS, 0, "days before its end a loan is recalled to the reader"},
	{"handoff-mode", LEND_SETTING_HANDOFF_MODE, 0, "a freed copy: 0 issued at once, 1 reserved to confirm"},
	{"reserve-days", LEND_SETTING_RESERVE_DAYS, 0, "days a reserved copy waits for its reader"},
};
const int setting_count = (int)(sizeof setting_names / sizeof setting_names[0]);

const struct setting_name *setting_by_name(const char *name)
{
	for (int i = 0; i < setting_count; i++)
		if (strcmp(setting_names[i].name, name) == 0)
			return &setting_names[i];
	return NULL;
}

const struct setting_name *setting_by_id(int setting)
{
	for (int i = 0; i < setting_count; i++)
		if (setting_names[i].setting == setting)
			return &setting_names[i];
	return NULL;
}

int arg_setting_value(const struct cli *c, const struct setting_name *s, const char *text, int64_t *value,
                      int *clear)
{
	*clear = 0;
	if (strcmp(text, "default") == 0) {
		*clear = 1;
		*value = 0;
		return 0;
	}
	if (strcmp(text, "unlimited") == 0 || strcmp(text, "-1") == 0) {
		*value = LEND_UNLIMITED;
		return 0;
	}
	if (s->setting == LEND_SETTING_RENEWALS && (strcmp(text, "on") == 0 || strcmp(text, "off") == 0)) {
		*value = text[1] == 'n';
		return 0;
	}
	if (s->money)
		return arg_money(c, s->name, text, value);
	long long v = 0;
	if (arg_int(c, s->name, text, 0, INT64_MAX / 4, &v))
		return EXIT_USAGE;
	*value = v;
	return 0;
}
