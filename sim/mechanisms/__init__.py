"""The model's mechanisms, one module each (filled by the architecture work)."""
