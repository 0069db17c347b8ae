"""The import pipeline: files are read, cleaned and analysed (``preparing``, in worker processes
for big batches), then stored in the database and the index in file order (``importer``)."""
