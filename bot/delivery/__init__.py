"""Delivery: the outbox runner and the transport protocol each chat platform implements."""
