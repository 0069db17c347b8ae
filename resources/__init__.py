"""Bundled data files: gazetteer, sample documents, icons."""
