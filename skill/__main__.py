"""``python -m skill`` runs the ``glimmers`` command."""

from .cli import main

main()
