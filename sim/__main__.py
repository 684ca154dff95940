"""``python -m sim``: see ``sim.app``."""

from sim.app import main

if __name__ == "__main__":
    main()
