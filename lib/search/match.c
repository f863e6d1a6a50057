/* lib/search/match.c — one candidate against the query: match and score. */
#include "search.h"

#define LINE_WORDS 128

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

/* The tier of one line: EXACT when its words are the query's, START when
 * the query's words are its words from the first on (for a name, from any
 * of its words: "bulgakov" starts "mihail bulgakov" as well), else 0. */
static int line_tier(char tag, const char *const *lw, const size_t *ln, int nl, const char *const *words,
                     int nwords, int prefix)
{
	if ((tag != 'T' && tag != 'A') || nl < nwords)
		return 0; /* (a line shorter than the query cannot hold it: and lw has only nl words) */
	int tier = 0;
	int last_start = tag == 'T' ? 0 : nl - nwords;
	for (int s = 0; s <= last_start; s++) {
		int ok = 1, exact = 1;
		for (int i = 0; i < nwords && ok; i++) {
			int m = word_match(lw[s + i], ln[s + i], words[i], i == nwords - 1 ? prefix : 0);
			ok = m != 0;
			exact = exact && m == 2;
		}
		if (!ok)
			continue;
		if (s == 0 && exact && nl == nwords)
			return LEND_SEARCH_TIER_EXACT;
		tier = LEND_SEARCH_TIER_START;
	}
	return tier;
}

static int word_class(char tag, int pos)
{
	if (tag == 'T')
		return pos == 0 ? LEND_SEARCH_CLASS_TITLE_FIRST : LEND_SEARCH_CLASS_TITLE;
	return tag == 'A' ? LEND_SEARCH_CLASS_AUTHOR : LEND_SEARCH_CLASS_OTHER;
}

int64_t lend__search_score(const char *keys, int64_t rank, const char *const *words, int nwords, int prefix)
{
	if (nwords <= 0 || nwords > 32)
		return -1;
	unsigned int seen = 0; /* bit i: words[i] (not the last) found */
	int best = 0, tier = 0;
	const char *p = keys;
	while (*p) {
		char tag = *p;
		p += *(p + 1) ? 2 : 1;
		const char *lw[LINE_WORDS];
		size_t ln[LINE_WORDS];
		int nl = 0;
		while (*p && *p != '\n') {
			const char *w = p;
			while (*p && *p != ' ' && *p != '\n')
				p++;
			size_t n = (size_t)(p - w);
			for (int i = 0; i < nwords - 1; i++)
				if (!(seen & (1u << i)) && word_match(w, n, words[i], 0))
					seen |= 1u << i;
			if (word_match(w, n, words[nwords - 1], prefix)) {
				int cls = word_class(tag, nl);
				if (cls > best)
					best = cls;
			}
			if (nl < LINE_WORDS) {
				lw[nl] = w;
				ln[nl] = n;
				nl++;
			}
			if (*p == ' ')
				p++;
		}
		int t = line_tier(tag, lw, ln, nl, words, nwords, prefix);
		if (t > tier)
			tier = t;
		if (*p == '\n')
			p++;
	}
	if (seen != (1u << (nwords - 1)) - 1 || !best)
		return -1;
	return LEND_SEARCH_TIER(tier) + LEND_SEARCH_SCORE(best, rank);
}
