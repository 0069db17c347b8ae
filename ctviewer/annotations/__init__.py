"""Passage annotations: the service that creates, edits and re-anchors them (``service``), the
anchoring of passages across changes of a document's text (``anchoring``), and export and
import in Markdown, CSV and W3C Web Annotation JSON-LD (``exchange``)."""
