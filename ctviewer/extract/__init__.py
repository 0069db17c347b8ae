"""Entity extraction and resolution (people, organisations, places), free of Qt and the database.

Importing this package is cheap: spaCy is imported only when :func:`ctviewer.extract.pipeline.get_nlp`
(or an :class:`~ctviewer.extract.pipeline.Extractor`) is first used, so commands that never extract
start fast.

Modules, one job each:

- ``textprep``   clean text for the model (PDF line breaks, odd spaces) with offsets mapped back
- ``gazetteer``  the list of known organisations/places (``resources/gazetteer.yaml`` + user file)
- ``keys``       normalisation keys used to compare names (spelling, case, transliteration)
- ``pipeline``   the spaCy pipeline (built once, lazily) and chunked batch extraction
- ``mentions``   spaCy spans -> clean :class:`Mention` records (fixes of the model's weak spots)
- ``roles``      titles and roles around person names ("SCO Secretary-General Zhang Ming")
- ``resolve``    mentions of many documents -> one entity per real-world thing, merge suggestions
"""

from __future__ import annotations

from ctviewer.extract.model import Mention

__all__ = ["Mention"]
