"""``python -m plangraph`` runs the command-line interface."""

from plangraph.cli import main

main()
