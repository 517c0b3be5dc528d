"""Counting words in English, in one place: ``plural(1, "conflict")`` is "1 conflict",
``plural(3, "conflict")`` "3 conflicts"; ``article("integer")`` is "an integer"."""

from __future__ import annotations

#: nouns whose plural is not the noun with an "s"
_IRREGULAR = {"entry": "entries", "child": "children", "change": "changes", "is": "are"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural unless the count is one."""
    return f"{count} {plural_noun(count, noun, many)}"


def plural_noun(count: int, noun: str, many: str | None = None) -> str:
    """``noun`` as it goes with ``count`` (without the number)."""
    if count == 1:
        return noun
    return (
        many or _IRREGULAR.get(noun) or (noun + "es" if noun.endswith(("s", "x")) else noun + "s")
    )


def article(phrase: str) -> str:
    """``phrase`` with "a" or "an" before it, as it is said ("an integer", "a URL")."""
    first = phrase.split(" ", 1)[0]
    vowel_sound = first[:1].lower() in "aeiou" and not first.lower().startswith(
        ("uni", "use", "url")
    )
    if first.isupper() and len(first) > 1:  # an acronym, read letter by letter
        vowel_sound = first[0] in "AEFHILMNORSX"
    return f"{'an' if vowel_sound else 'a'} {phrase}"
