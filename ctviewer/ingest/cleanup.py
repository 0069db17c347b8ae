"""Cleanup of extracted text: the broken lines, hyphens and page furniture of PDFs.

Rules, each chosen so that well-formed text passes through unchanged:

* characters: ligatures and soft hyphens resolved, non-breaking and odd spaces made plain,
  control characters dropped, line endings unified, runs of spaces collapsed;
* page furniture: bare page numbers ("12", "Page 3 of 10", "- 4 -") at the top or bottom of a
  page and lines repeated at the top or bottom of many pages (running headers/footers) are
  dropped; in PDFs also the UN job-number and barcode lines ("25-00800 (E) 070225", "*2500800*");
* hard wraps: inside a block of consecutive lines, a line that does not end a paragraph is
  joined to the next one. PDFs written by Word keep a trailing space on every wrapped line
  and none at a paragraph's end; pdfium passes that space through, so when a document shows
  that pattern it decides. Otherwise shape decides: a line that fills most of the block's
  width and does not end a sentence is joined, and in plain text files only when the next
  line or the line's last word says the sentence goes on (so a list of short titles or
  one-line paragraphs is never glued together). Short lines (headings, salutations,
  addresses) and list items keep their breaks;
* hyphenation: "implemen-" + "tation" becomes "implementation", while "Counter-" +
  "Terrorism" keeps its hyphen (capitalised continuation, a known compound, the hyphenated
  form used elsewhere in the document, or a document whose line-end hyphens are mostly
  real compounds, as in UN documents, which are not auto-hyphenated).

The original text is stored beside the clean text, so no rule can lose anything.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from ctviewer.domain.documents import PageSpan

_CHAR_MAP: dict[int, str | None] = {
    ord(k): v
    for k, v in {
        "\u00ad": "",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2004": " ",
        "\u2005": " ",
        "\u2006": " ",
        "\u2008": " ",
        "\u205f": " ",
        "\u3000": " ",
        "\t": " ",
        "\u200b": "",
        "\ufeff": "",
        "\ufffe": "",
        "\u2028": "\n",
        "\u2029": "\n\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x85": "\n",
    }.items()
}
# Other C0 controls and DEL: junk for SQLite FTS, Qt and XML export alike.
_CHAR_MAP.update({c: None for c in (*range(0, 9), *range(14, 32), 0x7F)})
_SPACES = re.compile(r" {2,}")
# pdfium marks a hyphen at the end of a line with U+0002 and joins the two lines itself.
_PDFIUM_HYPHEN = re.compile(r"\x02[ \t]*(?:\r\n|\r|\n)?")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$", re.IGNORECASE
)
_EXPLICIT_PAGE = re.compile(r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—])$", re.IGNORECASE)
# UN document furniture: the job number ("25-00800 (E) 070225 100225") and its barcode ("*2500800*").
_UN_CODES = re.compile(r"^(?:\*\d{6,9}\*|\d{2}-\d{5}\s?\([A-Z]\)(?:\s+\d{6}){0,2})$")
_FOOTNOTE_RULE = re.compile(r"^_{5,}$")
_LIST_ITEM = re.compile(r"^(?:[•●▪◦‣∙·*–—-]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s|\(?[ivx]{1,5}[.)]\s)")
_SENTENCE_END = re.compile(r"[.!?:;…]['\"”’»)\]]*$")
_PUNCT_END = re.compile(r"[.!?:;,…]['\"”’»)\]]*$")
_HYPHEN_END = re.compile(r"(?<!\w)(\w+)-$")
_FIRST_WORD = re.compile(r"^(\w+)")
_LAST_WORD = re.compile(r"(?<!\w)(\w+)$")
# Small words that rarely end a sentence: a line ending with one was wrapped.
_GLUE_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "nor",
        "but",
        "as",
        "its",
        "their",
        "his",
        "her",
        "our",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "whose",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "can",
        "not",
        "into",
        "onto",
        "upon",
        "within",
        "between",
        "among",
        "amongst",
        "against",
        "through",
        "under",
        "over",
        "about",
        "including",
        "such",
        "than",
        "per",
        "via",
        "both",
        "each",
        "all",
        "any",
        "other",
        "more",
        "most",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "et",
        "и",
        "в",
        "на",
        "по",
        "с",
        "о",
        "об",
        "для",
        "от",
        "к",
        "из",
    }
)
# Prefixes that make compounds ("counter-terrorism", "non-State", "well-being"); prefixes that
# also begin ordinary words ("inter-national", "ex-change", "co-operation") are deliberately absent.
_STRONG_PREFIXES = frozenset(
    {
        "counter",
        "anti",
        "non",
        "self",
        "cross",
        "well",
        "vice",
        "socio",
        "cyber",
        "ill",
        "quasi",
        "ultra",
        "semi",
    }
)
# Word endings that show a syllable break even after a strong prefix ("cross-ings").
_ENDINGS = frozenset({"ing", "ings", "ed", "es", "er", "ers", "ly", "ness", "ion", "ions", "ity"})
# Words that make compounds when what follows is a word of the document on its own ("long-term").
_COMPOUND_PREFIXES = frozenset(
    {
        "half",
        "mid",
        "long",
        "short",
        "high",
        "low",
        "large",
        "small",
        "full",
        "state",
        "law",
        "decision",
        "policy",
        "follow",
        "time",
        "cost",
        "risk",
        "gender",
        "evidence",
        "community",
        "human",
        "conflict",
    }
)
# Second halves that make compounds ("Libyan-owned", "capacity-building", "long-term").
_COMPOUND_SUFFIXES = frozenset(
    {
        "led",
        "based",
        "owned",
        "related",
        "driven",
        "oriented",
        "sponsored",
        "funded",
        "specific",
        "sensitive",
        "level",
        "term",
        "scale",
        "making",
        "building",
        "sharing",
        "wide",
        "like",
        "free",
        "affected",
        "focused",
        "designated",
        "run",
        "made",
        "born",
        "bound",
        "centred",
        "centered",
        "friendly",
        "inclusive",
        "responsive",
        "induced",
        "motivated",
        "linked",
        "backed",
        "affiliated",
        "contributing",
        "generated",
        "enabled",
        "style",
        "aligned",
        "appointed",
        "controlled",
        "year",
        "old",
        "border",
        "party",
        "way",
        "fold",
    }
)
_HEADER_ZONE = 3
_PARAGRAPH_CHARS = 80  # a line this long that ends a sentence is a paragraph, not a heading
_SOFT_REGIME = 0.25  # share of lines with a trailing space that marks a Word-made PDF


def normalise_chars(text: str) -> str:
    """Characters and spaces only; line structure is kept (each line stripped)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHAR_MAP)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def clean_text(text: str) -> str:
    """Clean one text without known page boundaries (form feeds, if any, are page breaks)."""
    if "\f" in text:
        return clean_pages(text.split("\f"))[0]
    return clean_pages([text], paged=False)[0]


