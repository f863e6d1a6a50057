/* lib/search/fold.c — the one place where text becomes search keys.
 *
 * Every backend indexes and every query is looked up through lend__fold(), so
 * both sides always agree. Steps (doc/search.md tells why):
 *  1. utf8proc: NFKC and Unicode case folding;
 *  2. optionally the keyboard layout swap (a query typed with the wrong layout
 *     on): ЙЦУКЕН <-> QWERTY, key by key, punctuation keys included;
 *  3. NFKD and marks stripped: accents go (é -> e, ё -> е, й -> и);
 *  4. words: runs of letters and digits; everything else separates;
 *  5. each word is written in the "skeleton" alphabet: Cyrillic is
 *     transliterated to Latin (е and ё after a vowel or a soft sign as
 *     "ie"), then spellings that transliteration systems disagree on are
 *     merged (y, j -> i; w -> v; c -> k but in "ch"; kh -> h; a doubled
 *     letter -> one). So Толстой, Tolstoy, Tolstoi and Tolstoj all become
 *     "tolstoi", Достоевский and Dostoyevsky "dostoievski".
 */
#include <utf8proc.h>

#include "search.h"

/* The same physical key in the Russian (ЙЦУКЕН) and the US layouts. */
static const struct {
	char en;
	utf8proc_int32_t ru;
} layout[] = {
	{'q', 0x439}, {'w', 0x446}, {'e', 0x443}, {'r', 0x43a}, {'t', 0x435}, {'y', 0x43d}, {'u', 0x433},
	{'i', 0x448}, {'o', 0x449}, {'p', 0x437}, {'[', 0x445}, {']', 0x44a}, {'a', 0x444}, {'s', 0x44b},
	{'d', 0x432}, {'f', 0x430}, {'g', 0x43f}, {'h', 0x440}, {'j', 0x43e}, {'k', 0x43b}, {'l', 0x434},
	{';', 0x436}, {'\'', 0x44d}, {'z', 0x44f}, {'x', 0x447}, {'c', 0x441}, {'v', 0x43c}, {'b', 0x438},
	{'n', 0x442}, {'m', 0x44c}, {',', 0x431}, {'.', 0x44e}, {'`', 0x451},
};
#define LAYOUT_N (sizeof layout / sizeof layout[0])

/* Latin for the Cyrillic letters а..я (0x430..0x44f), before the skeleton. */
static const char *const cyr[32] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
	"r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "shch", "", "i", "", "e", "iu", "ia",
};

static int is_cyrillic(utf8proc_int32_t c)
{
	return (c >= 0x400 && c <= 0x4ff);
}

static int is_latin(utf8proc_int32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0x24f);
}

int lend__fold_scripts(const char *text)
{
	int m = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(text);
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
		if (n <= 0)
			break;
		if (is_latin(c))
			m |= LEND_FOLD_LATIN;
		else if (is_cyrillic(c))
			m |= LEND_FOLD_CYRILLIC;
		p += n;
		left -= n;
	}
	return m;
}

static utf8proc_int32_t swap_key(utf8proc_int32_t c, int swap)
{
	for (size_t i = 0; i < LAYOUT_N; i++) {
		if (swap == LEND_FOLD_TO_CYRILLIC && c == (utf8proc_int32_t)(unsigned char)layout[i].en)
			return layout[i].ru;
		if (swap == LEND_FOLD_TO_LATIN && c == layout[i].ru)
			return (unsigned char)layout[i].en;
	}
	return c;
}

/* A growable byte buffer. */
typedef struct buf {
	char *p;
	size_t n, cap;
	int oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Rewrite the ASCII letters of a word [w, w+n) into the skeleton in place;
 * returns the new length. Other bytes (other scripts) are kept as they are.
 * Every rule maps a prefix of a word to a prefix of its skeleton, but for
 * one keystroke in "kh" and "ch", so suggestions follow the typing. */
static size_t skeleton(char *w, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (c == 'y' || c == 'j')
			c = 'i';
		else if (c == 'w')
			c = 'v';
		else if (c == 'c' && !(i + 1 < n && w[i + 1] == 'h'))
			c = 'k'; /* c as in Dracula: к */
		else if (c == 'h' && o > 0 && w[o - 1] == 'k')
			o--; /* kh -> h */
		if (o > 0 && w[o - 1] == c && (unsigned char)c < 0x80)
			continue; /* a doubled letter */
		w[o++] = c;
	}
	return o;
}

/* Cyrillic letters after which е and ё sound "ye". */
static int cyr_soft(utf8proc_int32_t c)
{
	switch (c) {
	case 0x430: case 0x435: case 0x451: case 0x438: case 0x43e: case 0x443: case 0x44b: case 0x44d:
	case 0x44e: case 0x44f: case 0x44c: case 0x44a: case 0x439:
		return 1;
	default:
		return 0;
	}
}

