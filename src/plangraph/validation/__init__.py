"""Validation of plan submissions and of the whole register against plangraph's SHACL shapes.

The one importer of pyshacl (in :mod:`.reference`, the reference engine). The fast path compiles
the shapes to SPARQL that pyoxigraph runs (:mod:`.sparql`). Everything returns one typed
:class:`Report`::

    from plangraph.validation import read_file, validate
    report = validate([read_file(Path("plan.ttl"))])
    report.conforms, [f.message["en"] for f in report.findings]
"""

from plangraph.validation.register import Register, RegisterError, open_store
from plangraph.validation.report import Basis, Finding, Node, Report
from plangraph.validation.shapes import Rule, Severity, UnsupportedShape
from plangraph.validation.submission import (
    CONTEXT_IRI,
    Format,
    MeasureFile,
    Problem,
    Resolution,
    Submission,
    SubmissionError,
    parse,
    read_file,
)
from plangraph.validation.validator import Engine, shipped_register, validate, validate_store

__all__ = [
    "CONTEXT_IRI",
    "Basis",
    "Engine",
    "Finding",
    "Format",
    "MeasureFile",
    "Node",
    "Problem",
    "Register",
    "RegisterError",
    "Report",
    "Resolution",
    "Rule",
    "Severity",
    "Submission",
    "SubmissionError",
    "UnsupportedShape",
    "open_store",
    "parse",
    "read_file",
    "shipped_register",
    "validate",
    "validate_store",
]