def clean_pages(pages: list[str], *, pdf: bool = False, paged: bool = True) -> tuple[str, tuple[PageSpan, ...]]:
    """Clean the pages of a document and join them with blank lines.

    ``pdf`` turns on what only PDF text layers need (pdfium's hyphen marks, the trailing
    space signal, footnote rules, UN job numbers); ``paged`` says the texts really are
    pages, so bare numbers at their top or bottom are page numbers. The returned spans say
    which characters of the clean text came from which page.
    """
    prepared = [_prepare(page, pdf) for page in pages]
    page_lines = [lines for lines, _ in prepared]
    non_empty = [line for lines in page_lines for line in lines if line]
    soft_count = sum(1 for lines, soft in prepared for line, s in zip(lines, soft, strict=True) if line and s)
    trust_soft = pdf and len(non_empty) >= 5 and soft_count >= _SOFT_REGIME * len(non_empty)
    furniture = _repeated_furniture(page_lines) if len(pages) >= 3 else set()
    hyphens = Hyphenation("\n".join("\n".join(lines) for lines in page_lines))
    cleaned: list[str] = []
    for lines, soft in prepared:
        first, last = _zones(lines)
        kept: list[str] = []
        kept_soft: list[bool] = []
        for index, (line, is_soft) in enumerate(zip(lines, soft, strict=True)):
            if line and _is_furniture(
                line,
                index in first or index in last,
                furniture,
                paged,
                pdf,
                bare_zone=index in first[:2] or index in last[-2:],
            ):
                continue
            if pdf and _FOOTNOTE_RULE.match(line):
                line = ""  # footnotes start a block of their own
            kept.append(line)
            kept_soft.append(is_soft)
        cleaned.append(rewrap(kept, hyphens, soft=kept_soft if trust_soft else None, prose=pdf or paged))
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


def _prepare(page: str, pdf: bool) -> tuple[list[str], list[bool]]:
    """Normalised lines of a page, and for each whether it ended with a space (before stripping)."""
    if pdf:
        page = _PDFIUM_HYPHEN.sub("-\n", page)
    page = page.replace("\r\n", "\n").replace("\r", "\n").translate(_CHAR_MAP)
    raw = page.split("\n")
    soft = [line.endswith(" ") for line in raw]
    return [_SPACES.sub(" ", line).strip() for line in raw], soft


