"""Importers: national open data (SSB statistics, KLASS municipalities, the business register,
Los themes) turned into RDF, each written to a named graph of its own with its provenance.

The law file is not imported (Lovdata publishes no RDF to import): :mod:`plangraph.data.law`
checks it."""
