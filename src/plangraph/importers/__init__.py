"""Importers: national open data (SSB statistics, KLASS municipalities, the business register,
law, themes) turned into RDF, each written to a named graph of its own with its provenance."""
