"""The ``plangraph`` command: a thin client of the package's services.

:mod:`.app` registers the commands; one module per command group (:mod:`.store`: load, info;
:mod:`.serve`; :mod:`.query`; :mod:`.reason`; :mod:`.validate`; :mod:`.publish`: catalog, docs;
:mod:`.imports`: the ``import`` group; :mod:`.data`: synthetic); :mod:`.common` holds what they
share. Exit codes: 0 done, 1 the job ran and found a problem, 2 bad input or usage (nothing
changed).
"""

from plangraph.cli.app import app, main

__all__ = ["app", "main"]
