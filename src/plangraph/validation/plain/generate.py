"""Write the files generated from the plain format's description (:mod:`.spec`): the JSON Schema
(``plan.schema.json``) and the JSON-LD context (``context.jsonld``).

    python -m plangraph.validation.plain.generate
"""

from __future__ import annotations

from plangraph.validation.plain.spec import write_generated


def main() -> None:
    for written in write_generated():
        print(written)


if __name__ == "__main__":
    main()
