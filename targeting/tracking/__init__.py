"""Behaviour tracking: the event API, its buffer, folding into profiles, consent and customer data.

Flow: the beacon (``static/targeting/js/beacon.js``) or a channel system posts a batch to
``POST /api/v1/events`` -> ``schema`` validates each event -> ``ingestion`` applies the identity
rules, rate limits and idempotency and appends the accepted events to the ``buffer`` (a Redis
stream, or the ``RawEvent`` table when Redis is absent or down) -> Celery ``tasks`` drain the
stream into ``RawEvent`` and ``folding`` folds unfolded rows into ``VisitorProfile`` and the
customer's ``Interaction`` history. See docs/tracking.md.
"""
