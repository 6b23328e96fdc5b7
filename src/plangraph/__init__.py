"""plangraph: a knowledge graph of Norway's municipal plan system, Bergen kommune first."""

__version__ = "0.1.0"
