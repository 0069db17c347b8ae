"""ctviewer: an offline desktop archive viewer for security and counter-terrorism analysts."""

__version__ = "0.1.0"
