"""Titles and roles around person names.

Recognised shapes (``ORG`` is an organisation or place mention, or a plain capitalised phrase):

- ``ORG Title Name``                    "SCO Secretary-General Zhang Ming"
- ``Title of [the] ORG Name``           "President of Uzbekistan Shavkat Mirziyoyev"
- ``Name, [the] Title of [the] ORG``    "Natalia Gherman, Head of the UN Regional Centre ..."
- ``Name, Title, ORG``                  "Mr. Vladimir Voronkov, Under-Secretary-General, United Nations Office of ..."
- ``Title Name``                        "Ambassador Jane Doe" (no organisation)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_MODIFIER = (
    r"(?:(?:First|Deputy|Acting|Assistant|Senior|Executive|Special|Chief|Vice|Interim|Former|Permanent|High)[\s-]+)*"
)
_MINISTRY = (
    r"(?:Foreign Affairs|Internal Affairs|Interior|Defen[cs]e|Justice|Finance|Economy|Emergency Situations|"
    r"Foreign Trade|Education|Health|Energy|Security|State Security|Home Affairs|Europe and Foreign Affairs)"
)
ROLE_TITLES = [
    r"Under-Secretary-General",
    r"Under Secretary-General",
    r"Under-Secretary General",
    r"Secretary-General",
    r"Secretary General",
    r"Director-General",
    r"Director General",
    r"Prime Minister",
    r"Foreign Minister",
    r"Defen[cs]e Minister",
    r"Interior Minister",
    rf"Minister (?:of|for) (?:the )?{_MINISTRY}",
    r"Minister",
    r"State Secretary",
    r"Secretary of State",
    r"Vice-President",
    r"Vice President",
    r"President",
    r"Chairman",
    r"Chairwoman",
    r"Chairperson",
    r"Chair",
    r"Executive Director",
    r"Director",
    r"Head",
    r"Chief",
    r"Coordinator",
    r"Co-ordinator",
    r"Ambassador",
    r"Permanent Representative",
    r"Special Representative",
    r"High Representative",
    r"Representative",
    r"Special Envoy",
    r"Envoy",
    r"High Commissioner",
    r"Commissioner",
    r"Spokesperson",
    r"Spokesman",
    r"Spokeswoman",
    r"National Security Advis[eo]r",
    r"Advis[eo]r",
    r"Secretary",
    r"Senator",
    r"Governor",
    r"Mayor",
    r"King",
    r"Queen",
    r"Emir",
    r"Crown Prince",
    r"Speaker",
    r"Commander",
    r"Chancellor",
    r"Director of [A-Z][a-z]+",
]
_TITLE = rf"(?:{_MODIFIER}(?:{'|'.join(ROLE_TITLES)}))"
TITLE_RE = re.compile(rf"\b{_TITLE}\b")
_HONORIFIC = r"(?:(?:Mr|Mrs|Ms|Dr|Prof|H\.\s?E|Sir|Madam)\.?\s+|(?:His|Her) (?:Excellency|Majesty|Highness)\s+)*"

# "... Title [of ORG] [,] [Mr.] <name>" : matched against the text just before a name.
_BEFORE = re.compile(
    rf"(?P<title>{_TITLE})(?:\s+(?:of|for|to|at|in)\s+(?:the\s+)?(?P<org>[A-Z][^,;:.()\n]*?))?\s*,?\s*{_HONORIFIC}$"
)
# "<name>, [the] Title [of|,] ORG" : matched against the text just after a name.
_AFTER = re.compile(
    rf"^\s*,\s*(?:the\s+|a\s+|our\s+)?(?P<title>{_TITLE})(?:(?:\s+(?:of|for|to|at|in)\s+|\s*,\s*|\s+)(?:the\s+)?"
    rf"(?P<org>(?:[A-Z0-9][^\s,;:.()]*)(?:[^\S\n]+(?:[A-Z0-9][^\s,;:.()]*|of|for|and|on|in|the|to|de)){{0,14}}))?"
)
_TRAILING_FUNCTION = re.compile(r"(?:\s+(?:the|and|on|in|to|de))+$")


@dataclass(frozen=True)
class RoleMatch:
    """A role found next to a person: offsets are into the text the finder was given."""

    title: str
    org: str | None
    org_start: int | None
    org_end: int | None


def _tidy_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip()


def find_role(
    text: str, start: int, end: int, spans: Sequence[tuple[int, int, str]], window: int = 160
) -> RoleMatch | None:
    """The role of the person named at ``text[start:end]``, if one of the shapes above is found.

    ``spans`` are other mentions ``(start, end, type)``: an organisation or place mention right
    before the title ("SCO Secretary-General") or after "of" gives the organisation with its exact
    extent; otherwise the capitalised phrase after "of"/"," is taken.
    """
    # Never look past another person's name: "X of ORG Vladimir Voronkov and Natalia Gherman".
    lo = max(0, start - window)
    for _s, e, typ in spans:
        if typ == "person" and lo < e <= start:
            lo = e
    before = text[lo:start]
    base = start - len(before)
    m = _BEFORE.search(before)
    if m:
        title = _tidy_title(m.group("title"))
        if m.group("org"):
            org_s, org_e = base + m.start("org"), base + m.end("org")
            return RoleMatch(title, text[org_s:org_e].strip(), org_s, org_e)
        # Organisation or place mention immediately before the title.
        t_s = base + m.start("title")
        for s, e, typ in spans:
            if typ in ("organisation", "place") and e <= t_s and not text[e:t_s].strip(" 's’"):
                return RoleMatch(title, text[s:e], s, e)
        return RoleMatch(title, None, None, None)
    hi = end + window
    for s, _e, typ in spans:
        if typ == "person" and end <= s < hi:
            hi = s
    after = text[end:hi]
    m = _AFTER.match(after)
    if m:
        title = _tidy_title(m.group("title"))
        if m.group("org"):
            org_s, org_e = end + m.start("org"), end + m.end("org")
            org = text[org_s:org_e]
            trimmed = _TRAILING_FUNCTION.sub("", org)
            org_e -= len(org) - len(trimmed)
            # Prefer a known mention starting there unless the phrase runs on past it.
            for s, e, typ in spans:
                if s == org_s and e >= org_e and typ in ("organisation", "place"):
                    return RoleMatch(title, text[s:e], s, e)
            return RoleMatch(title, trimmed, org_s, org_e)
        return RoleMatch(title, None, None, None)
    return None
