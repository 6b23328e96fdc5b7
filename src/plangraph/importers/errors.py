"""The errors an import reports to its user; each names the source and what was wrong."""

from __future__ import annotations


class ImportFailed(Exception):
    """An import that could not be done; the store is left as it was."""


class FetchFailed(ImportFailed):
    """The source could not be reached or answered with an error (offline, timeout, HTTP status)."""


class UnexpectedResponse(ImportFailed):
    """The source answered, but not with what the importer reads (an error page, a changed JSON
    shape, an empty table)."""
