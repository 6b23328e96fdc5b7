"""The languages plangraph speaks: labels, messages and pages in Norwegian bokmål and English.

One type for every face (the CLI's ``--lang``, the web's ``lang=``, the library's ``lang``
arguments), with one default: bokmål, the language of the plans themselves.
"""

from __future__ import annotations

import enum
from typing import Final


class Lang(enum.StrEnum):
    """A language plangraph labels things in, by its BCP 47 tag."""

    nb = "nb"
    en = "en"

    @property
    def other(self) -> Lang:
        """The other language: where a label or message falls back to."""
        return Lang.en if self is Lang.nb else Lang.nb


#: Every language, the default first.
LANGUAGES: Final = (Lang.nb, Lang.en)
DEFAULT: Final = Lang.nb


class UnknownLanguage(ValueError):
    """A language plangraph does not speak; the message lists the ones it does."""


def parse(value: str) -> Lang:
    """``value`` as a :class:`Lang` (case-insensitive), or :class:`UnknownLanguage`."""
    try:
        return Lang(value.strip().lower())
    except ValueError:
        raise UnknownLanguage(
            f"language {value!r}: plangraph speaks {' and '.join(LANGUAGES)}"
        ) from None
