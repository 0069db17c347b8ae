"""The archive folder and what keeps it whole: opening and migrating it (``folder``), the writer
lock, the content-addressed originals, backups, restore and salvage (``recovery``), ``check``
(``checks``) and keeping the search index in step with the database (``index_sync``)."""
