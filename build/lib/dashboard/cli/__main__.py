"""``python -m dashboard.cli``: the same as the ``brandpulse`` console script."""

from dashboard.cli import main

main()