def _zones(lines: list[str]) -> tuple[list[int], list[int]]:
    """Indices of the first and last few non-empty lines (where running heads and page numbers live)."""
    content = [i for i, line in enumerate(lines) if line]
    size = min(_HEADER_ZONE, max(1, len(content) // 3))  # never most of a short page
    return content[:size], content[-size:]


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def _repeated_furniture(page_lines: list[list[str]]) -> set[str]:
    """Lines found in the top or bottom zone of at least 40% of the pages (digits ignored)."""
    counts: Counter[str] = Counter()
    for lines in page_lines:
        first, last = _zones(lines)
        counts.update({_furniture_key(lines[i]) for i in first + last if len(lines[i]) < 80})
    # 40%: running heads often alternate between even and odd pages.
    threshold = max(3, int(len(page_lines) * 0.4 + 0.5))
    return {key for key, n in counts.items() if n >= threshold and key.strip("#- ")}


def _is_furniture(line: str, in_zone: bool, furniture: set[str], paged: bool, pdf: bool, *, bare_zone: bool) -> bool:
    if _EXPLICIT_PAGE.match(line) or (pdf and _UN_CODES.match(line)):
        return True
    if not in_zone:
        return False
    # Only the outermost two lines: a bare number further in is more often a footnote mark.
    if paged and bare_zone and _PAGE_NUMBER.match(line):
        return True
    return bool(furniture) and _furniture_key(line) in furniture


class Hyphenation:
    """Decides whether a hyphen at a line end belongs to the word, using the whole document."""

    _PAIR = re.compile(r"(?<!\w)(\w+)-\n(\w+)")

    def __init__(self, text: str) -> None:
        pairs = self._PAIR.findall(text)
        body = self._PAIR.sub(" ", text)  # split fragments are not words of the document
        # finditer, not findall: a list of every token of a 50-million-character text would hold
        # hundreds of megabytes at once; the counts hold only the distinct words.
        self.tokens: Counter[str] = Counter(m.group().lower() for m in re.finditer(r"\w+(?:-\w+)*", body))
        self.words = {m.group().lower() for m in re.finditer(r"\w+", body)}
        compound = syllable = 0
        for left, right in pairs:
            hyphenated, joined = self.tokens[f"{left}-{right}".lower()], self.tokens[f"{left}{right}".lower()]
            if hyphenated > joined:
                compound += 1
            elif joined:
                syllable += 1
        # UN and most office documents are not auto-hyphenated: their line-end hyphens are real.
        self.default_keep = compound >= 3 and compound >= 3 * syllable

    def keep(self, fragment: str, rest: str) -> bool:
        if rest[:1].isupper() or rest[:1].isdigit() or fragment[-1:].isdigit():
            return True
        if len(fragment) > 1 and fragment.isupper():  # "UN-led", "ISIL-affiliated"
            return True
        hyphenated, joined = self.tokens[f"{fragment}-{rest}".lower()], self.tokens[f"{fragment}{rest}".lower()]
        if hyphenated or joined:
            return hyphenated >= joined
        low_fragment, low_rest = fragment.lower(), rest.lower()
        if low_fragment in _STRONG_PREFIXES and low_rest not in _ENDINGS:
            return True
        if low_rest in _COMPOUND_SUFFIXES and len(fragment) >= 3 and not (low_rest == "led" and fragment[-1] == "l"):
            return True
        is_word = len(low_rest) >= 3 and low_rest in self.words
        if is_word and (low_fragment in _COMPOUND_PREFIXES or (fragment[:1].isupper() and len(fragment) >= 3)):
            return True
        return self.default_keep


def rewrap(
    lines: list[str], hyphens: Hyphenation | None = None, *, soft: list[bool] | None = None, prose: bool = True
) -> str:
    """Join hard-wrapped lines into paragraphs, block by block (blocks end at blank lines).

    ``soft`` (one flag per line) says which lines ended with a space in a PDF that marks its
    wraps that way; ``prose=False`` asks for the cautious rules of plain text files.
    """
    hyphens = hyphens if hyphens is not None else Hyphenation("\n".join(lines))
    out: list[str] = []
    block: list[str] = []
    block_soft: list[bool] = []
    blank_run = 0
    flags = soft if soft is not None else [False] * len(lines)
    for line, is_soft in zip([*lines, ""], [*flags, False], strict=True):
        if line:
            if blank_run and out:
                out.append("")
            blank_run = 0
            block.append(line)
            block_soft.append(is_soft)
            continue
        if block:
            for paragraph in _rewrap_block(block, block_soft if soft is not None else None, hyphens, prose):
                if out and out[-1] and _apart(out[-1], paragraph):
                    out.append("")
                out.append(paragraph)
            block, block_soft = [], []
        blank_run += 1
    return "\n".join(out).strip("\n")


def _apart(previous: str, paragraph: str) -> bool:
    """Two prose paragraphs on consecutive lines (a file with one paragraph per line, or a
    paragraph break found inside a wrapped block) get a blank line between them, as blocks do:
    the clean text always separates paragraphs that way, so the reader shows them as paragraphs
    rather than as lines run together. Short lines (salutations, addresses, headings, short
    list items) stay on consecutive lines."""
    return (
        len(previous) >= _PARAGRAPH_CHARS
        and len(paragraph) >= _PARAGRAPH_CHARS
        and bool(_SENTENCE_END.search(previous))
    )


def _rewrap_block(block: list[str], soft: list[bool] | None, hyphens: Hyphenation, prose: bool) -> list[str]:
    if len(block) == 1:
        return block
    # The wrap width: a high percentile, not the maximum, so one long line (a URL, a
    # footnote) does not make every other line look short.
    lengths = sorted(len(line) for line in block)
    width = lengths[int(0.8 * (len(lengths) - 1))]
    if not prose and soft is None:
        prose = _looks_wrapped(block, width)
    # Each paragraph is built as a list of pieces and joined once: appending to a growing
    # string would be quadratic on a long run of wrapped lines.
    paragraphs: list[list[str]] = [[block[0]]]
    for i in range(1, len(block)):
        previous, line = block[i - 1], block[i]  # the physical previous line decides, not the joined one
        if not _should_join(previous, line, width, soft[i - 1] if soft is not None else None, prose):
            paragraphs.append([line])
            continue
        pieces = paragraphs[-1]
        match = _HYPHEN_END.search(previous)
        if match and line[:1].isalpha():
            following = _FIRST_WORD.match(line)
            if not hyphens.keep(match.group(1), following.group(1) if following else ""):
                pieces[-1] = pieces[-1][:-1]
            pieces.append(line)
        else:
            pieces.extend((" ", line))
    return ["".join(pieces) for pieces in paragraphs]


def _should_join(previous: str, line: str, width: int, soft: bool | None, prose: bool) -> bool:
    if _LIST_ITEM.match(line):
        return False
    if _HYPHEN_END.search(previous) and line[:1].isalpha():
        return True
    if soft is not None:
        # Word's trailing space: trusted, except after a short line that ends with punctuation
        # (resolutions end their preambular paragraphs with ", " and a space).
        return soft and not (_PUNCT_END.search(previous) and len(previous) < 0.75 * width)
    if _SENTENCE_END.search(previous):
        return False
    if len(previous) < 0.6 * width:
        # A short line is a heading, salutation or address line, unless the text visibly runs
        # on: it ends in a word or a comma and the next line starts in lower case ("I am
        # honoured to" / "address this body."); headings are followed by capitals.
        return line[:1].islower() and (previous[-1:].isalnum() or previous.endswith(","))
    if previous.endswith(","):
        # Short comma-ended lines followed by a capital are salutations ("Excellencies," /
        # "Ladies and gentlemen,"), not wrapped sentences.
        return len(previous) >= 30 or not line[:1].isupper()
    if prose:
        return True
    # Plain text: only when the sentence visibly goes on, so one-line paragraphs and lists
    # of titles that happen to have similar lengths stay as they are.
    return _continues(previous, line)


def _looks_wrapped(block: list[str], width: int) -> bool:
    """A plain-text block whose candidate line ends mostly show the sentence going on."""
    candidates = evidence = 0
    for previous, line in itertools.pairwise(block):
        if _LIST_ITEM.match(line) or _SENTENCE_END.search(previous) or len(previous) < 0.6 * width:
            continue
        candidates += 1
        hyphen = _HYPHEN_END.search(previous) and line[:1].isalpha()
        evidence += bool(hyphen or _continues(previous, line))
    return candidates >= 2 and 2 * evidence >= candidates


def _continues(previous: str, line: str) -> bool:
    first = line[:1]
    if first.islower() or first.isdigit() or first in "([“\"'‘":
        return True
    last = _LAST_WORD.search(previous)
    return last is not None and last.group(1).lower() in _GLUE_WORDS
