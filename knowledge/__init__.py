"""The bundled knowledge base. Installed as the package `bot.bundled_knowledge` (see setup.py) so a
plain `pip install` carries it; this file makes it a regular package that importlib.resources can read."""
