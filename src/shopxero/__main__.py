"""``python -m shopxero``."""

from shopxero.cli import main

main()
