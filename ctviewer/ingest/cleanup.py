"""Cleanup of extracted text: the broken lines, hyphens and page furniture of PDFs.

Rules, each chosen so that well-formed text passes through unchanged:

* characters: ligatures and soft hyphens resolved, non-breaking and odd spaces made plain,
  line endings unified, runs of spaces collapsed;
* page furniture: bare page numbers ("12", "Page 3 of 10", "- 4 -") and lines repeated at
  the top or bottom of many pages (running headers/footers) are dropped;
* hard wraps: inside a block of consecutive lines, a line that fills most of the block's
  width and does not end a sentence is joined to the next one. Short lines (headings,
  salutations, addresses) and list items keep their breaks;
* hyphenation: "implemen-" + "tation" becomes "implementation", while "Counter-" +
  "Terrorism" keeps its hyphen (capitalised continuation, a known compound prefix, or the
  hyphenated form used elsewhere in the document).

The original text is stored beside the clean text, so no rule can lose anything.
"""

from __future__ import annotations

import re
from collections import Counter

from ctviewer.domain import PageSpan

_CHAR_MAP = str.maketrans({
    "\u00ad": "", "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ",
    "\u200a": " ", "\u2002": " ", "\u2003": " ", "\u3000": " ", "\t": " ", "\u200b": "", "\ufeff": "",
    "\u2028": "\n", "\u2029": "\n\n", "\x0b": "\n",
})
_SPACES = re.compile(r" {2,}")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$", re.IGNORECASE)
_EXPLICIT_PAGE = re.compile(r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—])$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^(?:[•●▪◦‣∙·*–—-]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s|\(?[ivx]{1,5}[.)]\s)")
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’»)]*$")
_HYPHEN_END = re.compile(r"(\w+)-$")
_FIRST_WORD = re.compile(r"^(\w+)")
_COMPOUND_PREFIXES = frozenset({
    "counter", "anti", "non", "self", "co", "cross", "multi", "well", "high", "long", "short", "post", "pre",
    "inter", "intra", "ex", "vice", "under", "over", "socio", "euro", "sub", "semi", "pan", "mid", "full",
    "low", "large", "small", "state", "cyber", "law", "decision", "policy", "follow", "so", "time",
})
_HEADER_ZONE = 3


def normalise_chars(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHAR_MAP)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def clean_text(text: str) -> str:
    """Clean one text without page boundaries (form feeds, if any, are page breaks)."""
    if "\f" in text:
        return clean_pages(text.split("\f"))[0]
    return clean_pages([text], drop_bare_numbers=False)[0]


def clean_pages(pages: list[str], *, drop_bare_numbers: bool = True) -> tuple[str, tuple[PageSpan, ...]]:
    """Clean the pages of a document and join them; the spans say which page each part came from."""
    page_lines = [normalise_chars(page).split("\n") for page in pages]
    furniture = _repeated_furniture(page_lines) if len(pages) >= 3 else set()
    vocabulary = _vocabulary("\n".join("\n".join(lines) for lines in page_lines))
    cleaned: list[str] = []
    for lines in page_lines:
        kept = [line for i, line in enumerate(lines)
                if not _is_furniture(line, i, len(lines), furniture, drop_bare_numbers)]
        cleaned.append(rewrap(kept, vocabulary))
    spans: list[PageSpan] = []
    parts: list[str] = []
    offset = 0
    for number, page in enumerate(cleaned, 1):
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(page)
        spans.append(PageSpan(number, offset, offset + len(page)))
        offset += len(page)
    return "".join(parts), tuple(spans)


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def _repeated_furniture(page_lines: list[list[str]]) -> set[str]:
    """Lines found in the top or bottom zone of at least half the pages (digits ignored)."""
    counts: Counter[str] = Counter()
    for lines in page_lines:
        content = [line for line in lines if line]
        size = min(_HEADER_ZONE, max(1, len(content) // 3))  # never most of a short page
        zone = content[:size] + content[-size:]
        counts.update({_furniture_key(line) for line in zone if len(line) < 80})
    # 40%: running heads often alternate between even and odd pages.
    threshold = max(3, int(len(page_lines) * 0.4 + 0.5))
    return {key for key, n in counts.items() if n >= threshold and key.strip("#- ")}


def _is_furniture(line: str, index: int, count: int, furniture: set[str], drop_bare_numbers: bool) -> bool:
    if not line:
        return False
    if _EXPLICIT_PAGE.match(line):
        return True
    in_zone = index < _HEADER_ZONE + 2 or index >= count - _HEADER_ZONE - 2
    if drop_bare_numbers and in_zone and _PAGE_NUMBER.match(line):
        return True
    return bool(furniture) and in_zone and _furniture_key(line) in furniture


def _vocabulary(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+(?:-\w+)*", text)}


def rewrap(lines: list[str], vocabulary: set[str] | None = None) -> str:
    """Join hard-wrapped lines into paragraphs, block by block (blocks end at blank lines)."""
    vocabulary = vocabulary if vocabulary is not None else _vocabulary("\n".join(lines))
    out: list[str] = []
    block: list[str] = []
    blank_run = 0
    for line in [*lines, ""]:
        if line:
            if blank_run and out:
                out.append("")
            blank_run = 0
            block.append(line)
            continue
        if block:
            out.extend(_rewrap_block(block, vocabulary))
            block = []
        blank_run += 1
    return "\n".join(out).strip("\n")


def _rewrap_block(block: list[str], vocabulary: set[str]) -> list[str]:
    if len(block) == 1:
        return block
    # The wrap width: a high percentile, not the maximum, so one long line (a URL, a
    # footnote) does not make every other line look short.
    lengths = sorted(len(line) for line in block)
    width = lengths[int(0.8 * (len(lengths) - 1))]
    result = [block[0]]
    physical = block[0]  # the last physical line appended: its shape decides the next join
    for line in block[1:]:
        if _should_join(physical, line, width):
            result[-1] = _join(result[-1], line, vocabulary)
        else:
            result.append(line)
        physical = line
    return result


def _should_join(previous: str, line: str, width: int) -> bool:
    if _LIST_ITEM.match(line):
        return False
    if _HYPHEN_END.search(previous) and line[:1].isalpha():
        return True
    if _SENTENCE_END.search(previous):
        return False
    if len(previous) < 0.6 * width:
        return False
    # Short comma-ended lines followed by a capital are salutations ("Excellencies," /
    # "Ladies and gentlemen,"), not wrapped sentences.
    return not (previous.endswith(",") and len(previous) < 30 and len(line) < 30 and line[:1].isupper())


def _join(previous: str, line: str, vocabulary: set[str]) -> str:
    match = _HYPHEN_END.search(previous)
    if match and line[:1].isalpha():
        fragment = match.group(1)
        following = _FIRST_WORD.match(line)
        rest = following.group(1) if following else ""
        if _keep_hyphen(fragment, rest, vocabulary):
            return previous + line
        return previous[:-1] + line
    return previous + " " + line


def _keep_hyphen(fragment: str, rest: str, vocabulary: set[str]) -> bool:
    joined, hyphenated = (fragment + rest).lower(), (fragment + "-" + rest).lower()
    if rest[:1].isupper() or fragment.isdigit() or rest[:1].isdigit():
        return True
    if hyphenated in vocabulary and joined not in vocabulary:
        return True
    if joined in vocabulary:
        return False
    return fragment.lower() in _COMPOUND_PREFIXES