static int is_word_char(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Latin letters that NFKD does not take apart. */
static const char *latin_extra(utf8proc_int32_t c)
{
	switch (c) {
	case 0xe6: return "ae";  /* æ */
	case 0x153: return "oe"; /* œ */
	case 0xf8: return "o";   /* ø */
	case 0x111: return "d";  /* đ */
	case 0x142: return "l";  /* ł */
	case 0xf0: return "d";   /* ð */
	case 0xfe: return "th";  /* þ */
	case 0x131: return "i";  /* ı */
	default: return NULL;
	}
}

/* NFKC, case folding, NFKD and marks stripped: for ASCII text, only the
 * case folding changes anything (ASCII has no decompositions). */
static utf8proc_ssize_t ascii_fold(const char *text, utf8proc_uint8_t **out)
{
	size_t n = 0;
	for (; text[n]; n++)
		if ((unsigned char)text[n] >= 0x80)
			return -2; /* not ASCII */
	utf8proc_uint8_t *d = malloc(n + 1);
	if (!d)
		return UTF8PROC_ERROR_NOMEM;
	for (size_t i = 0; i <= n; i++)
		d[i] = (utf8proc_uint8_t)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] - 'A' + 'a' : text[i]);
	*out = d;
	return (utf8proc_ssize_t)n;
}

static utf8proc_ssize_t unicode_fold(const char *text, int swap, utf8proc_uint8_t **out);
static char *words_of(utf8proc_uint8_t *d, utf8proc_ssize_t nd);

char *lend__fold(const char *text, int swap)
{
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t nd = swap ? -2 : ascii_fold(text, &d);
	if (nd == -2)
		nd = unicode_fold(text, swap, &d);
	if (nd == -3)
		return NULL;
	if (nd < 0)
		return nd == UTF8PROC_ERROR_NOMEM ? NULL : lend__strdup("");
	return words_of(d, nd);
}

/* The folding through utf8proc (and the layout swap); -3 when memory ran
 * out in the swap. */
static utf8proc_ssize_t unicode_fold(const char *text, int swap, utf8proc_uint8_t **out)
{
	utf8proc_uint8_t *a = NULL;
	utf8proc_ssize_t na = utf8proc_map((const utf8proc_uint8_t *)text, 0, &a,
	                                   UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	                                       UTF8PROC_CASEFOLD);
	if (na < 0)
		return na;
	if (swap) {
		/* Swap key by key, then re-encode. */
		buf s = {0};
		utf8proc_int32_t c;
		for (utf8proc_ssize_t i = 0; i < na;) {
			utf8proc_ssize_t n = utf8proc_iterate(a + i, na - i, &c);
			if (n <= 0)
				break;
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t m = utf8proc_encode_char(swap_key(c, swap), enc);
			put(&s, (const char *)enc, (size_t)m);
			i += n;
		}
		free(a);
		if (s.oom || !s.p) {
			free(s.p);
			return s.oom ? -3 : UTF8PROC_ERROR_INVALIDUTF8;
		}
		a = (utf8proc_uint8_t *)s.p;
	}
	utf8proc_ssize_t nd = utf8proc_map(a, 0, out,
	                                   UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
	                                       UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	free(a);
	return nd;
}

/* The words of the folded text d (nd bytes; freed here), transliterated
 * to the skeleton, separated by single spaces. */
static char *words_of(utf8proc_uint8_t *d, utf8proc_ssize_t nd)
{
	buf o = {0};
	put(&o, "", 0);
	size_t word = 0; /* where the current word starts in o, or (size_t)-1 */
	int in_word = 0;
	utf8proc_int32_t c, prev = 0;
	for (utf8proc_ssize_t i = 0; i <= nd;) {
		utf8proc_ssize_t n = 1;
		int wc = 0;
		if (i < nd) {
			n = utf8proc_iterate(d + i, nd - i, &c);
			if (n <= 0) {
				n = 1;
				c = ' ';
			}
			wc = is_word_char(c);
		}
		if (wc) {
			if (!in_word) {
				if (o.n > 0)
					put(&o, " ", 1);
				word = o.n;
				in_word = 1;
			}
			const char *x = NULL;
			if ((c == 0x435 || c == 0x451) && cyr_soft(prev))
				x = "ie"; /* Достоевский: Dostoyevsky */
			else if (c >= 0x430 && c <= 0x44f)
				x = cyr[c - 0x430];
			else if (c == 0x451 || c == 0x454)
				x = "e"; /* ё, є */
			else if (c == 0x456 || c == 0x457)
				x = "i"; /* і, ї */
			else if (c == 0x491)
				x = "g"; /* ґ */
			else if (c == 0x45e)
				x = "u"; /* ў */
			else
				x = latin_extra(c);
			if (x) {
				put(&o, x, strlen(x));
			} else {
				utf8proc_uint8_t enc[4];
				utf8proc_ssize_t m = utf8proc_encode_char(c, enc);
				put(&o, (const char *)enc, (size_t)m);
			}
		} else if (in_word) {
			in_word = 0;
			if (!o.oom) {
				size_t len = skeleton(o.p + word, o.n - word);
				o.n = word + len;
				if (len == 0 && o.n > 0)
					o.n--; /* the word vanished (ь alone): drop its space */
				o.p[o.n] = '\0';
			}
		}
		prev = wc ? c : 0;
		i += n;
	}
	free(d);
	if (o.oom) {
		free(o.p);
		return NULL;
	}
	return o.p;
}
