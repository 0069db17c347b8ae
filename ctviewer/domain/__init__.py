"""Small frozen records shared by every layer.

Nothing here imports SQLAlchemy, Whoosh or Qt: these are the plain values that cross layer
boundaries (ORM objects never leave a session). One module per subject: ``documents``,
``imports``, ``search``, ``checks``, ``entities``, ``annotations``.
"""
