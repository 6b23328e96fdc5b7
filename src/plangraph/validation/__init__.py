"""Validation of plan submissions and of the whole register against SHACL shapes.

plangraph's own shapes (``shapes/``) by default, and any SHACL Core and SHACL-SPARQL shapes of
the user's. The fast path compiles the shapes to SPARQL that pyoxigraph runs
(:mod:`.engines.oxigraph`); pyshacl (:mod:`.engines.pyshacl`, the one importer of pyshacl) is
the reference, and judges in the same run any shape the fast path cannot compile. Everything
returns one typed :class:`Report`::

    from plangraph.validation import read_file, validate
    report = validate([read_file(Path("plan.ttl"))], shapes=[Path("extra.ttl")])
    report.conforms, [f.message["en"] for f in report.findings]
"""

from plangraph.validation.register import (
    Register,
    RegisterError,
    data_store,
    open_store,
)
from plangraph.validation.report import Basis, Finding, Node, Report
from plangraph.validation.shapes import (
    NamedShapes,
    Rule,
    Severity,
    ShapesError,
    ShapesModel,
    UnsupportedShape,
    parse_parts,
    parse_shapes,
    read_shapes_file,
)
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
from plangraph.validation.validator import (
    NeedsPyshacl,
    ValidationEngine,
    shapes_model,
    shipped_register,
    validate,
    validate_store,
)

__all__ = [
    "CONTEXT_IRI",
    "Basis",
    "Finding",
    "Format",
    "MeasureFile",
    "NamedShapes",
    "NeedsPyshacl",
    "Node",
    "Problem",
    "Register",
    "RegisterError",
    "Report",
    "Resolution",
    "Rule",
    "Severity",
    "ShapesError",
    "ShapesModel",
    "Submission",
    "SubmissionError",
    "UnsupportedShape",
    "ValidationEngine",
    "data_store",
    "open_store",
    "parse",
    "parse_parts",
    "parse_shapes",
    "read_file",
    "read_shapes_file",
    "shapes_model",
    "shipped_register",
    "validate",
    "validate_store",
]
