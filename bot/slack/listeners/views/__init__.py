"""Listeners of one kind, one small module each, each with register(app, services)."""
