"""Packaging beyond what pyproject.toml can say: the knowledge base ships inside the package.

`knowledge/` stays at the top of the repository (the one copy people edit and review) and is
installed as the package `bot.bundled_knowledge`, read with importlib.resources.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), "bot.bundled_knowledge"],
    package_dir={"bot.bundled_knowledge": "knowledge"},
    package_data={
        "bot.bundled_knowledge": ["*.yaml", "*.md", "sources/*.txt", "vectors/*.npz"],
        "bot.matching": ["model/*.npy", "model/*.json", "model/LICENSE"],
        "bot.teams": ["icons/*.png"],
    },
)
