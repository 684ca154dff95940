"""``python -m analysis {compare,sweep,sensitivity,discover} ...`` (see docs/analysis.md)."""

from analysis.cli import main

if __name__ == "__main__":
    main()
