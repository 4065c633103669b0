"""Repository functions, one module per aggregate. Each takes a session and returns plain
records (``storage.records``), never ORM objects.

- ``documents``: documents, project meta and the scheme tables;
- ``annotators_assignments``: annotators (layers) and their assignments;
- ``spans``: spans and relations of every layer;
- ``suggestions``: pre-annotation suggestions and their relations;
- ``registry``: the actor registry (entities and aliases);
- ``events``: the event log.

Callers import the aggregate they need: ``from storage.repository import spans as span_repo``.
"""
