"""How residents type an item: its characters, its pinyin, its pinyin initials.

Each term (the name and each common name) gives the suffixes of three spellings, starting at
each character: 最低生活保障 gives 最低生活保障, 低生活保障 …, zuidishenghuobaozhang,
dishenghuobaozhang …, zdshbz, dshbz …. A query matches an item when some key starts with it,
which is a substring match on a character boundary, answered by one range scan of an index.
"""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

from meihao.catalogue.models import SearchKey

KEY_MAX = SearchKey._meta.get_field("key").max_length
QUERY_MAX = 30
# What is kept of a term or a query: letters (Chinese or Latin) and digits, lower-cased.
_DROPPED = re.compile(r"[^\w]|_", re.UNICODE)


def normalise(text: str) -> str:
    """Full-width folded, lower-cased, without spaces and punctuation: "Di Bao" → "dibao"."""
    return _DROPPED.sub("", unicodedata.normalize("NFKC", text or "").lower())


def _syllables(term: str) -> list[str]:
    """A syllable per Chinese character; a run of other letters or digits stays one piece."""
    return [normalise(s) for s in lazy_pinyin(term, style=Style.NORMAL) if normalise(s)]


def keys_for(terms) -> dict[str, bool]:
    """Every key of the terms → whether it starts a whole term (a query matching the start of
    the name or of a common name ranks above one matching inside a word)."""
    keys: dict[str, bool] = {}
    for raw in terms:
        term = normalise(raw)
        if not term:
            continue
        syllables = _syllables(term)
        spellings = (
            [term[i:] for i in range(len(term))],
            ["".join(syllables[i:]) for i in range(len(syllables))],
            ["".join(s[0] for s in syllables[i:]) for i in range(len(syllables))],
        )
        for suffixes in spellings:
            for position, suffix in enumerate(suffixes):
                if suffix:
                    key = suffix[:KEY_MAX]
                    keys[key] = keys.get(key, False) or position == 0
    return keys


def query_key(query: str) -> str:
    """The key a query looks for: normalised, at most QUERY_MAX long, "" for nothing to find."""
    return normalise(query)[:QUERY_MAX]
