"""The entity service: extraction of people, organisations and places into the archive
(``service``, with worker processes in ``workers``), analysts' corrections (``editing``) and the
corrections log read back as decisions that re-extraction respects (``corrections``)."""
