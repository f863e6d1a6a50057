/* lib/search/match.c — one candidate against the query: match and score. */
#include "search.h"

/* Does word [w, w+n) match query word q (as a prefix when prefix)? 2 when
 * equal, 1 when q only starts it, 0 when not. */
static int word_match(const char *w, size_t n, const char *q, int prefix)
{
	size_t m = strlen(q);
	if (m > n || memcmp(w, q, m) != 0)
		return 0;
	if (m == n)
		return 2;
	return prefix ? 1 : 0;
}

int64_t lend__search_score(const char *keys, int64_t rank, const char *const *words, int nwords, int prefix)
{
	if (nwords <= 0)
		return -1;
	unsigned int seen = 0; /* bit i: words[i] (not the last) found */
	int best = 0, tier = 0;
	const char *p = keys;
	while (*p) {
		char tag = *p;
		p += 2;
		int pos = 0, line_ok = tag == 'T' || tag == 'A';
		int line_exact = 1; /* so far the line matches the query word by word exactly */
		while (*p && *p != '\n') {
			const char *w = p;
			while (*p && *p != ' ' && *p != '\n')
				p++;
			size_t n = (size_t)(p - w);
			for (int i = 0; i < nwords - 1 && i < 32; i++)
				if (!(seen & (1u << i)) && word_match(w, n, words[i], 0))
					seen |= 1u << i;
			int m = word_match(w, n, words[nwords - 1], prefix);
			if (m) {
				int cls = tag == 'T' ? (pos == 0 ? LEND_SEARCH_CLASS_TITLE_FIRST : LEND_SEARCH_CLASS_TITLE)
				          : tag == 'A' ? LEND_SEARCH_CLASS_AUTHOR
				                       : LEND_SEARCH_CLASS_OTHER;
				if (cls > best)
					best = cls;
			}
			if (line_ok && pos < nwords) {
				int lm = word_match(w, n, words[pos], pos == nwords - 1 ? prefix : 0);
				if (!lm)
					line_ok = 0;
				else if (lm == 1)
					line_exact = 0;
				if (line_ok && pos == nwords - 1) {
					int t = line_exact ? LEND_SEARCH_TIER_START : LEND_SEARCH_TIER_START;
					if (t > tier)
						tier = t;
				}
			} else if (line_ok && pos >= nwords) {
				line_exact = 0;
			}
			pos++;
			if (*p == ' ')
				p++;
		}
		if (line_ok && line_exact && pos == nwords)
			tier = LEND_SEARCH_TIER_EXACT;
		if (*p == '\n')
			p++;
	}
	int need = nwords - 1 < 32 ? nwords - 1 : 32;
	for (int i = 0; i < need; i++)
		if (!(seen & (1u << i)))
			return -1;
	if (!best)
		return -1;
	return LEND_SEARCH_TIER(tier) + LEND_SEARCH_SCORE(best, rank);
}
